// pswire core: zero-copy views of JSON text that has already been validated
// (by a decoder, or by raw_object::parse). A view is a pointer and a length
// into the caller's message: it lives exactly as long as that buffer.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include <simdjson.h>

#include "errors.hpp"
#include "json_validate.hpp"
#include "lifetime.hpp"
#include "limits.hpp"

namespace pswire {

enum class json_kind : std::uint8_t { object, array, string, number, boolean, null };

namespace detail {

// Appends the UTF-8 encoding of a code point.
template <class Out>
constexpr void append_utf8(Out& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Decodes the escape sequence at raw[pos] ('\\' there) of validated string
// content; returns the code point and advances pos past the sequence.
constexpr std::uint32_t decode_escape(std::string_view raw, std::size_t& pos) noexcept {
  const char e = raw[pos + 1];
  pos += 2;
  switch (e) {
    case 'b': return '\b';
    case 'f': return '\f';
    case 'n': return '\n';
    case 'r': return '\r';
    case 't': return '\t';
    case 'u': break;
    default: return static_cast<unsigned char>(e);  // " \ /
  }
  auto hex4 = [&](std::size_t at) {
    std::uint32_t v = 0;
    for (std::size_t i = at; i < at + 4; ++i) v = v * 16 + hex_value(raw[i]);
    return v;
  };
  std::uint32_t unit = hex4(pos);
  pos += 4;
  if (unit >= 0xD800 && unit <= 0xDBFF) {  // validated: a low surrogate follows
    const std::uint32_t low = hex4(pos + 2);
    pos += 6;
    unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
  }
  return unit;
}

// End offset of the validated string starting with the quote at text[pos].
constexpr std::size_t end_of_string(std::string_view text, std::size_t pos) noexcept {
  ++pos;
  while (text[pos] != '"') pos += (text[pos] == '\\') ? 2 : 1;
  return pos + 1;
}

// End offset of the validated value starting at text[pos].
constexpr std::size_t end_of_value(std::string_view text, std::size_t pos) noexcept {
  const char c = text[pos];
  if (c == '"') return end_of_string(text, pos);
  if (c == '{' || c == '[') {
    std::size_t depth = 0;
    while (true) {
      const char d = text[pos];
      if (d == '"') {
        pos = end_of_string(text, pos);
        continue;
      }
      if (d == '{' || d == '[') ++depth;
      if (d == '}' || d == ']') {
        if (--depth == 0) return pos + 1;
      }
      ++pos;
    }
  }
  while (pos < text.size() && !is_json_whitespace(text[pos]) && text[pos] != ',' && text[pos] != '}' &&
         text[pos] != ']') {
    ++pos;
  }
  return pos;
}

constexpr std::size_t skip_whitespace(std::string_view text, std::size_t pos) noexcept {
  while (pos < text.size() && is_json_whitespace(text[pos])) ++pos;
  return pos;
}

// The exact value of validated JSON number text as an integer: JSON Schema's
// `integer` is a number whose value is an integer, so 1.0, 1e2 and 1000e-3
// qualify (1.5 does not). Decimal arithmetic on the digits, never a double:
// the significant digits (leading and trailing zeros dropped) and the decimal
// exponent decide, in time linear in the text (an exponent's digits are read
// once, saturating, never looped over by value).
struct exact_integer {
  errc code = errc::ok;  // wrong_type (a fraction) or number_out_of_range (more than 64 bits)
  bool negative = false;
  std::uint64_t magnitude = 0;  // -0 is 0
};
constexpr exact_integer integer_value_of(std::string_view number) noexcept {
  exact_integer out;
  std::size_t pos = 0;
  out.negative = number[0] == '-';
  if (out.negative) ++pos;
  const std::size_t int_begin = pos;
  while (pos < number.size() && is_digit(number[pos])) ++pos;
  const std::size_t int_digits = pos - int_begin;
  std::size_t frac_begin = pos, frac_digits = 0;
  if (pos < number.size() && number[pos] == '.') {
    frac_begin = ++pos;
    while (pos < number.size() && is_digit(number[pos])) ++pos;
    frac_digits = pos - frac_begin;
  }
  // Saturates far beyond any exponent that could still give 64 bits.
  constexpr std::int64_t exponent_cap = 1'000'000'000'000;
  std::int64_t exponent = 0;
  if (pos < number.size() && (number[pos] == 'e' || number[pos] == 'E')) {
    ++pos;
    const bool negative_exponent = number[pos] == '-';
    if (number[pos] == '-' || number[pos] == '+') ++pos;
    for (; pos < number.size(); ++pos) {
      if (exponent < exponent_cap) exponent = exponent * 10 + (number[pos] - '0');
    }
    if (negative_exponent) exponent = -exponent;
  }
  // The digits of the significand, integer part then fraction, without the point.
  const std::size_t digits = int_digits + frac_digits;
  const auto digit = [&](std::size_t k) {
    return static_cast<std::uint64_t>(number[k < int_digits ? int_begin + k : frac_begin + (k - int_digits)] - '0');
  };
  std::size_t first = 0;
  while (first < digits && digit(first) == 0) ++first;
  if (first == digits) return out;  // zero, whatever its sign and exponent
  std::size_t last = digits - 1;
  while (digit(last) == 0) --last;
  // value = digits[first..last] * 10^scale
  const std::int64_t scale = exponent - static_cast<std::int64_t>(frac_digits) + static_cast<std::int64_t>(digits - 1 - last);
  if (scale < 0) {
    out.code = errc::wrong_type;
    return out;
  }
  constexpr std::int64_t max_decimal_digits = 20;  // of 2^64 - 1
  if (static_cast<std::int64_t>(last - first + 1) + scale > max_decimal_digits) {
    out.code = errc::number_out_of_range;
    return out;
  }
  constexpr std::uint64_t max = std::numeric_limits<std::uint64_t>::max();
  std::uint64_t magnitude = 0;
  const auto times_ten_plus = [&](std::uint64_t d) {
    if (magnitude > (max - d) / 10) return false;
    magnitude = magnitude * 10 + d;
    return true;
  };
  bool fits = true;
  for (std::size_t k = first; k <= last && fits; ++k) fits = times_ten_plus(digit(k));
  for (std::int64_t k = 0; k < scale && fits; ++k) fits = times_ten_plus(0);  // scale <= 20 here
  if (!fits) out.code = errc::number_out_of_range;
  out.magnitude = magnitude;
  return out;
}

// Fuzz builds define PSWIRE_CHECK_VIEW_BOUNDS: simdjson's stage 1 is not
// instrumented by the sanitizers, so every view handed out is checked to lie
// inside the buffer it must point into, and the process aborts otherwise.
// Without the macro this is empty.
constexpr void check_view_within([[maybe_unused]] std::string_view view, [[maybe_unused]] std::string_view buffer) noexcept {
#ifdef PSWIRE_CHECK_VIEW_BOUNDS
  const std::less<> before;  // a total order, even across unrelated buffers
  if (before(view.data(), buffer.data()) || before(buffer.data() + buffer.size(), view.data()) ||
      view.size() > static_cast<std::size_t>(buffer.data() + buffer.size() - view.data())) {
    std::abort();
  }
#endif
}

}  // namespace detail

// The content of a JSON string as written on the wire, between the quotes,
// escapes included. Comparing and unescaping never allocate unless asked to.
class raw_string {
 public:
  constexpr raw_string() = default;
  constexpr explicit raw_string(std::string_view escaped PSWIRE_LIFETIMEBOUND) noexcept : escaped_(escaped) {}
  // A view of a temporary buffer would dangle at the end of the statement.
  template <owning_temporary S>  // NOLINTNEXTLINE(bugprone-forwarding-reference-overload): deleted, only for owning temporaries
  explicit raw_string(S&&) = delete;

