// Sync lines in BSON (sync_lines.hpp over core/bson_reader.hpp and
// bson_writer.hpp): the BSON vectors, agreement with the JSON dialect, views,
// errors with offsets and paths, and the stream writer.
#include "test_support.hpp"

#include <filesystem>

using namespace pswire;
using test_support::error_label;
using test_support::read_lines;
using test_support::vector_dir;

namespace {

std::string from_hex(std::string_view hex) {
  std::string bytes;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    bytes.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return bytes;
}

std::string canonical_json(const sync_line& line) {
  return test_support::encode([&](json_writer& w) { write_sync_line(w, line); });
}

std::string to_bson(const sync_line& line) {
  std::string out;
  auto size = encode_sync_line_bson(out, line);
  REQUIRE(size);
  CHECK(*size == out.size());
  return out;
}

// Every sync line the JSON vectors hold, accepted ones only.
std::vector<std::string> json_sync_lines() {
  std::vector<std::string> lines;
  for (const auto& file : std::filesystem::directory_iterator(vector_dir())) {
    if (file.path().extension() != ".jsonl") continue;
    for (const auto& v : test_support::load_vectors(file.path().filename().string())) {
      if (v.kind == "sync-line" && v.error.empty()) lines.push_back(v.input);
    }
  }
  for (const std::string& line : read_lines(PSWIRE_SOURCE_DIR "/tests/interop/sync_session.ndjson")) lines.push_back(line);
  return lines;
}

// A document {"<key>": {...}} from its members' bytes.
std::string document(std::string_view body) {
  std::string out(4, '\0');
  out += body;
  out += '\0';
  const auto size = static_cast<std::uint32_t>(out.size());
  for (int i = 0; i < 4; ++i) out[static_cast<std::size_t>(i)] = static_cast<char>((size >> (8 * i)) & 0xFF);
  return out;
}

}  // namespace

TEST_SUITE("vectors") {
  TEST_CASE("every BSON vector gives its canonical JSON or its error") {
    canonical_codec codec;
    std::size_t checked = 0;
    for (const auto& file : std::filesystem::directory_iterator(vector_dir() + "/bson")) {
      if (file.path().extension() != ".jsonl") continue;
      simdjson::dom::parser parser;
      for (const std::string& text : read_lines(file.path().string())) {
        simdjson::dom::object v;
        REQUIRE(parser.parse(text).get(v) == simdjson::SUCCESS);
        std::string_view name, hex, kind, output, error_name;
        REQUIRE(v["hex"].get(hex) == simdjson::SUCCESS);
        REQUIRE(v["kind"].get(kind) == simdjson::SUCCESS);
        CHECK(kind == "sync-line");
        if (v["name"].get(name) != simdjson::SUCCESS) name = "(unnamed)";
        const bool expect_output = v["output"].get(output) == simdjson::SUCCESS;
        const bool expect_error = v["error"].get(error_name) == simdjson::SUCCESS;
        REQUIRE(expect_output != expect_error);
        CAPTURE(file.path().filename().string());
        CAPTURE(name);
        const std::string bytes = from_hex(hex);
        std::string out;
        const error e = codec.encode_bson_sync_line(bytes, out);
        if (expect_output) {
          CHECK_MESSAGE(!e, to_string(e.code) << " at byte " << e.offset << " (" << e.path.view() << "): " << e.detail);
          CHECK(out == output);
          // The canonical JSON is also what the JSON form of the line decodes to.
          std::string again;
          CHECK(!codec.encode(message_kind::sync_line, out, again));
          CHECK(again == out);
        } else {
          CHECK(to_string(e.code) == error_name);
        }
        ++checked;
      }
    }
    CHECK(checked >= 40);
  }
}

TEST_CASE("every JSON sync-line vector survives JSON -> BSON -> JSON unchanged") {
  sync_line_decoder json_lines, bson_lines;
  std::size_t lines = 0;
  for (const std::string& text : json_sync_lines()) {
    CAPTURE(text);
    auto from_json = json_lines.decode_sync_line(text);
    REQUIRE(from_json);
    const std::string bson = to_bson(*from_json);
    auto from_bson = bson_lines.decode_sync_line_bson(bson);
    REQUIRE_MESSAGE(from_bson, error_label(from_bson.error_info()));
    // BSON has one spelling of each value, so equal documents mean equal lines.
    CHECK(to_bson(*from_bson) == bson);
    // The JSON form the BSON line gives reads back to the same line. (It can
    // differ from the JSON input in spelling only: a row string keeps the
    // escapes it arrived with, "\u00e9" where BSON gives "é".)
    const std::string json = canonical_json(*from_bson);
    auto again = json_lines.decode_sync_line(json);
    REQUIRE(again);
    CHECK(to_bson(*again) == bson);
    ++lines;
  }
  CHECK(lines >= 10);
}

