// core/errors.hpp: stable names, the inline path, result<T>.
#include "test_support.hpp"

#include <set>

using namespace pswire;

TEST_CASE("every error code has a distinct stable name") {
  std::set<std::string_view> names;
  for (int i = 0; i <= static_cast<int>(errc::truncated_stream); ++i) {
    const auto name = to_string(static_cast<errc>(i));
    CHECK(name != "unknown_error");
    CHECK(names.insert(name).second);
  }
  CHECK(to_string(errc::invalid_json) == "invalid_json");
  CHECK(to_string(errc::delete_with_data) == "delete_with_data");
}

TEST_CASE("error_path renders keys and indices and truncates long paths") {
  error_path p;
  p.append_key("transactions");
  p.append_index(2);
  p.append_key("crud");
  p.append_index(17);
  p.append_key("op");
  CHECK(p.view() == "transactions[2].crud[17].op");

  error_path long_path;
  for (int i = 0; i < 50; ++i) long_path.append_key("abcdef");
  CHECK(long_path.view().size() == error_path::capacity);
  CHECK(long_path.view().substr(error_path::capacity - 3) == "...");
}

TEST_CASE("result holds a value or an error") {
  result<std::string> ok(std::string("value"));
  REQUIRE(ok);
  CHECK(*ok == "value");
  CHECK(ok.code() == errc::ok);

  result<std::string> bad(make_error(errc::wrong_type, 7, "why"));
  CHECK_FALSE(bad);
  CHECK(bad.code() == errc::wrong_type);
  CHECK(bad.error_info().offset == 7);

  result<std::string> copy = ok;
  copy = bad;
  CHECK(copy.code() == errc::wrong_type);
  copy = ok;
  CHECK(*copy == "value");

  result<void> fine;
  CHECK(fine);
  result<void> failed(make_error(errc::missing_field, 1));
  CHECK(failed.code() == errc::missing_field);
}

TEST_CASE("value_or gives the value, or the fallback for an error") {
  const result<std::string> ok(std::string("value"));
  const result<std::string> bad(make_error(errc::wrong_type, 0));
  CHECK(ok.value_or("fallback") == "value");
  CHECK(bad.value_or("fallback") == "fallback");
  CHECK(result<int>(41).value_or(0) == 41);
  CHECK(result<int>(make_error(errc::number_out_of_range, 0)).value_or(-1) == -1);
  // On an rvalue the value is moved out, not copied.
  result<std::string> movable(std::string(100, 'x'));
  const std::string taken = std::move(movable).value_or("");
  CHECK(taken.size() == 100);
}
