// sync_stream.hpp: the sync stream cut into lines, NDJSON and BSON framing.
#include "test_support.hpp"

#include <pswire/sync_stream.hpp>

#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

using namespace pswire;

namespace {
// A BSON document by hand: its int32 length (little-endian, counting itself),
// `elements`, the terminating NUL.
std::string bson_document(std::string_view elements) {
  const auto length = static_cast<std::uint32_t>(4 + elements.size() + 1);
  std::string document;
  for (int shift = 0; shift < 32; shift += 8) document += static_cast<char>(length >> shift & 0xFF);
  document.append(elements);
  document += '\0';
  return document;
}
// {key: int32 value}
std::string bson_int32_document(std::string_view key, std::uint32_t value) {
  std::string element = "\x10";
  element.append(key);
  element += '\0';
  for (int shift = 0; shift < 32; shift += 8) element += static_cast<char>(value >> shift & 0xFF);
  return bson_document(element);
}

// The lines of a stream, then "end@offset" or "!error@offset".
struct outcome {
  outcome() = default;
  outcome(std::initializer_list<std::string> all) : items(all) {}
  std::vector<std::string> items;
  bool operator==(const outcome&) const = default;
};
// For doctest's messages, bytes outside printable ASCII as \xNN.
std::ostream& operator<<(std::ostream& out, const outcome& o) {
  for (const std::string& item : o.items) {
    out << '[';
    for (const char c : item) {
      const auto byte = static_cast<unsigned char>(c);
      if (byte >= 0x20 && byte < 0x7F) {
        out << c;
      } else {
        constexpr std::string_view hex = "0123456789abcdef";
        out << "\\x" << hex[byte >> 4] << hex[byte & 0xF];
      }
    }
    out << ']';
  }
  return out;
}

// "what@offset", built by appending: `"!" + std::string` trips g++ 12's
// -Wrestrict false positive at -O3 -fno-exceptions.
std::string at_offset(std::string_view what, std::uint64_t offset) {
  std::string text(what);
  text.append("@").append(std::to_string(offset));
  return text;
}
std::string error_at(const error& e) {
  std::string name = "!";
  name.append(to_string(e.code));
  return at_offset(name, e.offset);
}

// Reads `stream` cut at `cuts` (ascending), each chunk in its own exact-size
// heap block freed as soon as the reader is done with it, so the sanitized
// builds catch a read past a chunk or a view used after it.
outcome read_split(sync_stream_reader& reader, std::string_view stream, const std::vector<std::size_t>& cuts) {
  outcome lines;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= cuts.size(); ++i) {
    const std::size_t end = i < cuts.size() ? cuts[i] : stream.size();
    const std::size_t size = end - start;
    auto chunk = std::make_unique<char[]>(size);
    if (size != 0) std::memcpy(chunk.get(), stream.data() + start, size);
    start = end;
    reader.feed(std::string_view(chunk.get(), size));
    for (;;) {
      auto line = reader.next_line();
      if (!line) {
        lines.items.push_back(error_at(line.error_info()));
        return lines;
      }
      if (!*line) break;
      lines.items.emplace_back(**line);
    }
  }
  auto end = reader.finish();
  lines.items.push_back(end ? at_offset("end", reader.stream_offset()) : error_at(end.error_info()));
  return lines;
}

outcome read_split(stream_framing framing, std::string_view stream, const std::vector<std::size_t>& cuts,
                   const limits& lim = {}) {
  sync_stream_reader reader(framing, lim);
  return read_split(reader, stream, cuts);
}

outcome read_whole(stream_framing framing, std::string_view stream, const limits& lim = {}) {
  return read_split(framing, stream, {}, lim);
}

// Cut before every byte: 1-byte chunks.
std::vector<std::size_t> every_byte(std::string_view stream) {
  std::vector<std::size_t> cuts;
  for (std::size_t at = 1; at < stream.size(); ++at) cuts.push_back(at);
  return cuts;
}

