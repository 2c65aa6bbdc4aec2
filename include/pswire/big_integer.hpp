// pswire: integers beyond 64 bits, exactly (Boost.Multiprecision's cpp_int).
// Opt-in: nothing else in pswire includes this header, so a translation unit
// that does not include it needs neither Boost nor its throw handler.
//
// It adds: pswire::big_integer; get_big_integer() for raw_value and
// raw_object members; write_big_integer() for the writer; big_integer (and
// std::optional<big_integer>) as a typed-row field; exact_id_value().
//
// With -fno-exceptions Boost requires the program to define
// boost::throw_exception. In exactly ONE translation unit write
//   #define PSWIRE_DEFINE_BOOST_THROW_HANDLERS
//   #include <pswire/big_integer.hpp>
// (the same for include/ and for the single header). pswire never reaches the
// handlers (it neither divides by zero nor parses malformed digit strings);
// if anything else in the program does, it aborts.
#pragma once

#include <cstdint>
#include <string_view>

#include <boost/multiprecision/cpp_int.hpp>

#include "core/errors.hpp"
#include "core/json_writer.hpp"
#include "core/raw_json.hpp"
#include "row.hpp"

namespace pswire {

using big_integer = boost::multiprecision::cpp_int;

// Any integer, exactly, whatever its size. Built from number text whose
// length a decoder has already bounded (limits.max_number_chars).
inline result<big_integer> get_big_integer(const raw_value& v) {
  if (!v.is_integer()) return make_error(errc::wrong_type, 0, "expected an integer");
  const std::string_view text = v.text();
  const bool negative = text[0] == '-';
  big_integer value = 0;
  // Eighteen digits at a time: linear in the (bounded) digit count.
  std::uint64_t chunk = 0, scale = 1;
  for (std::size_t i = negative ? 1 : 0; i < text.size(); ++i) {
    chunk = chunk * 10 + std::uint64_t(text[i] - '0');
    scale *= 10;
    if (scale == 1000000000000000000ull) {
      value = value * scale + chunk;
      chunk = 0;
      scale = 1;
    }
  }
  if (scale != 1) value = value * scale + chunk;
  if (negative) value = -value;
  return value;
}

// The member `name` of an object as a big integer.
inline result<big_integer> get_big_integer(const raw_object& object, std::string_view name) {
  auto v = object.get(name);
  if (!v) return v.error_info();
  return get_big_integer(*v);
}

// The exact value of an id that did not fit, for error messages: any
// integer text (digits bounded by the decoder's limits) as a big integer.
inline result<big_integer> exact_id_value(std::string_view decimal_text) {
  return get_big_integer(raw_value(decimal_text));
}

// Writes the integer in plain decimal digits.
template <class Sink>
void write_big_integer(basic_json_writer<Sink>& w, const big_integer& v) {
  // Digit by digit; linear in the (small) number of digits, no exceptions.
  char buf[512];
  big_integer rest = v < 0 ? big_integer(-v) : v;
  std::size_t n = 0;
  do {
    if (n == sizeof buf - 1) return w.fail(errc::not_representable, "integer too long to write");
    buf[sizeof buf - 1 - n++] = static_cast<char>('0' + static_cast<int>(rest % 10));
    rest /= 10;
  } while (rest != 0);
  if (v < 0) buf[sizeof buf - 1 - n++] = '-';
  w.raw_value(raw_value(std::string_view(buf + sizeof buf - n, n)));
}

// big_integer as a typed-row field.
template <>
struct row_field_codec<big_integer> {
  static result<void> read(const raw_value& json, big_integer& out) {
    auto b = get_big_integer(json);
    if (!b) return b.error_info();
    out = std::move(*b);
    return {};
  }
  template <class Sink>
  static void write(basic_json_writer<Sink>& w, const big_integer& value) {
    write_big_integer(w, value);
  }
};

}  // namespace pswire

#if defined(PSWIRE_DEFINE_BOOST_THROW_HANDLERS) && !defined(__cpp_exceptions)
#include <boost/assert/source_location.hpp>
#include <boost/throw_exception.hpp>
#include <cstdio>
#include <cstdlib>
#include <exception>

namespace boost {
void throw_exception(const std::exception& e) {
  std::fprintf(stderr, "boost::throw_exception without exceptions: %s\n", e.what());
  std::abort();
}
void throw_exception(const std::exception& e, const boost::source_location&) { throw_exception(e); }
}  // namespace boost
#endif
