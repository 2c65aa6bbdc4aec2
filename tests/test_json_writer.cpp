// core/json_writer.hpp: escaping, numbers, sinks.
#include "test_support.hpp"

#include <pswire/big_integer.hpp>

#include <cmath>
#include <limits>

using namespace pswire;
using test_support::encode;

TEST_CASE("escapes strings like serde_json (the core's own escaping)") {
  const std::string out = encode([](json_writer& w) {
    w.string_value("h\xC3\xA9llo \xE2\x98\x83 \xF0\x9F\x98\x80 \"q\" \\ / \n\t\x01\x1f\x7f\xE2\x80\xA8\b\f\r");
  });
  CHECK(out == "\"h\xC3\xA9llo \xE2\x98\x83 \xF0\x9F\x98\x80 \\\"q\\\" \\\\ / \\n\\t\\u0001\\u001f\x7f\xE2\x80\xA8\\b\\f\\r\"");
}

TEST_CASE("formats doubles as the core does, shortest round trip") {
  auto fmt = [](double v) { return encode([&](json_writer& w) { w.double_value(v); }); };
  CHECK(fmt(0.1) == "0.1");
  CHECK(fmt(1.0) == "1.0");
  CHECK(fmt(100.0) == "100.0");
  CHECK(fmt(1e15) == "1000000000000000.0");
  CHECK(fmt(1e16) == "1e+16");
  CHECK(fmt(1e20) == "1e+20");
  CHECK(fmt(1.5e-7) == "1.5e-7");
  CHECK(fmt(1e-5) == "0.00001");
  CHECK(fmt(5e-324) == "5e-324");
  CHECK(fmt(123456789.12345679) == "123456789.12345679");
  CHECK(fmt(-2.5) == "-2.5");
  CHECK(fmt(-0.0) == "-0.0");
  CHECK(fmt(1.7976931348623157e308) == "1.7976931348623157e+308");
  for (double v : {0.1, 1e16, 1.5e-7, 5e-324, 123456789.12345679, 1.7976931348623157e308, 3.141592653589793}) {
    const std::string text = fmt(v);
    CHECK(std::strtod(text.c_str(), nullptr) == v);
  }
}

TEST_CASE("writes integers losslessly") {
  CHECK(encode([](json_writer& w) { w.int_value(INT64_MIN); }) == "-9223372036854775808");
  CHECK(encode([](json_writer& w) { w.uint_value(UINT64_MAX); }) == "18446744073709551615");
  CHECK(encode([](json_writer& w) { write_big_integer(w, big_integer("-123456789012345678901234567890")); }) ==
        "-123456789012345678901234567890");
  CHECK(encode([](json_writer& w) { write_big_integer(w, 0); }) == "0");
}

TEST_CASE("places commas and keys in nested structures") {
  const std::string out = encode([](json_writer& w) {
    w.begin_object();
    w.key("a");
    w.begin_array();
    w.int_value(1);
    w.begin_object();
    w.end_object();
    w.null_value();
    w.end_array();
    w.key("b");
    w.bool_value(false);
    w.end_object();
  });
  CHECK(out == R"({"a":[1,{},null],"b":false})");
  auto raw = raw_object::parse(R"({"x" : [1, 2]})");
  CHECK(encode([&](json_writer& w) { w.raw_value(*raw); }) == R"({"x" : [1, 2]})");
}

TEST_CASE("reports what it cannot write") {
  std::string out;
  json_writer w{string_sink(out)};
  w.double_value(std::numeric_limits<double>::quiet_NaN());
  CHECK(w.finish().code() == errc::not_representable);

  std::string out2;
  json_writer w2{string_sink(out2)};
  w2.string_value("\xff");
  CHECK(w2.finish().code() == errc::invalid_utf8);

  char buffer[8];
  span_json_writer small{span_sink(buffer, sizeof buffer)};
  small.string_value("0123456789");
  CHECK(small.finish().code() == errc::buffer_too_small);

  span_json_writer fits{span_sink(buffer, sizeof buffer)};
  fits.string_value("012345");
  REQUIRE(fits.finish());
  CHECK(fits.sink().view() == "\"012345\"");
}

TEST_CASE("reusing a string buffer keeps its capacity") {
  std::string out;
  out.reserve(256);
  const auto capacity = out.capacity();
  for (int i = 0; i < 3; ++i) {
    out.clear();
    json_writer w{string_sink(out)};
    w.string_value("steady state");
  }
  CHECK(out.capacity() == capacity);
}

TEST_CASE("finish() counts the bytes this writer wrote, not what the sink held before") {
  std::string out = "prefix:";  // a buffer reused without clear(), or a framing prefix
  json_writer w{string_sink(out)};
  w.begin_array();
  w.int_value(12);
  w.end_array();
  auto written = w.finish();
  REQUIRE(written);
  CHECK(*written == 4);
  CHECK(out == "prefix:[12]");
  // Error offsets count from the same start.
  json_writer again{string_sink(out)};
  again.string_value("ok");
  again.double_value(std::numeric_limits<double>::infinity());
  CHECK(again.finish().code() == errc::not_representable);
  CHECK(again.finish().error_info().offset == 4);
}

TEST_CASE("finish() after the caller cleared the sink counts what it holds, never wraps around") {
  std::string out = "prefix:";
  json_writer w{string_sink(out)};
  out.clear();  // e.g. the last message was sent
  w.int_value(7);
  auto written = w.finish();
  REQUIRE(written);
  CHECK(*written == 1);
}
