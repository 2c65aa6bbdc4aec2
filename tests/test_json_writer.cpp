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

TEST_CASE("compile-time keys write the same bytes as run-time keys") {
  auto both = [](auto&& key_of) {
    return encode([&](json_writer& w) {
      w.begin_object();
      key_of(w, 0);
      w.int_value(1);
      key_of(w, 1);
      w.begin_array();
      w.begin_object();
      key_of(w, 2);
      w.string_value("x");
      w.end_object();
      w.end_array();
      w.end_object();
    });
  };
  const std::string at_run_time = both([](json_writer& w, int i) {
    const std::string_view names[] = {"a", "checkpoint_request_id", ""};
    w.key(names[i]);
  });
  const std::string at_compile_time = both([](json_writer& w, int i) {
    if (i == 0) w.key(json_key("a"));
    if (i == 1) w.key(json_key("checkpoint_request_id"));
    if (i == 2) w.key(json_key(""));
  });
  CHECK(at_run_time == R"({"a":1,"checkpoint_request_id":[{"":"x"}]})");
  CHECK(at_compile_time == at_run_time);
}

TEST_CASE("a string sink holds every top-level value once it is complete") {
  std::string out;
  json_writer w{string_sink(out)};
  w.begin_array();
  w.int_value(1);
  w.end_array();
  CHECK(out == "[1]");
  out += '\n';  // framing between top-level values
  w.string_value("two");
  CHECK(out == "[1]\n\"two\"");
  w.begin_object();
  w.key("k");
  w.flush();  // what a builder does before it returns mid-value
  CHECK(out == "[1]\n\"two\"{\"k\":");
  w.null_value();
  w.end_object();
  CHECK(out == "[1]\n\"two\"{\"k\":null}");
  REQUIRE(w.finish());
}

TEST_CASE("values larger than the stage, and many tokens, come out whole and in order") {
  std::string big(5000, 'a');
  for (std::size_t i = 0; i < big.size(); i += 97) big[i] = '\n';  // escapes all along
  std::string escaped = "\"";
  for (char c : big) escaped += c == '\n' ? std::string("\\n") : std::string(1, c);
  escaped += '"';
  std::string expected = "[";
  for (int i = 0; i < 300; ++i) expected += std::to_string(i) + ",\"id-" + std::to_string(i) + "\",";
  expected += escaped + "," + R"({"x" : [1, 2]})" + "]";

  auto raw = raw_object::parse(R"({"x" : [1, 2]})");
  const std::string out = encode([&](json_writer& w) {
    w.begin_array();
    for (int i = 0; i < 300; ++i) {
      w.int_value(i);
      w.string_value("id-" + std::to_string(i));
    }
    w.string_value(big);
    w.raw_value(*raw);
    w.end_array();
  });
  CHECK(out == expected);

  std::string reused = "kept:";
  json_writer w{string_sink(reused)};
  w.string_value(big);
  auto written = w.finish();
  REQUIRE(written);
  CHECK(*written == escaped.size());
  CHECK(reused == "kept:" + escaped);
}

TEST_CASE("a fixed buffer is checked token by token") {
  char buffer[8];
  span_json_writer w{span_sink(buffer, sizeof buffer)};
  w.begin_array();
  w.int_value(1234);
  CHECK(w.status().code == errc::ok);
  w.int_value(5678);
  CHECK(w.status().code == errc::buffer_too_small);
  CHECK(w.status().offset == 5);  // "[1234" fitted
  CHECK(w.sink().view() == "[1234");
}