TEST_CASE("BSON strings and rows are views of the input, ids exact") {
  const std::string json =
      R"({"data":{"bucket":"b","after":"9223372036854775806","data":[{"op_id":"9223372036854775807","op":"PUT","object_type":"t","object_id":"1","checksum":3,"data":"{\"a\":\"x\\\"y\"}"}]}})";
  sync_line_decoder json_lines, d;
  auto line = json_lines.decode_sync_line(json);
  REQUIRE(line);
  const std::string bson = to_bson(*line);
  auto decoded = d.decode_sync_line_bson(bson);
  REQUIRE(decoded);
  const auto& data = std::get<data_line>(*decoded);
  const auto inside = [&](std::string_view view) {
    return view.data() >= bson.data() && view.data() + view.size() <= bson.data() + bson.size();
  };
  CHECK(inside(data.bucket));
  REQUIRE(data.data.size() == 1);
  CHECK(data.after == 9223372036854775806);
  CHECK(data.data[0].op_id == 9223372036854775807);
  REQUIRE(data.data[0].data);
  const auto row = data.data[0].data->view();  // the row itself, no JSON string escapes to undo
  REQUIRE(row);
  CHECK(*row == R"({"a":"x\"y"})");
  CHECK(inside(*row));
  // From JSON the row stays as the wire had it, escaped, until someone reads it.
  const auto& json_row = *std::get<data_line>(*line).data[0].data;
  CHECK(json_row.is_escaped());
  CHECK(json_row.wire_bytes() == R"({\"a\":\"x\\\"y\"})");
  CHECK(json_row.text() == R"({"a":"x\"y"})");
  CHECK(inside(*data.data[0].object_id));
}

TEST_CASE("values kept as JSON stay right when the decoder's buffer grows in the middle of a line") {
  // Many buckets with subscriptions: each one's JSON is written after the
  // previous ones, and the first line is far larger than any before it.
  std::string json = R"({"checkpoint":{"last_op_id":"1","buckets":[)";
  for (int i = 0; i < 400; ++i) {
    if (i != 0) json += ',';
    json += R"({"bucket":"b)" + std::to_string(i) + R"(","checksum":)" + std::to_string(i) + R"(,"subscriptions":[{"sub":)" +
            std::to_string(i) + "}]}";
  }
  json += R"(],"streams":[{"name":"s","is_default":false,"errors":[]}]}})";
  sync_line_decoder json_lines, bson_lines;
  auto small = json_lines.decode_sync_line(std::string_view(R"({"future":[1]})"));
  REQUIRE(small);
  const std::string small_bson = to_bson(*small);
  CHECK(bson_lines.decode_sync_line_bson(small_bson));  // the buffer starts small
  auto line = json_lines.decode_sync_line(json);
  REQUIRE(line);
  const std::string bson = to_bson(*line);
  auto decoded = bson_lines.decode_sync_line_bson(bson);
  REQUIRE(decoded);
  CHECK(canonical_json(*decoded) == json);
  const auto& checkpoint = std::get<checkpoint_line>(*decoded);
  CHECK(checkpoint.buckets[0].subscriptions.text() == R"([{"sub":0}])");
  CHECK(checkpoint.buckets[399].subscriptions.text() == R"([{"sub":399}])");
}