  constexpr std::string_view escaped() const noexcept { return escaped_; }
  constexpr bool has_escapes() const noexcept { return escaped_.find('\\') != std::string_view::npos; }

  // Appends the unescaped text to `out` (a std::string or any push_back container).
  template <class Out>
  constexpr void unescape_to(Out& out) const {
    for (std::size_t pos = 0; pos < escaped_.size();) {
      if (escaped_[pos] == '\\') {
        detail::append_utf8(out, detail::decode_escape(escaped_, pos));
      } else {
        out.push_back(escaped_[pos++]);
      }
    }
  }
  std::string unescaped() const {
    std::string out;
    unescape_to(out);
    return out;
  }

  // Does the unescaped text equal `plain`? `"n\u0061me"` equals "name".
  constexpr bool equals(std::string_view plain) const noexcept {
    if (!has_escapes()) return escaped_ == plain;
    struct matcher {
      std::string_view expected;
      std::size_t at = 0;
      bool ok = true;
      constexpr void push_back(char c) noexcept {
        ok = ok && at < expected.size() && expected[at] == c;
        ++at;
      }
    } m{plain};
    unescape_to(m);
    return m.ok && m.at == plain.size();
  }

  friend constexpr bool operator==(const raw_string& a, const raw_string& b) noexcept {
    return a.escaped_ == b.escaped_;
  }

