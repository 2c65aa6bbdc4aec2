// core/json_validate.hpp: the strict validator for skipped and raw values.
#include "test_support.hpp"

using namespace pswire;

namespace {
errc check(std::string_view text, const limits& lim = {}, std::size_t depth = 0) {
  return validate_json_value(text, lim, depth).code;
}
}  // namespace

TEST_CASE("accepts every RFC 8259 value form") {
  for (std::string_view ok : {"0", "-0", "1", "-1", "1.5", "1e5", "1E+5", "1.25e-7", "123456789012345678901234567890",
                              "true", "false", "null", "\"\"", "\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\"", "\"\\u00e9\\uD83D\\uDE00\"",
                              "\"h\xC3\xA9llo \xE2\x98\x83\"", "[]", "{}", "[1,[2,[3]],{\"a\":{}}]", " {\"a\" : [ 1 , 2 ] } ",
                              "{\"a\":1,\"a\":2}"}) {
    CAPTURE(ok);
    CHECK(check(ok) == errc::ok);
  }
}

TEST_CASE("rejects malformed numbers with invalid_number") {
  for (std::string_view bad : {"01", "-", "1.", ".5", "+1", "1e", "1e+", "-01", "1.2.3", "12abc", "0x10", "Infinity"}) {
    CAPTURE(bad);
    const errc code = check(bad);
    CHECK((code == errc::invalid_number || code == errc::invalid_json));
  }
  CHECK(check("01") == errc::invalid_number);
  CHECK(check("[1.]") == errc::invalid_number);
}

TEST_CASE("rejects bad strings with invalid_string") {
  for (std::string_view bad : {"\"abc", "\"\\q\"", "\"\\u12\"", "\"\\uZZZZ\"", "\"\\ud800\"", "\"\\udc00\"",
                               "\"\\ud800\\u0041\"", "\"a\x01\"", "\"tab\there\"", "\"\\"}) {
    CAPTURE(bad);
    CHECK(check(bad) == errc::invalid_string);
  }
}

TEST_CASE("rejects structural errors with invalid_json or trailing_content") {
  for (std::string_view bad : {"", " ", "[", "{", "[1,]", "[,1]", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{a:1}", "{\"a\" 1}",
                               "[1 2]", "tru", "nul", "falsey", "{\"a\":1]", "[1}", "'a'"}) {
    CAPTURE(bad);
    const errc code = check(bad);
    CHECK((code == errc::invalid_json || code == errc::trailing_content || code == errc::invalid_number));
  }
  CHECK(check("{} {}") == errc::trailing_content);
  CHECK(check("1 2") == errc::trailing_content);
  // A glued literal or number is no value at all, at the root as anywhere (issue 13).
  CHECK(check("nullx") == errc::invalid_json);
  CHECK(check("[truex]") == errc::invalid_json);
  CHECK(check("1\"x\"") == errc::invalid_json);
  CHECK(check("null x") == errc::trailing_content);
  CHECK(check("1{}") == errc::trailing_content);  // '{' ends the number's token, as in simdjson's stage 1
  CHECK(check("[1{}]") == errc::invalid_json);
}

TEST_CASE("reports the offset of the first problem") {
  const error e = validate_json_value("{\"a\":[1,2,tru]}", limits{});
  CHECK(e.code == errc::invalid_json);
  CHECK(e.offset == 10);
}

TEST_CASE("enforces depth, element, string and number limits") {
  limits lim;
  lim.max_depth = 3;
  CHECK(check("[[[]]]", lim) == errc::ok);
  CHECK(check("[[[[]]]]", lim) == errc::depth_exceeded);
  CHECK(check("[[]]", lim, 2) == errc::depth_exceeded);  // counted from the message root

  lim = {};
  lim.max_elements = 3;
  CHECK(check("[1,2,3]", lim) == errc::ok);
  CHECK(check("[1,2,3,4]", lim) == errc::too_many_elements);
  CHECK(check("{\"a\":1,\"b\":2,\"c\":3,\"d\":4}", lim) == errc::too_many_elements);

  lim = {};
  lim.max_string_bytes = 4;
  CHECK(check("\"abcd\"", lim) == errc::ok);
  CHECK(check("\"abcde\"", lim) == errc::string_too_long);

  lim = {};
  lim.max_number_chars = 5;
  CHECK(check("-1234", lim) == errc::ok);
  CHECK(check("123456", lim) == errc::number_too_long);
}

TEST_CASE("hostile nesting costs linear time and no stack") {
  std::string deep(100000, '[');
  deep += std::string(100000, ']');
  limits lim;
  lim.max_depth = 100000000;  // clamped to hard_max_depth
  CHECK(check(deep, lim) == errc::depth_exceeded);
  CHECK(check(deep) == errc::depth_exceeded);
}