// Every way to cut the stream once or twice reads as the whole stream does, and so do 1-byte chunks.
void check_every_split(stream_framing framing, std::string_view stream, const outcome& expected, const limits& lim = {}) {
  REQUIRE(read_whole(framing, stream, lim) == expected);
  CHECK(read_split(framing, stream, every_byte(stream), lim) == expected);
  for (std::size_t first = 0; first <= stream.size(); ++first) {
    CHECK_MESSAGE(read_split(framing, stream, {first}, lim) == expected, "cut at " << first);
    for (std::size_t second = first; second <= stream.size(); ++second) {
      CHECK_MESSAGE(read_split(framing, stream, {first, second}, lim) == expected, "cuts at " << first << ", " << second);
    }
  }
}

template <class Input>
concept feedable = requires(sync_stream_reader& reader, Input&& input) { reader.feed(std::forward<Input>(input)); };
}  // namespace

static_assert(to_string(stream_framing::ndjson) == "ndjson");
static_assert(to_string(stream_framing::bson) == "bson");
// A temporary string would be gone before its lines are read.
static_assert(!feedable<std::string>);
static_assert(!feedable<simdjson::padded_string>);
static_assert(feedable<std::string&>);
static_assert(feedable<std::string_view>);
static_assert(feedable<const char (&)[3]>);

TEST_CASE("NDJSON: lines without their '\\n', the offset after each") {
  sync_stream_reader reader(stream_framing::ndjson);
  const std::string chunk = "{\"a\":1}\n{\"b\":2}\n";
  reader.feed(chunk);
  auto first = reader.next_line();
  REQUIRE(first);
  REQUIRE(first->has_value());
  CHECK(**first == R"({"a":1})");
  CHECK(reader.stream_offset() == 8);
  auto second = reader.next_line();
  REQUIRE(second);
  CHECK(second->value() == R"({"b":2})");
  CHECK(reader.stream_offset() == 16);
  auto used_up = reader.next_line();
  REQUIRE(used_up);
  CHECK(!used_up->has_value());
  CHECK(reader.finish().has_value());
  CHECK(read_whole(stream_framing::ndjson, "") == outcome{"end@0"});
}

TEST_CASE("NDJSON splits on '\\n' alone: U+2028, U+2029, U+0085, a lone '\\r', '\\f' and NUL stay in the line") {
  const std::string line_separator = "{\"s\":\"a\xE2\x80\xA8" "b\"}";
  const std::string paragraph_separator = "{\"s\":\"a\xE2\x80\xA9" "b\"}";
  const std::string next_line = "{\"s\":\"a\xC2\x85" "b\"}";
  const std::string lone_cr = "{\"s\":1}\r{\"t\":2}";
  const std::string controls = std::string("{\"s\":\"\f\v\x1C\x1D\x1E", 11) + std::string("\0\"}", 3);
  const std::string stream = line_separator + "\n" + paragraph_separator + "\n" + next_line + "\n" + lone_cr + "\n" +
                             controls + "\n";
  const std::string end = at_offset("end", stream.size());
  check_every_split(stream_framing::ndjson, stream, {line_separator, paragraph_separator, next_line, lone_cr, controls, end});
}

TEST_CASE("NDJSON: \"\\r\\n\" drops the '\\r'; empty lines and a lone \"\\r\" line are skipped") {
  check_every_split(stream_framing::ndjson, "{\"a\":1}\r\n\n\r\n{\"b\":2}\n\r\n", {"{\"a\":1}", "{\"b\":2}", "end@22"});
  // Only one '\r' goes: the line decoder sees (and refuses) the other.
  CHECK(read_whole(stream_framing::ndjson, "{}\r\r\n") == outcome{"{}\r", "end@5"});
  sync_stream_reader reader(stream_framing::ndjson);
  reader.feed("\n\r\n\n");
  auto skipped = reader.next_line();
  REQUIRE(skipped);
  CHECK(!skipped->has_value());
  CHECK(reader.stream_offset() == 4);
}

TEST_CASE("NDJSON: the last line must end in '\\n'") {
  check_every_split(stream_framing::ndjson, "{\"a\":1}\n{\"b\":", {"{\"a\":1}", "!truncated_stream@8"});
  check_every_split(stream_framing::ndjson, "{\"a\":1}\n\r", {"{\"a\":1}", "!truncated_stream@8"});
}