 private:
  std::string_view escaped_;
};

// A string value as the wire carried it, not yet unescaped: the content of
// a JSON string with its escapes, or text that needs none (a JSON string
// without escapes, any BSON string). Whoever reads the text pays for the
// unescaping, once; passing the value on as it came costs nothing.
class wire_string {
 public:
  constexpr wire_string() = default;
  static constexpr wire_string escaped(std::string_view json_content PSWIRE_LIFETIMEBOUND) noexcept { return {json_content, true}; }
  static constexpr wire_string plain(std::string_view text PSWIRE_LIFETIMEBOUND) noexcept { return {text, false}; }

  constexpr bool is_escaped() const noexcept { return escaped_; }
  // The bytes as carried: JSON string content (escapes included) if is_escaped(), else the text.
  constexpr std::string_view wire_bytes() const noexcept { return bytes_; }
  // The text as a view, when it needs no unescaping.
  constexpr std::optional<std::string_view> view() const noexcept {
    if (escaped_) return std::nullopt;
    return bytes_;
  }
  // Appends the text to `out` (a std::string or any push_back container).
  template <class Out>
  constexpr void append_text(Out& out) const {
    if (escaped_) return raw_string(bytes_).unescape_to(out);
    for (char c : bytes_) out.push_back(c);
  }
  std::string text() const {
    std::string out;
    append_text(out);
    return out;
  }

 private:
  constexpr wire_string(std::string_view bytes, bool escaped) noexcept : bytes_(bytes), escaped_(escaped) {}
  std::string_view bytes_;
  bool escaped_ = false;
};

class raw_object;
class raw_array;

// One validated JSON value, as text.
class raw_value {
 public:
  constexpr raw_value() = default;
  // `text` must be one valid JSON value without surrounding whitespace.
  constexpr explicit raw_value(std::string_view text PSWIRE_LIFETIMEBOUND) noexcept : text_(text) {}
  template <owning_temporary S>  // NOLINTNEXTLINE(bugprone-forwarding-reference-overload): deleted, only for owning temporaries
  explicit raw_value(S&&) = delete;

  constexpr std::string_view text() const noexcept { return text_; }
  constexpr bool empty() const noexcept { return text_.empty(); }

  constexpr json_kind kind() const noexcept {
    switch (text_.empty() ? 'n' : text_[0]) {
      case '{': return json_kind::object;
      case '[': return json_kind::array;
      case '"': return json_kind::string;
      case 't':
      case 'f': return json_kind::boolean;
      case 'n': return json_kind::null;
      default: return json_kind::number;
    }
  }
  constexpr bool is_null() const noexcept { return kind() == json_kind::null; }
  // A number written without fraction or exponent: an integer, of any size.
  constexpr bool is_integer() const noexcept {
    return kind() == json_kind::number && text_.find_first_of(".eE") == std::string_view::npos;
  }