TEST_CASE("BSON errors carry the element's offset and path") {
  sync_line_decoder d;
  auto line = d.decode_sync_line(std::string_view(R"({"checkpoint":{"last_op_id":"1","buckets":[{"bucket":"a","checksum":1}]}})"));
  REQUIRE(line);
  const std::string bson = to_bson(*line);
  const std::size_t checksum_at = bson.find("checksum") - 1;
  REQUIRE(bson[checksum_at] == '\x10');  // int32
  std::string retyped = bson;
  retyped[checksum_at] = '\x12';  // int64: 8 bytes where the document has 4 left
  auto r = d.decode_sync_line_bson(retyped);
  REQUIRE_FALSE(r);
  CHECK(error_label(r.error_info()) == "!invalid_bson:checkpoint.buckets[0].checksum");

  // The checksum as a string: {"checkpoint":{"last_op_id":"1","buckets":[{"bucket":"a","checksum":"1"}]}}
  const auto element = [](char type, std::string_view key, std::string_view value) {
    return std::string(1, type) + std::string(key) + std::string(1, '\0') + std::string(value);
  };
  const std::string one("\x02\0\0\0" "1\0", 6), a("\x02\0\0\0" "a\0", 6);
  const std::string bucket = document(element('\x02', "bucket", a) + element('\x02', "checksum", one));
  const std::string checkpoint =
      document(element('\x02', "last_op_id", one) + element('\x04', "buckets", document(element('\x03', "0", bucket))));
  const std::string doc = document(element('\x03', "checkpoint", checkpoint));
  r = d.decode_sync_line_bson(doc);
  REQUIRE_FALSE(r);
  CHECK(error_label(r.error_info()) == "!wrong_type:checkpoint.buckets[0].checksum");
  CHECK(r.error_info().offset == doc.find("checksum") - 1);  // its type byte
}

TEST_CASE("BSON decoding obeys the limits") {
  sync_line_decoder json_lines;
  auto line = json_lines.decode_sync_line(std::string_view(R"({"checkpoint_diff":{"last_op_id":"1","removed_buckets":["aaaa","b","c"],"updated_buckets":[]}})"));
  REQUIRE(line);
  const std::string bson = to_bson(*line);
  auto code_with = [&](limits lim) {
    sync_line_decoder d(lim);
    auto r = d.decode_sync_line_bson(bson);
    return r ? std::string("ok") : test_support::error_name(r.error_info());
  };
  limits lim;
  CHECK(code_with(lim) == "ok");
  lim.max_string_bytes = 3;
  CHECK(code_with(lim) == "string_too_long");
  lim = {};
  lim.max_elements = 2;
  CHECK(code_with(lim) == "too_many_elements");
  lim = {};
  lim.max_depth = 2;
  CHECK(code_with(lim) == "depth_exceeded");
  lim = {};
  lim.max_message_bytes = bson.size() - 1;
  CHECK(code_with(lim) == "message_too_large");
}

TEST_CASE("a line that cannot be written in BSON leaves the output as it was") {
  sync_line_decoder d;
  auto line = d.decode_sync_line(std::string_view(R"({"future":{"a\u0000b":1}})"));  // a NUL in a key: fine in JSON
  REQUIRE(line);
  std::string out = "kept";
  auto written = encode_sync_line_bson(out, *line);
  REQUIRE_FALSE(written);
  CHECK(written.code() == errc::not_representable);
  CHECK(out == "kept");
}

TEST_CASE("the stream writer frames lines that the stream reader reads back, in both framings") {
  sync_line_decoder d;
  std::vector<std::string> canonical, documents;
  for (const std::string& text : read_lines(PSWIRE_SOURCE_DIR "/tests/interop/sync_session.ndjson")) {
    auto line = d.decode_sync_line(text);
    REQUIRE(line);
    canonical.push_back(canonical_json(*line));
    documents.push_back(to_bson(*line));
  }
  for (stream_framing framing : {stream_framing::ndjson, stream_framing::bson}) {
    CAPTURE(to_string(framing));
    std::string stream;
    sync_stream_writer writer(framing, stream);
    sync_line_decoder source;
    for (const std::string& text : canonical) {
      auto line = source.decode_sync_line(text);
      REQUIRE(line);
      REQUIRE(writer.write(*line));
    }
    sync_stream_reader reader(framing);
    reader.feed(stream);
    std::size_t n = 0;
    for (;;) {
      auto next = reader.next_line();
      REQUIRE(next);
      if (!*next) break;
      auto line = framing == stream_framing::bson ? d.decode_sync_line_bson(**next) : d.decode_sync_line(**next);
      REQUIRE(line);
      REQUIRE(n < canonical.size());
      if (framing == stream_framing::ndjson) CHECK(canonical_json(*line) == canonical[n]);
      CHECK(to_bson(*line) == documents[n]);
      ++n;
    }
    CHECK(reader.finish());
    CHECK(n == canonical.size());
  }
}