TEST_CASE("a line whole in its chunk is a view of the chunk; one that spans chunks is the reader's copy") {
  sync_stream_reader reader(stream_framing::ndjson);
  const std::string first = "{\"a\":1}\n{\"b\":";
  const std::string second = "2}\n{\"c\":3}\n";
  reader.feed(first);
  auto whole = reader.next_line();
  REQUIRE(whole);
  CHECK(whole->value().data() == first.data());
  auto partial = reader.next_line();
  REQUIRE(partial);
  CHECK(!partial->has_value());
  reader.feed(second);
  auto spanning = reader.next_line();
  REQUIRE(spanning);
  CHECK(spanning->value() == "{\"b\":2}");
  const char* copy = spanning->value().data();
  CHECK((copy < second.data() || copy >= second.data() + second.size()));
  auto after = reader.next_line();
  REQUIRE(after);
  CHECK(after->value().data() == second.data() + 3);

  const std::string documents = bson_int32_document("a", 1) + bson_int32_document("b", 2);
  sync_stream_reader bson(stream_framing::bson);
  bson.feed(documents);
  auto document = bson.next_line();
  REQUIRE(document);
  CHECK(document->value().data() == documents.data());
  CHECK(document->value().size() == 12);
}

TEST_CASE("a line across many chunks comes back whole") {
  std::string line = "{\"s\":\"";
  line.append(10000, 'x').append("\"}");
  const std::string stream = line + "\n" + line + "\r\n";
  std::vector<std::size_t> cuts;
  for (std::size_t at = 7; at < stream.size(); at += 7) cuts.push_back(at);
  // Not decomposed: doctest would print 20 KB.
  CHECK((read_split(stream_framing::ndjson, stream, cuts) == outcome{line, line, at_offset("end", stream.size())}));
}

TEST_CASE("NDJSON: a line over max_message_bytes is refused as soon as it cannot fit") {
  limits lim;
  lim.max_message_bytes = 8;
  // Exactly the limit passes, with '\n' or "\r\n"; one byte more does not.
  check_every_split(stream_framing::ndjson, "[123456]\n[123456]\r\n", {"[123456]", "[123456]", "end@19"}, lim);
  check_every_split(stream_framing::ndjson, "[1]\n[1234567]\n[1]\n", {"[1]", "!line_too_large@4"}, lim);
  check_every_split(stream_framing::ndjson, "[1]\n[1234567]\r\n", {"[1]", "!line_too_large@4"}, lim);
  // Refused before its '\n' comes, however far away that is: nothing more is buffered.
  sync_stream_reader reader(stream_framing::ndjson, lim);
  reader.feed("[1]\n[123");
  REQUIRE(reader.next_line());
  CHECK(!reader.next_line()->has_value());
  reader.feed("45678");
  CHECK(reader.next_line().error_info().offset == 4);
  CHECK(reader.next_line().code() == errc::line_too_large);
  // Nine bytes ending in '\r' may still be eight and "\r\n".
  sync_stream_reader awaiting(stream_framing::ndjson, lim);
  awaiting.feed("[123456]\r");
  CHECK(!awaiting.next_line()->has_value());
  std::string long_chunk = "[";
  long_chunk.append(1000, '1').append("]\n");
  CHECK(read_whole(stream_framing::ndjson, long_chunk, lim) == outcome{"!line_too_large@0"});
}

TEST_CASE("BSON: whole documents, length prefix included, at every split") {
  const std::string first = bson_int32_document("a", 1);
  const std::string second = bson_int32_document("checkpoint", 0xFFFFFFFF);
  const std::string third = bson_document("");  // the smallest, 5 bytes
  const std::string stream = first + second + third + first;
  check_every_split(stream_framing::bson, stream, {first, second, third, first, at_offset("end", stream.size())});
}