  result<bool> get_bool() const noexcept {
    if (kind() != json_kind::boolean) return make_error(errc::wrong_type, 0, "expected a boolean");
    return text_[0] == 't';
  }
  result<raw_string> get_string() const noexcept {
    if (kind() != json_kind::string) return make_error(errc::wrong_type, 0, "expected a string");
    return raw_string(text_.substr(1, text_.size() - 2));
  }
  // Exact, never through a double: any number whose value is an integer in
  // range (42, -0, 1.0, 1e2, 1000e-3); a fraction is wrong_type.
  result<std::int64_t> get_int64() const noexcept { return get_integer<std::int64_t>(); }
  result<std::uint64_t> get_uint64() const noexcept { return get_integer<std::uint64_t>(); }
  // The nearest double to any number (correctly rounded, whatever the
  // locale); number_out_of_range if it overflows, a signed zero if it
  // underflows. simdjson's exact decimal algorithm does the work: it neither
  // allocates nor depends on std::from_chars for double, which libc++ 14 lacks.
  result<double> get_double() const noexcept {
    if (kind() != json_kind::number) return make_error(errc::wrong_type, 0, "expected a number");
    const double value = simdjson::internal::from_chars(text_.data(), text_.data() + text_.size());
    if (value == std::numeric_limits<double>::infinity() || value == -std::numeric_limits<double>::infinity()) {
      return make_error(errc::number_out_of_range, 0, "number beyond the range of a double");
    }
    return value;
  }
  result<raw_object> get_object() const noexcept;
  result<raw_array> get_array() const noexcept;

  friend constexpr bool operator==(const raw_value& a, const raw_value& b) noexcept { return a.text_ == b.text_; }

 private:
  template <class Int>
  result<Int> get_integer() const noexcept {
    if (kind() != json_kind::number) return make_error(errc::wrong_type, 0, "expected an integer");
    const detail::exact_integer v = detail::integer_value_of(text_);
    if (v.code == errc::wrong_type) return make_error(errc::wrong_type, 0, "expected an integer, found a fraction");
    constexpr auto max_magnitude = static_cast<std::uint64_t>(std::numeric_limits<Int>::max());
    if constexpr (std::is_signed_v<Int>) {
      // The most negative value has a magnitude one beyond the maximum.
      if (v.code == errc::ok && (v.magnitude <= max_magnitude || (v.negative && v.magnitude == max_magnitude + 1))) {
        return v.negative ? static_cast<Int>(0 - v.magnitude) : static_cast<Int>(v.magnitude);
      }
    } else {
      if (v.code == errc::ok && (!v.negative || v.magnitude == 0)) return static_cast<Int>(v.magnitude);
    }
    return make_error(errc::number_out_of_range, 0, "integer out of range");
  }

  std::string_view text_;
};

namespace detail {
// Iterates the elements or members of a validated container.
template <bool IsObject>
struct container_cursor {
  std::string_view text;  // the whole container, '{...}' or '[...]'
  std::size_t pos = 0;    // at the next element's first byte, or at the closing bracket

