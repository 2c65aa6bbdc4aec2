// core/json_pretty.hpp: indented JSON for humans, same values as the compact text.
#include "test_support.hpp"

using namespace pswire;

namespace {
std::string pretty(std::string_view json, std::size_t indent = 2) {
  std::string out;
  const error e = append_pretty_json(json, out, indent);
  REQUIRE_MESSAGE(!e, test_support::error_name(e));
  return out;
}
}  // namespace

TEST_CASE("one member or element per line, nested by the indent") {
  CHECK(pretty(R"({"op":"PUT","id":"1","data":{"a":[1,-2.5e3,true,null],"b":"x"}})") ==
        "{\n"
        "  \"op\": \"PUT\",\n"
        "  \"id\": \"1\",\n"
        "  \"data\": {\n"
        "    \"a\": [\n"
        "      1,\n"
        "      -2.5e3,\n"
        "      true,\n"
        "      null\n"
        "    ],\n"
        "    \"b\": \"x\"\n"
        "  }\n"
        "}");
  CHECK(pretty("[[1],{\"k\":{}}]", 4) == "[\n    [\n        1\n    ],\n    {\n        \"k\": {}\n    }\n]");
}

TEST_CASE("strings and numbers are copied byte for byte, whitespace in the input is dropped") {
  // Structural characters and escaped quotes inside strings are not layout.
  CHECK(pretty(R"( { "k,:{" : "a\"b\\" , "n" : 123456789012345678901234567890 } )") ==
        "{\n  \"k,:{\": \"a\\\"b\\\\\",\n  \"n\": 123456789012345678901234567890\n}");
  CHECK(pretty("\"\\u00e9\\n\"") == "\"\\u00e9\\n\"");
  CHECK(pretty(" 0 ") == "0");
}

TEST_CASE("empty containers stay on one line, even with whitespace inside") {
  CHECK(pretty("{ }") == "{}");
  CHECK(pretty("[ ]") == "[]");
  CHECK(pretty(R"({"a":[ ],"b":{}})") == "{\n  \"a\": [],\n  \"b\": {}\n}");
}

TEST_CASE("invalid text is refused with a named error and nothing is written") {
  const std::pair<std::string_view, errc> cases[] = {
      {"{\"a\":1,}", errc::invalid_json}, {"[1] 2", errc::trailing_content}, {"\"\xC3\"", errc::invalid_utf8},
      {"01", errc::invalid_number},       {"", errc::invalid_json},
  };
  for (const auto& [json, code] : cases) {
    const std::string_view text = json;  // clang 14 cannot capture a structured binding
    CAPTURE(text);
    std::string out = "kept";
    const error e = append_pretty_json(text, out);
    CHECK(e.code == code);
    CHECK(out == "kept");
  }
}
