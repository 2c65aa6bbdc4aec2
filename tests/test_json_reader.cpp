// core/json_reader.hpp: strictness of the simdjson On-Demand front end.
#include "test_support.hpp"

using namespace pswire;

namespace {
// Reads {"k": <value>, ...} through the reader, the way decoders do: member
// "n" as int64, "s" as string, "raw" raw, everything else skipped.
error read(json_input json, const limits& lim = {}) {
  json_reader reader(lim);
  auto r = reader.run(json, [&]() -> result<void> {
    json_value root = reader.root_value();
    return reader.for_each_member(root, [&](std::string_view key, json_value& v, std::size_t) -> result<void> {
      std::int64_t n = 0;
      std::string_view s;
      raw_value raw;
      if (key == "n") return reader.read_int64(v, n);
      if (key == "s") return reader.read_string(v, s);
      return reader.read_raw(v, raw);
    });
  });
  CHECK(reader.fast_path_code() == r.code());  // the fast pass and the diagnosis agree
  return r.error_info();
}
// The int64 read from member "n" of {"n": <number>}.
result<std::int64_t> read_n(std::string_view json, const limits& lim = {}) {
  json_reader reader(lim);
  std::int64_t n = 0;
  auto r = reader.run(json, [&]() -> result<void> {
    json_value root = reader.root_value();
    return reader.for_each_member(root, [&](std::string_view, json_value& v, std::size_t) -> result<void> {
      return reader.read_int64(v, n);
    });
  });
  if (!r) return r.error_info();
  return n;
}
}  // namespace

TEST_CASE("accepts valid messages") {
  CHECK(read(R"({"n":-9223372036854775808,"s":"x","skip":{"a":[1,2,{"b":null}]},"t":true})").code == errc::ok);
  CHECK(read(" {} \n").code == errc::ok);
}

TEST_CASE("rejects invalid JSON anywhere, including skipped values") {
  CHECK(read(R"({"skip":{"a":tru}})").code == errc::invalid_json);
  CHECK(read(R"({"skip":[1 2]})").code == errc::invalid_json);
  CHECK(read(R"({"skip":01})").code == errc::invalid_number);
  CHECK(read(R"({"skip":"\x"})").code == errc::invalid_string);
  CHECK(read(R"({"skip":"\ud800"})").code == errc::invalid_string);
  CHECK(read("{\"skip\":\"a\x01\"}").code == errc::invalid_string);
  CHECK(read("{\"s\":\"\xC0\xAF\"}").code == errc::invalid_utf8);
  CHECK(read("{\"s\":\"a\0b\"}").code != errc::ok);
}

TEST_CASE("a skipped string followed by ':' is not taken for a key (found by fuzz_crud)") {
  CHECK(read(R"({"s":"x","skip":"a":1}})").code == errc::invalid_json);
  CHECK(read(R"({"skip":"{leted":1}})").code == errc::invalid_json);
  CHECK(read(R"({"n":92,"skip":"a":1,"t":2}})").code == errc::invalid_json);
}

TEST_CASE("rejects trailing content and empty input") {
  CHECK(read(R"({"n":1} x)").code == errc::trailing_content);
  CHECK(read(R"({"n":1}})").code == errc::trailing_content);
  CHECK(read(R"({"n":1}{})").code == errc::trailing_content);
  CHECK(read("").code == errc::empty_input);
  CHECK(read("  \n ").code == errc::empty_input);
}

TEST_CASE("classifies integers exactly") {
  CHECK(read(R"({"n":9223372036854775808})").code == errc::number_out_of_range);
  CHECK(read(R"({"n":-9223372036854775809})").code == errc::number_out_of_range);
  CHECK(read(R"({"n":1.5})").code == errc::wrong_type);
  CHECK(read(R"({"n":1e-400})").code == errc::wrong_type);
  CHECK(read(R"({"n":"1"})").code == errc::wrong_type);
  CHECK(read(R"({"n":-})").code == errc::invalid_number);
}

TEST_CASE("errors carry the byte offset and the JSON path") {
  const error e = read(R"({"a":1, "n":"x"})");
  CHECK(e.code == errc::wrong_type);
  CHECK(e.offset == 12);
  CHECK(e.path.view() == "n");
  const error syntax = read(R"({"n":"x", "z":[1,}])");
  CHECK(syntax.code == errc::invalid_json);  // a syntax error anywhere wins over the type error before it
  CHECK(syntax.offset == 17);
}

TEST_CASE("enforces the message size limit before parsing") {
  limits lim;
  lim.max_message_bytes = 8;
  CHECK(read(R"({"n":1})", lim).code == errc::ok);
  CHECK(read(R"({"n":123})", lim).code == errc::message_too_large);
}

TEST_CASE("parses in place when the caller provides padding") {
  std::string buffer = R"({"s":"in place"})";
  const std::size_t size = buffer.size();
  buffer.resize(size + simdjson::SIMDJSON_PADDING);
  json_reader reader;
  std::string_view raw_view;
  auto r = reader.run(json_input::with_capacity(std::string_view(buffer.data(), size), buffer.size()), [&]() -> result<void> {
    json_value root = reader.root_value();
    return reader.for_each_member(root, [&](std::string_view, json_value& v, std::size_t) -> result<void> {
      raw_value raw;
      PSWIRE_TRY(reader.read_raw(v, raw));
      raw_view = raw.text();
      return {};
    });
  });
  REQUIRE(r);
  CHECK(raw_view == "\"in place\"");
  CHECK(raw_view.data() == buffer.data() + 5);  // a view into the caller's buffer
}

TEST_CASE("read_int64 takes integer-valued numbers exactly, as JSON Schema's integer does") {
  CHECK(*read_n(R"({"n":1.0})") == 1);
  CHECK(*read_n(R"({"n":1e2})") == 100);
  CHECK(*read_n(R"({"n":1000e-3})") == 1);
  CHECK(*read_n(R"({"n":-0.0})") == 0);
  CHECK(*read_n(R"({"n":9223372036854775807.0})") == INT64_MAX);
  CHECK(*read_n(R"({"n":-92233720368547758.08e2})") == INT64_MIN);
  CHECK(read_n(R"({"n":9223372036854775808.0})").code() == errc::number_out_of_range);
  CHECK(read_n(R"({"n":1e19})").code() == errc::number_out_of_range);
  CHECK(read_n(R"({"n":1e400})").code() == errc::number_out_of_range);
  CHECK(read_n(R"({"n":1.5})").code() == errc::wrong_type);
  CHECK(read_n(R"({"n":1e-400})").code() == errc::wrong_type);
  limits short_numbers;
  short_numbers.max_number_chars = 8;
  CHECK(read_n(R"({"n":1.0000000e2})", short_numbers).code() == errc::number_too_long);
}