  static constexpr container_cursor begin(std::string_view text) noexcept {
    return {text, text.empty() ? 0 : detail::skip_whitespace(text, 1)};
  }
  // At the closing bracket, not at the last byte: a view that strays past the
  // value (whitespace after it) must not make the bracket look like an element.
  constexpr bool at_end() const noexcept { return pos >= text.size() || text[pos] == (IsObject ? '}' : ']'); }
  // For objects: reads key and value; for arrays: the value only.
  constexpr void read(raw_string& key, raw_value& value) noexcept {
    if constexpr (IsObject) {
      const std::size_t key_end = detail::end_of_string(text, pos);
      key = raw_string(text.substr(pos + 1, key_end - pos - 2));
      check_view_within(key.escaped(), text);
      pos = detail::skip_whitespace(text, key_end) + 1;  // past ':'
      pos = detail::skip_whitespace(text, pos);
    }
    const std::size_t end = detail::end_of_value(text, pos);
    value = raw_value(text.substr(pos, end - pos));
    check_view_within(value.text(), text);
    pos = detail::skip_whitespace(text, end);
    if (text[pos] == ',') pos = detail::skip_whitespace(text, pos + 1);
  }
};
}  // namespace detail

struct raw_member {
  raw_string key;
  raw_value value;
};

// A zero-copy view of a validated JSON object: iterate key/raw-value pairs
// in wire order, or look members up by (unescaped) name.
// A default-constructed raw_object is "absent": no object at all, which is
// different from the empty object "{}".
class raw_object {
 public:
  class iterator {
   public:
    using value_type = raw_member;
    using difference_type = std::ptrdiff_t;
    constexpr iterator() = default;
    constexpr explicit iterator(std::string_view text) noexcept
        : cursor_(detail::container_cursor<true>::begin(text)) {
      load();
    }
    constexpr const raw_member& operator*() const noexcept { return current_; }
    constexpr const raw_member* operator->() const noexcept { return &current_; }
    constexpr iterator& operator++() noexcept {
      load();
      return *this;
    }
    constexpr iterator operator++(int) noexcept {
      iterator copy = *this;
      ++*this;
      return copy;
    }
    friend constexpr bool operator==(const iterator& it, std::default_sentinel_t /*end*/) noexcept { return it.done_; }

   private:
    constexpr void load() noexcept {
      done_ = cursor_.at_end();
      if (!done_) cursor_.read(current_.key, current_.value);
    }
    detail::container_cursor<true> cursor_{};
    raw_member current_{};
    bool done_ = true;
  };

  constexpr raw_object() = default;
  // `text` must be a validated JSON object (see parse()).
  constexpr explicit raw_object(std::string_view text PSWIRE_LIFETIMEBOUND) noexcept : text_(text) {}
  template <owning_temporary S>  // NOLINTNEXTLINE(bugprone-forwarding-reference-overload): deleted, only for owning temporaries
  explicit raw_object(S&&) = delete;

  // Validates `text` (UTF-8 included) as one JSON object and views it.
  static result<raw_object> parse(std::string_view text PSWIRE_LIFETIMEBOUND, const limits& lim = {}) noexcept;
  template <owning_temporary S>
  static result<raw_object> parse(S&&, const limits& = {}) = delete;

  constexpr bool present() const noexcept { return !text_.empty(); }
  constexpr std::string_view text() const noexcept { return text_; }
  constexpr iterator begin() const noexcept { return iterator(text_); }
  constexpr std::default_sentinel_t end() const noexcept { return {}; }  // NOLINT(readability-convert-member-functions-to-static): a range's end()
  constexpr bool empty() const noexcept { return begin() == end(); }
  constexpr std::size_t size() const noexcept {
    std::size_t n = 0;
    for (auto it = begin(); it != end(); ++it) ++n;
    return n;
  }

  // The first member with this name (escaped names match their plain form).
  constexpr std::optional<raw_value> find(std::string_view name) const noexcept {
    for (const raw_member& m : *this) {
      if (m.key.equals(name)) return m.value;
    }
    return std::nullopt;
  }
  constexpr bool contains(std::string_view name) const noexcept { return find(name).has_value(); }

  result<raw_value> get(std::string_view name) const noexcept {
    if (auto v = find(name)) return *v;
    return not_found();
  }
  result<std::int64_t> get_int64(std::string_view name) const noexcept { return get_as<&raw_value::get_int64>(name); }
  result<std::uint64_t> get_uint64(std::string_view name) const noexcept { return get_as<&raw_value::get_uint64>(name); }
  result<double> get_double(std::string_view name) const noexcept { return get_as<&raw_value::get_double>(name); }
  result<bool> get_bool(std::string_view name) const noexcept { return get_as<&raw_value::get_bool>(name); }
  result<raw_string> get_string(std::string_view name) const noexcept { return get_as<&raw_value::get_string>(name); }