TEST_CASE("BSON: the length prefix split across four chunks") {
  const std::string document = bson_int32_document("n", 7);
  sync_stream_reader reader(stream_framing::bson);
  for (std::size_t i = 0; i < 4; ++i) {
    reader.feed(std::string_view(document).substr(i, 1));
    auto line = reader.next_line();
    REQUIRE(line);
    CHECK(!line->has_value());
  }
  reader.feed(std::string_view(document).substr(4));
  auto line = reader.next_line();
  REQUIRE(line);
  CHECK(line->value() == document);
  CHECK(reader.stream_offset() == document.size());
  CHECK(reader.finish().has_value());
}

TEST_CASE("BSON: the length must be 5 or more and not negative; the content is the line decoder's") {
  const std::string good = bson_int32_document("a", 1);
  auto with_length = [&](std::string_view length) { return good + std::string(length) + std::string(8, 'x'); };
  const std::string invalid = at_offset("!invalid_bson", good.size());
  check_every_split(stream_framing::bson, with_length(std::string("\x04\0\0\0", 4)), {good, invalid});
  check_every_split(stream_framing::bson, with_length(std::string("\0\0\0\0", 4)), {good, invalid});
  check_every_split(stream_framing::bson, with_length("\xFF\xFF\xFF\xFF"), {good, invalid});
  check_every_split(stream_framing::bson, with_length(std::string("\0\0\0\x80", 4)), {good, invalid});
  // A whole 4-byte length is checked at once, even when nothing follows it.
  check_every_split(stream_framing::bson, good + std::string("\x01\0\0\0", 4), {good, invalid});
  // Not even the terminating NUL is checked here.
  const std::string unterminated = std::string("\x06\0\0\0xy", 6);
  check_every_split(stream_framing::bson, unterminated, {unterminated, "end@6"});
}

TEST_CASE("BSON: a document over max_message_bytes") {
  limits lim;
  lim.max_message_bytes = 12;
  const std::string fits = bson_int32_document("a", 1);
  REQUIRE(fits.size() == 12);
  const std::string over = bson_int32_document("ab", 1);
  check_every_split(stream_framing::bson, fits + over + fits, {fits, "!line_too_large@12"}, lim);
  // A length near 2^31 is refused from its prefix, nothing buffered.
  CHECK(read_whole(stream_framing::bson, "\xFF\xFF\xFF\x7F") == outcome{"!line_too_large@0"});
}

TEST_CASE("BSON: the stream ended inside a document") {
  const std::string document = bson_int32_document("a", 1);
  check_every_split(stream_framing::bson, document + document.substr(0, 2), {document, "!truncated_stream@12"});
  check_every_split(stream_framing::bson, document + document.substr(0, 11), {document, "!truncated_stream@12"});
}

TEST_CASE("a failed reader stays failed until reset(), then reads a new stream from offset 0") {
  limits lim;
  lim.max_message_bytes = 4;
  sync_stream_reader reader(stream_framing::ndjson, lim);
  reader.feed("[1]\n[1234]\n[2]\n");
  REQUIRE(reader.next_line());
  const error failure = reader.next_line().error_info();
  CHECK(error_at(failure) == "!line_too_large@4");
  CHECK(error_at(reader.next_line().error_info()) == "!line_too_large@4");
  CHECK(error_at(reader.finish().error_info()) == "!line_too_large@4");
  reader.feed("[3]\n");  // fed after the failure: still the failure
  CHECK(error_at(reader.next_line().error_info()) == "!line_too_large@4");
  CHECK(error_at(reader.finish().error_info()) == "!line_too_large@4");
  CHECK(reader.stream_offset() == 4);

  sync_stream_reader truncated(stream_framing::ndjson);
  truncated.feed("[1]\n[2");
  REQUIRE(truncated.next_line());
  CHECK(!truncated.next_line()->has_value());
  CHECK(error_at(truncated.finish().error_info()) == "!truncated_stream@4");
  CHECK(error_at(truncated.next_line().error_info()) == "!truncated_stream@4");

  reader.reset();
  CHECK(reader.stream_offset() == 0);
  CHECK(read_split(reader, "[5]\n[6", {5}) == outcome{"[5]", "!truncated_stream@4"});
  reader.reset();
  CHECK(read_split(reader, "[7]\n[8]\n", {5}) == outcome{"[7]", "[8]", "end@8"});
}