  // Byte equality of the text: what a pass-through codec must preserve.
  friend constexpr bool operator==(const raw_object& a, const raw_object& b) noexcept { return a.text_ == b.text_; }

 private:
  static error not_found() noexcept { return make_error(errc::field_not_found, 0, "no member with that name"); }
  // The getter is a template argument, not a run-time member pointer: g++ 12
  // at -O3 with -fno-exceptions cloned the pointer version per type and then
  // warned -Wmaybe-uninitialized about the looked-up value.
  template <auto Getter>
  auto get_as(std::string_view name) const noexcept -> decltype((raw_value{}.*Getter)()) {
    const std::optional<raw_value> v = find(name);
    if (!v) return not_found();
    return ((*v).*Getter)();
  }

  std::string_view text_;
};

// A zero-copy view of a validated JSON array.
class raw_array {
 public:
  class iterator {
   public:
    using value_type = raw_value;
    using difference_type = std::ptrdiff_t;
    constexpr iterator() = default;
    constexpr explicit iterator(std::string_view text) noexcept
        : cursor_(detail::container_cursor<false>::begin(text)) {
      load();
    }
    constexpr const raw_value& operator*() const noexcept { return current_; }
    constexpr iterator& operator++() noexcept {
      load();
      return *this;
    }
    constexpr iterator operator++(int) noexcept {
      iterator copy = *this;
      ++*this;
      return copy;
    }
    friend constexpr bool operator==(const iterator& it, std::default_sentinel_t /*end*/) noexcept { return it.done_; }

   private:
    constexpr void load() noexcept {
      done_ = cursor_.at_end();
      raw_string no_key;  // arrays have none
      if (!done_) cursor_.read(no_key, current_);
    }
    detail::container_cursor<false> cursor_{};
    raw_value current_{};
    bool done_ = true;
  };

  constexpr raw_array() = default;
  constexpr explicit raw_array(std::string_view text PSWIRE_LIFETIMEBOUND) noexcept : text_(text) {}
  template <owning_temporary S>  // NOLINTNEXTLINE(bugprone-forwarding-reference-overload): deleted, only for owning temporaries
  explicit raw_array(S&&) = delete;
  constexpr std::string_view text() const noexcept { return text_; }
  constexpr iterator begin() const noexcept { return iterator(text_); }
  constexpr std::default_sentinel_t end() const noexcept { return {}; }  // NOLINT(readability-convert-member-functions-to-static): a range's end()

 private:
  std::string_view text_;
};

inline result<raw_object> raw_value::get_object() const noexcept {
  if (kind() != json_kind::object) return make_error(errc::wrong_type, 0, "expected an object");
  return raw_object(text_);
}
inline result<raw_object> raw_object::parse(std::string_view text, const limits& lim) noexcept {
  if (text.size() > lim.max_message_bytes) return make_error(errc::message_too_large, 0, "text larger than limits.max_message_bytes");
  if (!simdjson::validate_utf8(text.data(), text.size())) return make_error(errc::invalid_utf8, 0, "text is not UTF-8");
  const std::size_t start = detail::skip_whitespace(text, 0);
  if (error e = validate_json_value(text, lim)) return e;
  if (start == text.size() || text[start] != '{') return make_error(errc::wrong_type, start, "expected an object");
  std::size_t end = text.size();
  while (detail::is_json_whitespace(text[end - 1])) --end;
  return raw_object(text.substr(start, end - start));
}

inline result<raw_array> raw_value::get_array() const noexcept {
  if (kind() != json_kind::array) return make_error(errc::wrong_type, 0, "expected an array");
  return raw_array(text_);
}

}  // namespace pswire
