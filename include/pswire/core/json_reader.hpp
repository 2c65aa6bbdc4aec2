// pswire core: the strict reader every message decoder is built on.
//
// One pass. simdjson's stage 1 (run time dispatched, SIMD) finds every
// structural character and checks UTF-8, unescaped control characters and
// unclosed strings for the whole message. The reader then walks that
// structural index itself: the decoder pulls the envelope (objects, members,
// typed values) and everything else (row data, details, unknown members) is
// validated on the same index while it is stepped over, so no byte is
// scanned twice and raw values are spans between two index positions.
//
// No bookkeeping on the success path: the fast pass keeps no JSON path and
// writes no detail. When it fails, json_reader::run decodes the message again
// in diagnostic mode (docs/limits.md, "Errors"): first the scalar validator
// (json_validate.hpp) looks for the first syntax error anywhere, which wins
// over any protocol or limit error; otherwise the decoder runs once more with
// the path tracked, and its error is reported with offset, path and detail.
#pragma once

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <simdjson.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "errors.hpp"
#include "json_validate.hpp"
#include "lifetime.hpp"
#include "limits.hpp"
#include "raw_json.hpp"

// One line per fallible call: returns the error of `expr` from the enclosing
// function. Each use gets its own variable, so the macros nest (a lambda
// inside a PSWIRE_TRY may use PSWIRE_TRY again).
#define PSWIRE_CONCAT_(a, b) a##b
#define PSWIRE_CONCAT(a, b) PSWIRE_CONCAT_(a, b)
#define PSWIRE_TRY(expr) PSWIRE_TRY_(PSWIRE_CONCAT(pswire_try_, __COUNTER__), expr)
// `name` is a variable name: it cannot be parenthesized.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define PSWIRE_TRY_(name, expr)                     \
  do {                                              \
    if (auto&& name = (expr); !name) {              \
      return name.error_info();                     \
    }                                               \
  } while (false)
// The same for a call that yields a value: assigns it to `lhs`.
#define PSWIRE_TRY_ASSIGN(lhs, expr) PSWIRE_TRY_ASSIGN_(PSWIRE_CONCAT(pswire_try_, __COUNTER__), lhs, expr)
#define PSWIRE_TRY_ASSIGN_(name, lhs, expr)         \
  do {                                              \
    auto&& name = (expr);                           \
    if (!name) return name.error_info();            \
    (lhs) = std::move(*name);                       \
  } while (false)
// NOLINTEND(bugprone-macro-parentheses)

// The reader's per-token functions: inlined into the decoders' loops, as
// simdjson inlines its own (a call per token costs more than the token).
#if defined(__GNUC__)
#define PSWIRE_HOT [[gnu::always_inline]] inline
#else
#define PSWIRE_HOT inline
#endif

#ifdef PSWIRE_VERIFY_DIAGNOSIS
// Test and fuzz builds name a function of their own here; it is called with
// every message the fast pass refused, its code and the diagnosed code, which
// must be the same (the test suite and the fuzzers fail when they are not).
void PSWIRE_VERIFY_DIAGNOSIS(std::string_view message, pswire::errc fast, pswire::errc diagnosed);
#endif

namespace pswire {

namespace ondemand = simdjson::ondemand;

namespace detail {

// Offset of the first byte that is not part of well-formed UTF-8.
inline std::size_t first_invalid_utf8(std::string_view text) noexcept {
  std::size_t i = 0;
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  while (i < text.size()) {
    const unsigned char c = byte(i);
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > text.size()) return i;
    for (std::size_t k = 1; k < len; ++k) {
      if ((byte(i + k) & 0xC0) != 0x80) return i;
    }
    if (len > 1) {
      std::uint32_t cp = c & (0xFF >> (len + 1));
      for (std::size_t k = 1; k < len; ++k) cp = (cp << 6) | (byte(i + k) & 0x3F);
      const bool overlong = (len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
      if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    }
    i += len;
  }
  return i;
}

// Errors that say the message is not JSON: found anywhere, they win over a
// protocol or limit error earlier in the message.
constexpr bool is_syntax_error(errc code) noexcept {
  return code == errc::invalid_json || code == errc::invalid_utf8 || code == errc::invalid_string ||
         code == errc::invalid_number || code == errc::trailing_content || code == errc::depth_exceeded;
}

// What a decoder expected where it failed, for the diagnostic detail.
enum class expected : std::uint8_t { object, array, string, integer, boolean, null, number, count };
// What it found there: a JSON kind, or a token that is no JSON value.
enum class found : std::uint8_t { object, array, string, number, boolean, null, nothing, count };

// "expected an integer, found a string": every combination, built at compile time.
struct detail_text {
  std::array<char, 48> chars{};
  std::size_t size = 0;
  constexpr void append(std::string_view s) noexcept {
    for (char c : s) chars[size++] = c;
  }
};
inline constexpr auto type_mismatch_details = [] {
  constexpr std::string_view wanted[] = {"an object", "an array", "a string", "an integer", "a boolean", "null", "a number"};
  constexpr std::string_view seen[] = {"an object", "an array", "a string", "a number", "a boolean", "null", "no value"};
  std::array<std::array<detail_text, std::size_t(found::count)>, std::size_t(expected::count)> table{};
  for (std::size_t e = 0; e < std::size(wanted); ++e) {
    for (std::size_t f = 0; f < std::size(seen); ++f) {
      table[e][f].append("expected ");
      table[e][f].append(wanted[e]);
      table[e][f].append(", found ");
      table[e][f].append(seen[f]);
    }
  }
  return table;
}();
constexpr std::string_view type_mismatch(expected e, found f) noexcept {
  const detail_text& t = type_mismatch_details[std::size_t(e)][std::size_t(f)];
  return {t.chars.data(), t.size};
}

// Byte classes of a token's first byte.
constexpr found kind_of_token(char c) noexcept {
  switch (c) {
    case '{': return found::object;
    case '[': return found::array;
    case '"': return found::string;
    case 't':
    case 'f': return found::boolean;
    case 'n': return found::null;
    default: return (c == '-' || is_digit(c)) ? found::number : found::nothing;
  }
}

// Is the token exactly true, false or null? Compared as words, not by memcmp.
PSWIRE_HOT bool is_literal(std::string_view token) noexcept {
  const auto word = [](const char* p) {
    std::uint32_t w = 0;
    std::memcpy(&w, p, sizeof w);
    return w;
  };
  static constexpr char literals[] = "truenullalse";  // true, null, (f)alse
  if (token.size() == 4) return word(token.data()) == word(literals) || word(token.data()) == word(literals + 4);
  return token.size() == 5 && token[0] == 'f' && word(token.data() + 1) == word(literals + 8);
}

// The first backslash in [p, end), or end. Reads up to a block past `end`,
// which the parsed buffer's padding (SIMDJSON_PADDING bytes) makes safe.
// SSE2 is part of every x86-64; elsewhere eight bytes at a time.
PSWIRE_HOT const char* find_backslash(const char* p, const char* end) noexcept {
#if defined(__SSE2__)
  const __m128i backslash = _mm_set1_epi8('\\');
  for (; p < end; p += 16) {
    const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));  // NOLINT: an unaligned load
    auto found = static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(block, backslash)));
    if (const auto left = static_cast<std::size_t>(end - p); left < 16) found &= (std::uint32_t{1} << left) - 1;
    if (found != 0) return p + std::countr_zero(found);
  }
  return end;
#else
  constexpr std::uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
  for (; p < end; p += 8) {
    std::uint64_t w = 0;
    std::memcpy(&w, p, sizeof w);
    if constexpr (std::endian::native == std::endian::big) w = __builtin_bswap64(w);
    const std::uint64_t x = w ^ (ones * '\\');
    // The lowest flagged byte is exact (borrows only run upward from it).
    std::uint64_t found = (x - ones) & ~x & highs;
    if (const auto left = static_cast<std::size_t>(end - p); left < 8) found &= (std::uint64_t{1} << (8 * left)) - 1;
    if (found != 0) return p + (std::countr_zero(found) >> 3);
  }
  return end;
#endif
}

// Checks the escapes from the backslash at p on (the rare, slower part).
inline const char* bad_escape_from(const char* p, const char* end) noexcept {
  for (; p != end; p = find_backslash(p, end)) {
    const std::size_t length = escape_length(std::string_view(p, static_cast<std::size_t>(end - p)));
    if (length == 0) return p;
    p += length;
  }
  return nullptr;
}

// Checks the escapes of string content [p, end) that stage 1 already found
// closed, UTF-8 and free of raw control characters. Returns the offending
// backslash, or nullptr; `escaped` tells whether there was any escape.
PSWIRE_HOT const char* bad_escape(const char* p, const char* end, bool& escaped) noexcept {
  p = find_backslash(p, end);
  escaped = p != end;
  return escaped ? bad_escape_from(p, end) : nullptr;
}

}  // namespace detail

// The bytes a decoder reads, and how many may be read from text.data():
// with text.size() + simdjson::SIMDJSON_PADDING or more the reader parses in
// place, otherwise it copies the message into a padded buffer it owns.
// Every decoder takes one; it is made from a string_view, a string literal or
// a std::string (no padding known), a simdjson::padded_string or
// padded_string_view (padded), or with_capacity() for a buffer of your own.
// A server gets the padding for free by reading the body into a buffer 64
// bytes larger than the body (docs/api-guide.md, "Performance notes").
struct PSWIRE_GSL_POINTER json_input {
  std::string_view text;
  std::size_t capacity = 0;

  constexpr json_input(std::string_view t) noexcept : text(t) {}  // NOLINT: implicit by design
  constexpr json_input(const char* t) noexcept : text(t) {}       // NOLINT: implicit by design
  json_input(const std::string& t) noexcept : text(t) {}          // NOLINT: implicit by design
  json_input(simdjson::padded_string_view t) noexcept : text(t), capacity(t.capacity()) {}  // NOLINT: implicit by design
  json_input(const simdjson::padded_string& t) noexcept  // NOLINT: implicit by design
      : text(t), capacity(t.size() + simdjson::SIMDJSON_PADDING) {}
  // A view of a temporary buffer would dangle once the call returns.
  json_input(std::string&&) = delete;
  json_input(simdjson::padded_string&&) = delete;

  // `capacity` bytes from text.data() are readable (at least text.size()).
  static constexpr json_input with_capacity(std::string_view text, std::size_t capacity) noexcept {
    json_input in(text);
    in.capacity = capacity;
    return in;
  }
};

// The members of one protocol object: their names (an empty name is not
// part of this table: a dialect without that member) and which are required.
template <std::size_t N>
struct member_table {
  static_assert(N <= 32, "the seen-set is a 32-bit mask");
  std::array<std::string_view, N> names{};
  std::uint32_t required = 0;  // bit i: names[i] must be present
  // Length, first and last byte of each name: one compare rules out almost
  // every other name, so the full comparison runs about once per member.
  std::array<std::uint32_t, N> signatures{};

  static constexpr std::uint32_t signature_of(std::string_view name) noexcept {
    if (name.empty()) return 0;
    return static_cast<std::uint32_t>(name.size() << 16) | (std::uint32_t{static_cast<unsigned char>(name.front())} << 8) |
           std::uint32_t{static_cast<unsigned char>(name.back())};
  }

  // The index of `key` (unescaped), or N for a member the protocol does not define.
  constexpr std::size_t find(std::string_view key) const noexcept {
    const std::uint32_t wanted = signature_of(key);
    if (wanted == 0) return N;  // no protocol member has an empty name
    for (std::size_t i = 0; i < N; ++i) {
      if (signatures[i] != wanted) continue;
      std::size_t k = 1;  // the first and last bytes are known equal
      while (k + 1 < key.size() && names[i][k] == key[k]) ++k;
      if (k + 1 >= key.size()) return i;
    }
    return N;
  }
  // The same for a key that may be read 8 bytes past its end (a key in the
  // reader's padded buffers): names compare a word at a time.
  PSWIRE_HOT std::size_t find_padded_key(std::string_view key) const noexcept {
    const std::uint32_t wanted = signature_of(key);
    for (std::size_t i = 0; i < N; ++i) {
      if (signatures[i] != wanted || wanted == 0) continue;
      const char* name = padded_names[i].data();
      bool same = true;
      for (std::size_t at = 0; at < key.size() && same; at += 8) {
        std::uint64_t a = 0, b = 0;
        std::memcpy(&a, key.data() + at, 8);
        std::memcpy(&b, name + at, 8);
        std::uint64_t diff = a ^ b;
        if (const std::size_t left = key.size() - at; left < 8) {
          diff = std::endian::native == std::endian::little ? diff & ((std::uint64_t{1} << (8 * left)) - 1)
                                                             : diff & ~(~std::uint64_t{0} >> (8 * left));
        }
        same = diff == 0;
      }
      if (same) return i;
    }
    return N;
  }
  static constexpr std::size_t max_name_bytes = 32;
  // names[i] and zeros, so that a word past its end can be read.
  std::array<std::array<char, max_name_bytes + 8>, N> padded_names{};

  static constexpr std::size_t first_of(std::uint32_t bits) noexcept {
    std::size_t i = 0;
    while (!(bits >> i & 1u)) ++i;
    return i;
  }
};

// A member table from its names and the indexes of the required ones.
template <std::size_t N>
constexpr member_table<N> make_members(const std::string_view (&names)[N], std::initializer_list<std::size_t> required = {}) {
  member_table<N> table;
  for (std::size_t i = 0; i < N; ++i) {
    table.names[i] = names[i];
    table.signatures[i] = member_table<N>::signature_of(names[i]);
    // A longer protocol name would not fit the padded copy: not a constant expression then.
    if (names[i].size() > member_table<N>::max_name_bytes) table.padded_names.at(member_table<N>::max_name_bytes + 8);
    for (std::size_t k = 0; k < names[i].size(); ++k) table.padded_names[i][k] = names[i][k];
  }
  for (std::size_t r : required) table.required |= std::uint32_t{1} << r;
  return table;
}

namespace detail {

// The members of one protocol object, decoded the one way every decoder uses,
// over either reader (json_reader, bson_reader). `on_member(index, value)`
// reads member table.names[index]. A repeated member is duplicate_key, an
// unknown member is validated and skipped, and a missing required member is
// missing_field; the long form hands unknown members to `on_unknown(key,
// value, key_offset)` and repeated ones to `on_duplicate(index, value,
// key_offset)` instead.
template <class Reader, class Value, std::size_t N, class OnMember, class OnUnknown, class OnDuplicate>
result<void> read_protocol_object(Reader& reader, Value& v, const member_table<N>& table, OnMember&& on_member,
                                  OnUnknown&& on_unknown, OnDuplicate&& on_duplicate) {
  const std::size_t object_at = reader.offset_of(v);
  std::uint32_t seen = 0;
  auto r = reader.for_each_member(v, [&](std::string_view key, Value& value, std::size_t key_at) -> result<void> {
    const std::size_t index = Reader::find_member(table, key);
    if (index == N) return on_unknown(key, value, key_at);
    const std::uint32_t bit = std::uint32_t{1} << index;
    if (seen & bit) return on_duplicate(index, value, key_at);
    seen |= bit;
    return on_member(index, value);
  });
  if (!r) return r;
  if (const std::uint32_t missing = table.required & ~seen; missing != 0) {
    return reader.fail_missing(table.names[table.first_of(missing)], object_at);
  }
  return {};
}
template <class Reader, class Value, std::size_t N, class OnMember>
result<void> read_protocol_object(Reader& reader, Value& v, const member_table<N>& table, OnMember&& on_member) {
  return read_protocol_object(
      reader, v, table, on_member, [&reader](std::string_view, Value& value, std::size_t) { return reader.skip(value); },
      [&reader](std::size_t, Value&, std::size_t key_at) -> result<void> {
        return reader.fail(errc::duplicate_key, key_at, "member appears twice");
      });
}

}  // namespace detail

// A value the decoder is about to read: where it starts. Handed to member and
// element callbacks; reading it moves the reader past it.
class json_value {
 public:
  constexpr json_value() = default;

 private:
  friend class json_reader;
  constexpr explicit json_value(const std::uint32_t* token) noexcept : token_(token) {}
  const std::uint32_t* token_ = nullptr;
};

// The decoding state shared by every message decoder: the simdjson parser
// (stage 1 and its structural index), a padded copy of the input when the
// caller's buffer has no padding, the buffer unescaped strings go to, and in
// diagnostic mode the JSON path. Reuse one reader for many messages and
// decoding allocates nothing once its buffers have grown.
//
// Views handed out by decoders point into the caller's input (raw JSON and
// strings without escapes) or into this reader (unescaped strings): they stay
// valid until the next message is read with this reader, and while the input
// buffer lives.
class json_reader {
 public:
  explicit json_reader(const limits& lim = {}) : limits_(lim) {}

  const limits& limits_in_use() const noexcept { return limits_; }
  void set_limits(const limits& lim) noexcept { limits_ = lim; }

  // Decodes one message: `body` reads the root value (and may be called a
  // second time, in diagnostic mode, so it must start by clearing what it
  // fills). Returns the first error in the message, diagnosed.
  template <class Body>
  result<void> run(json_input input, Body&& body) {
    diagnostic_ = false;
    result<void> fast = start(input);
    if (fast) fast = body();
    if (fast) fast = finish();
    if (fast) {
      fast_path_code_ = errc::ok;
      return fast;
    }
    fast_path_code_ = fast.code();
    if (!indexed_) return fast;  // no structural index: start() already diagnosed it
    // What the fast pass alone would report: the first syntax error its walk
    // over the whole index finds wins, also over a later protocol error. The
    // SIMD kernels' stage 1 refuses invalid UTF-8 anywhere in the message;
    // the fallback kernel's checks it inside strings only (and not the byte
    // after a backslash), so the same rule is applied here for every kernel.
    if (detail::first_invalid_utf8(input_) != input_.size()) {
      fast_path_code_ = errc::invalid_utf8;
    } else if (const errc syntax = syntax_code_from_index(); syntax != errc::ok) {
      fast_path_code_ = syntax;
    }
    result<void> diagnosed = diagnose(body);
#ifdef PSWIRE_VERIFY_DIAGNOSIS
    ::PSWIRE_VERIFY_DIAGNOSIS(input_, fast_path_code_, diagnosed.code());
#endif
    return diagnosed;
  }

  // The code the fast pass found for the last message run() refused (ok if it
  // accepted it). The error run() returns comes from the diagnostic pass; the
  // two must agree, which tests and fuzzers check.
  errc fast_path_code() const noexcept { return fast_path_code_; }

  // ---- the value the reader is at

  // The kind of the next value, without reading it; a token that starts no
  // JSON value is invalid_json.
  PSWIRE_HOT result<json_kind> type_of(const json_value& v) {
    switch (detail::kind_of_token(at(v))) {
      case detail::found::object: return json_kind::object;
      case detail::found::array: return json_kind::array;
      case detail::found::string: return json_kind::string;
      case detail::found::number: return json_kind::number;
      case detail::found::boolean: return json_kind::boolean;
      case detail::found::null: return json_kind::null;
      default: return fail_not_a_value();
    }
  }

  // Offset of the value in the message.
  // A member, not static: an offset is into this reader's message.
  std::size_t offset_of(const json_value& v) const noexcept {  // NOLINT(readability-convert-member-functions-to-static)
    return *v.token_;
  }

  // ---- typed reads. Each writes the value it read into `out` and returns
  // only success or the error: a value passed back inside a result was
  // stored and reloaded in pieces, which stalled the decoders.

  // A string, unescaped (into any Out assignable from a string_view). Its
  // wire bytes (between the quotes, escapes included) are bounded by
  // limits.max_string_bytes.
  template <class Out>
  PSWIRE_HOT result<void> read_string(const json_value& v, Out& out) {
    if (at(v) != '"') return fail_type(detail::expected::string);
    std::string_view content;
    bool escaped = false;
    PSWIRE_TRY(string_token(limits_, content, escaped));
    ++token_;
    out = escaped ? unescape(content) : in_input(content);
    return {};
  }

  // A string as the wire has it, not unescaped (for a value passed on as it
  // came, such as a row's JSON inside a string).
  PSWIRE_HOT result<void> read_wire_string(const json_value& v, wire_string& out) {
    if (at(v) != '"') return fail_type(detail::expected::string);
    std::string_view content;
    bool escaped = false;
    PSWIRE_TRY(string_token(limits_, content, escaped));
    ++token_;
    out = escaped ? wire_string::escaped(in_input(content)) : wire_string::plain(in_input(content));
    return {};
  }

  // An integer: any number whose value is an integer in the int64 range
  // (1.0 and 1e2 too, see raw_value::get_int64); a fraction is wrong_type.
  template <class Out>
  PSWIRE_HOT result<void> read_int64(const json_value& v, Out& out) {
    const char c = at(v);
    if (c != '-' && !detail::is_digit(c)) return fail_type(detail::expected::integer);
    const std::string_view token = scalar_token();
    if (token.size() > limits_.max_number_chars) return fail_here(errc::number_too_long, "number longer than limits.max_number_chars");
    // Most ids: up to 18 plain digits, no leading zero, nothing glued on.
    const bool negative = c == '-';
    std::size_t i = negative ? 1 : 0;
    std::uint64_t magnitude = 0;
    const std::size_t digits_begin = i;
    while (i < token.size() && detail::is_digit(token[i])) magnitude = magnitude * 10 + std::uint64_t(token[i++] - '0');
    const std::size_t digits = i - digits_begin;
    if (i == token.size() && digits != 0 && digits <= 18 && (token[digits_begin] != '0' || digits == 1)) {
      ++token_;
      out = negative ? -static_cast<std::int64_t>(magnitude) : static_cast<std::int64_t>(magnitude);
      return {};
    }
    PSWIRE_TRY(check_number(token, limits_));
    auto exact = raw_value(token).get_int64();
    if (!exact) return fail_here(exact.code(), exact.error_info().detail);
    ++token_;
    out = *exact;
    return {};
  }

  // Is the value null? Reads it if so.
  PSWIRE_HOT result<bool> read_null(const json_value& v) {
    if (at(v) != 'n') return false;
    if (const std::string_view token = scalar_token(); token.size() != 4 || !detail::is_literal(token)) {
      return fail_here(errc::invalid_json, "expected a value");
    }
    ++token_;
    return true;
  }

  // A number of any form, as the nearest double; beyond the double range is number_out_of_range.
  result<void> read_double(const json_value& v, double& out) {
    const std::size_t at_offset = offset_of(v);
    if (const char c = at(v); c != '-' && !detail::is_digit(c)) return fail_type(detail::expected::number);
    raw_value number;
    PSWIRE_TRY(read_raw(v, number));  // checks the number's syntax and length
    auto d = number.get_double();
    if (!d) return fail(errc::number_out_of_range, at_offset, "number outside the double range");
    out = *d;
    return {};
  }

  PSWIRE_HOT result<void> read_bool(const json_value& v, bool& out) {
    const char c = at(v);
    if (c != 't' && c != 'f') return fail_type(detail::expected::boolean);
    if (const std::string_view token = scalar_token(); token.size() != (c == 't' ? 4u : 5u) || !detail::is_literal(token)) {
      return fail_here(errc::invalid_json, "expected a value");
    }
    ++token_;
    out = c == 't';
    return {};
  }

  // An integer or null (nullopt).
  PSWIRE_HOT result<void> read_optional_int64(const json_value& v, std::optional<std::int64_t>& out) {
    if (at(v) != 'n') return read_int64(v, out);
    out.reset();
    PSWIRE_TRY(read_null(v));
    return {};
  }

  // Any value, validated, as a view of the caller's input: from its first
  // byte to its last (a container's closing bracket), whitespace inside it
  // kept and none after it, as raw_value and raw_object require.
  template <class Out>
  result<void> read_raw(const json_value& v, Out& out) {
    const std::uint32_t begin = at_offset(v);
    PSWIRE_TRY(walk_value(limits_));
    const std::size_t end = end_of_previous_token();
    const std::string_view view(input_.data() + begin, end - begin);
    detail::check_view_within(view, input_);
    out = Out(view);
    return {};
  }

  // An object, validated, as a view of the caller's input.
  PSWIRE_HOT result<void> read_raw_object(const json_value& v, raw_object& out) {
    if (at(v) != '{') return fail_type(detail::expected::object);
    return read_raw(v, out);
  }

  // An object, or null (an absent raw_object).
  PSWIRE_HOT result<void> read_optional_raw_object(const json_value& v, raw_object& out) {
    if (at(v) != 'n') return read_raw_object(v, out);
    out = raw_object{};
    PSWIRE_TRY(read_null(v));
    return {};
  }

  // A value nobody reads (an unknown member): accepted, but it must be valid JSON.
  result<void> skip(const json_value& v) {
    (void)at(v);
    return walk_value(limits_);
  }

  // Iterates an object's members; `on_member(key, value, key_offset)`
  // returns result<void> and must read the value. Member names are
  // unescaped, so "n\u0061me" is "name".
  template <class OnMember>
  result<void> for_each_member(const json_value& v, OnMember&& on_member) {
    if (at(v) != '{') return fail_type(detail::expected::object);
    PSWIRE_TRY(open_container());
    if (current() == '}') return close_container();
    for (std::size_t count = 1;; ++count) {
      const std::uint32_t key_at = *token_;
      if (count > limits_.max_elements) return fail_here(errc::too_many_elements, "more members than limits.max_elements");
      std::string_view key;
      PSWIRE_TRY(member_name(key));
      if (diagnostic_) push_key(key);
      json_value value(token_);
      auto r = on_member(key, value, std::size_t{key_at});
      if (!r) return r;
      PSWIRE_ASSERT(token_ != value.token_ && "json_reader: a member callback must read its value");
      if (diagnostic_) pop();
      if (const char c = current(); c != ',') {
        if (c == '}') return close_container();
        return fail_here(errc::invalid_json, "expected ',' or '}' after a member");
      }
      ++token_;
    }
  }

  // Iterates an array; `on_element(value, index)` returns result<void> and must read the value.
  template <class OnElement>
  result<void> for_each_element(const json_value& v, OnElement&& on_element) {
    if (at(v) != '[') return fail_type(detail::expected::array);
    PSWIRE_TRY(open_container());
    if (current() == ']') return close_container();
    for (std::size_t index = 0;; ++index) {
      if (index >= limits_.max_elements) return fail_here(errc::too_many_elements, "more elements than limits.max_elements");
      if (diagnostic_) push_index(index);
      json_value value(token_);
      auto r = on_element(value, index);
      if (!r) return r;
      PSWIRE_ASSERT(token_ != value.token_ && "json_reader: an element callback must read its value");
      if (diagnostic_) pop();
      if (const char c = current(); c != ',') {
        if (c == ']') return close_container();
        return fail_here(errc::invalid_json, "expected ',' or ']' after an element");
      }
      ++token_;
    }
  }

  // The members of one protocol object (detail::read_protocol_object).
  template <std::size_t N, class OnMember>
  result<void> read_object(json_value& v, const member_table<N>& table, OnMember&& on_member) {
    return detail::read_protocol_object(*this, v, table, on_member);
  }
  template <std::size_t N, class OnMember, class OnUnknown, class OnDuplicate>
  result<void> read_object(json_value& v, const member_table<N>& table, OnMember&& on_member, OnUnknown&& on_unknown,
                           OnDuplicate&& on_duplicate) {
    return detail::read_protocol_object(*this, v, table, on_member, on_unknown, on_duplicate);
  }
  // Keys live in the padded buffer or strings_: compared a word at a time.
  template <std::size_t N>
  PSWIRE_HOT static std::size_t find_member(const member_table<N>& table, std::string_view key) noexcept {
    return table.find_padded_key(key);
  }

  // The message text from `begin` to the end of the last value read.
  std::string_view text_since(std::size_t begin) const noexcept {
    return input_.substr(begin, end_of_previous_token() - begin);
  }

  // The root value of the message.
  json_value root_value() const noexcept { return json_value(token_); }

  // ---- failures
  // Fast pass: a code, the offset and a static detail. Diagnostic pass: the
  // same with the JSON path of the value being read.
  error fail(errc code, std::size_t offset, std::string_view detail) const noexcept {
    error e = make_error(code, offset, detail);
    if (diagnostic_) e.path = path_.path();
    return e;
  }
  // missing_field for member `key` of the object that starts at `object_offset`.
  error fail_missing(std::string_view key, std::size_t object_offset) {
    if (diagnostic_) push_key(key);
    error e = fail(errc::missing_field, object_offset, "required member is absent");
    if (diagnostic_) pop();
    return e;
  }
  // The value at `v` is not of the type the protocol gives it.
  error fail_type(detail::expected what, const json_value& v) const noexcept {
    (void)at(v);
    return fail_type(what);
  }

  // ---- the JSON path, kept in diagnostic mode only
  void push_key(std::string_view key) noexcept { path_.push_key(key); }
  void push_index(std::size_t index) noexcept { path_.push_index(index); }
  void pop() noexcept { path_.pop(); }

 private:
  // Starts a message: limits, padding, stage 1.
  result<void> start(json_input input) {
    input_ = input.text;
    indexed_ = false;
    path_.clear();
    depth_ = 0;
    strings_used_ = 0;
    if (input_.size() > limits_.max_message_bytes || input_.size() > 0xFFFFFFF0u) {
      return make_error(errc::message_too_large, limits_.max_message_bytes, "message larger than limits.max_message_bytes");
    }
    if (detail::skip_whitespace(input_, 0) == input_.size()) return make_error(errc::empty_input, 0, "no JSON value");
    const char* buffer = input_.data();
    if (input.capacity < input_.size() + simdjson::SIMDJSON_PADDING) {
      std::memcpy(padded_buffer(input_.size()), input_.data(), input_.size());
      buffer = padded_.data();
    }
    const simdjson::error_code indexed = stage1(buffer);
    if (indexed == simdjson::SUCCESS) return {};
    // UTF-8, a raw control character or an unclosed string: find it exactly.
    if (error e = syntax_error()) return e;
    if (indexed == simdjson::UNSUPPORTED_ARCHITECTURE) {
      return make_error(errc::internal_error, 0,
                        "libsimdjson has no usable stage-1 kernel: SIMDJSON_FORCE_IMPLEMENTATION names one it does not have");
    }
    return make_error(errc::internal_error, 0, "simdjson refused what the validator accepts");
  }

  // The reader's own padded buffer, with room for `size` bytes.
  char* padded_buffer(std::size_t size) {
    if (padded_.size() < size + simdjson::SIMDJSON_PADDING) padded_.resize(size + simdjson::SIMDJSON_PADDING);
    return padded_.data();
  }

  // Stage 1 over input_ (held at `buffer`, padded); SUCCESS if it found the structure.
  simdjson::error_code stage1(const char* buffer) {
    buf_ = buffer;
    // Unescaped text is never longer than the message; 8 more bytes let a
    // key in it be compared a word at a time (member_table::find_padded_key).
    // Left uninitialized: only what unescape() writes is read, so a message
    // without escapes never touches (commits) these pages.
    if (strings_capacity_ < input_.size() + 8) {
      strings_capacity_ = input_.size() + 8;
      strings_.reset(new char[strings_capacity_]);  // NOLINT(cppcoreguidelines-owning-memory): default-initialized on purpose
    }
    auto iterator = parser_.iterate_raw(simdjson::padded_string_view(buffer, input_.size(), input_.size() + simdjson::SIMDJSON_PADDING));
    ondemand::json_iterator it;
    if (const simdjson::error_code e = std::move(iterator).get(it); e != simdjson::SUCCESS) return e;
    token_ = first_token_ = it.position();
    indexed_ = true;
    return simdjson::SUCCESS;
  }

 public:
  // ---- block mode: several small messages, one stage 1 (ps_crud rows to a
  // batch pay simdjson's fixed cost once per block, not once per row).
  // Fill block_buffer(n) with the messages separated by whitespace, call
  // start_block(n), then decode each with decode_in_block. A message is only
  // accepted when it decodes on its own bytes exactly; anything else (also a
  // block stage 1 refuses) returns false, and the caller decodes that
  // message, and the ones after it, with run(), which is authoritative.
  char* block_buffer(std::size_t size) { return padded_buffer(size); }
  bool start_block(std::size_t size) {
    input_ = std::string_view(padded_.data(), size);
    indexed_ = false;
    strings_used_ = 0;
    return size <= 0xFFFFFFF0u && stage1(padded_.data()) == simdjson::SUCCESS;
  }
  // Decodes the message at [begin, end) of the block with `body` (fast pass).
  template <class Body>
  bool decode_in_block(std::size_t begin, std::size_t end, Body&& body) {
    diagnostic_ = false;
    depth_ = 0;
    path_.clear();
    if (end - begin > limits_.max_message_bytes || *token_ < begin || *token_ >= end) return false;
    if (!body()) return false;
    // Its last token ends inside it, and the next starts after it: nothing
    // was borrowed from a neighbour, nothing of it left over.
    return end_of_previous_token() <= end && *token_ >= end;
  }

 private:
  // After the root value: only the end of the index may follow.
  result<void> finish() {
    if (*token_ >= input_.size()) return {};
    // simdjson's SIMD stage 1 classifies \f and \x1a as operators, so it
    // splits them off a number or literal they are glued to (`0\x1a`); its
    // scalar kernel and the validator read them as part of that token, which
    // is then no value: invalid_json, whichever kernel ran.
    const char last = buf_[token_[-1]], next = buf_[*token_];
    const bool scalar = last == '-' || detail::is_digit(last) || last == 't' || last == 'f' || last == 'n';
    if ((next == '\f' || next == '\x1a') && scalar && end_of_previous_token() == *token_) {
      return fail(errc::invalid_json, detail::is_digit(last) || last == '-' ? *token_ : token_[-1], "a value glued to what follows");
    }
    return fail_here(errc::trailing_content, "content after the message");
  }

  template <class Body>
  result<void> diagnose(Body& body) {
    error syntax = syntax_error();
    diagnostic_ = true;
    token_ = first_token_;
    path_.clear();
    depth_ = 0;
    strings_used_ = 0;
    result<void> again = body();
    if (again) again = finish();
    diagnostic_ = false;
    if (syntax) {
      // The decoder reached the syntax error itself: its path is the path there.
      if (!again && again.code() == syntax.code && again.error_info().offset == syntax.offset) syntax.path = again.error_info().path;
      return syntax;
    }
    if (again) return make_error(errc::internal_error, 0, "the diagnostic pass accepted what the fast pass refused");
    return again;
  }

  // The first syntax error of the whole message, if any, with the limits off
  // (a limit error must not hide a later syntax error) but nesting bounded.
  error syntax_error() const noexcept {
    const std::size_t bad = detail::first_invalid_utf8(input_);
    if (bad != input_.size()) return make_error(errc::invalid_utf8, bad, "not UTF-8");
    error e = validate_json_value(input_, syntax_limits());
    return detail::is_syntax_error(e.code) ? e : error{};
  }
  limits syntax_limits() const noexcept {
    limits off;
    off.max_depth = limits_.max_depth;
    off.max_elements = off.max_string_bytes = off.max_number_chars = static_cast<std::size_t>(-1);
    return off;
  }
  // The same question answered on the structural index, by the fast pass's own walk.
  errc syntax_code_from_index() {
    token_ = first_token_;
    depth_ = 0;
    result<void> r = walk_value(syntax_limits());
    if (r) r = finish();
    return r.code();
  }

  // ---- tokens. token_ points into simdjson's structural index: each entry
  // is the offset of a structural character or the first byte of a scalar,
  // and the entry after the last is input.size() (stage 1's sentinel).
  PSWIRE_HOT char current() const noexcept { return *token_ < input_.size() ? buf_[*token_] : '\0'; }
  PSWIRE_HOT char at(const json_value& v) const noexcept {
    PSWIRE_ASSERT(v.token_ == token_ && "json_reader: values must be read in order, each once");
    (void)v;
    return current();
  }
  std::uint32_t at_offset(const json_value& v) const noexcept { return (void)at(v), *token_; }
  // The token at token_ up to the next one, without trailing whitespace.
  PSWIRE_HOT std::string_view scalar_token() const noexcept {
    std::size_t end = token_[1];
    while (end > *token_ && detail::is_json_whitespace(buf_[end - 1])) --end;
    return {buf_ + *token_, end - *token_};
  }
  std::size_t end_of_previous_token() const noexcept {
    std::size_t end = token_[0];
    while (end > token_[-1] && detail::is_json_whitespace(buf_[end - 1])) --end;
    return end;
  }
  // A view of the parsed buffer as the same bytes of the caller's input.
  PSWIRE_HOT std::string_view in_input(std::string_view parsed) const noexcept {
    const std::string_view view(input_.data() + (parsed.data() - buf_), parsed.size());
    detail::check_view_within(view, input_);
    return view;
  }

  error fail_here(errc code, std::string_view detail) const noexcept { return fail(code, *token_, detail); }
  error fail_not_a_value() const noexcept {
    // +1 and .5 are bad numbers, as walk_value and json_validate.hpp say.
    if (const char c = current(); c == '+' || c == '.') return fail_here(errc::invalid_number, "not a JSON number");
    return fail_here(errc::invalid_json, diagnostic_ ? std::string_view("expected a value, found no JSON value") : "expected a value");
  }
  error fail_type(detail::expected what) const noexcept {
    const detail::found f = detail::kind_of_token(current());
    if (f == detail::found::nothing) return fail_not_a_value();
    return fail_here(errc::wrong_type, detail::type_mismatch(what, f));
  }

  PSWIRE_HOT result<void> open_container() {
    if (++depth_ > limits_.max_depth || depth_ > hard_max_depth) return fail_here(errc::depth_exceeded, "nesting deeper than limits.max_depth");
    ++token_;
    return {};
  }
  PSWIRE_HOT result<void> close_container() {
    --depth_;
    ++token_;
    return {};
  }

  // The string token at token_: its content between the quotes, checked
  // (escapes; stage 1 checked the rest) and bounded in wire bytes.
  PSWIRE_HOT result<void> string_token(const limits& lim, std::string_view& content, bool& escaped) const {
    const std::string_view token = scalar_token();
    // Stage 1 found every string closed, so a string token ends with its quote.
    if (token.size() < 2 || token.back() != '"') return fail_here(errc::invalid_string, "unterminated string");
    content = std::string_view(token.data() + 1, token.size() - 2);
    detail::check_view_within(content, {buf_, input_.size()});
    if (content.size() > lim.max_string_bytes) return fail_here(errc::string_too_long, "string longer than limits.max_string_bytes");
    if (const char* bad = detail::bad_escape(content.data(), content.data() + content.size(), escaped)) {
      return fail(errc::invalid_string, static_cast<std::size_t>(bad - buf_), "invalid escape sequence");
    }
    return {};
  }
  // A member name and its ':'; the reader is then at the value.
  PSWIRE_HOT result<void> member_name(std::string_view& key) {
    if (current() != '"') return fail_here(errc::invalid_json, "expected a member name");
    std::string_view content;
    bool escaped = false;
    PSWIRE_TRY(string_token(limits_, content, escaped));
    ++token_;
    if (current() != ':') return fail_here(errc::invalid_json, "expected ':' after a member name");
    ++token_;
    key = escaped ? unescape(content) : content;
    return {};
  }
  // Escaped string content into strings_, which is as large as the message
  // and only reset per message: a view stays valid while later strings are read.
  // Content was checked by string_token: every escape is whole. Plain runs
  // are copied whole, between the backslashes find_backslash finds.
  std::string_view unescape(std::string_view content) {
    struct appender {
      char* out = nullptr;
      std::size_t size = 0;
      void push_back(char c) noexcept { out[size++] = c; }
    } a{strings_.get() + strings_used_};
    const char* const end = content.data() + content.size();
    for (const char* p = content.data(); p != end;) {
      const char* backslash = detail::find_backslash(p, end);
      std::memcpy(a.out + a.size, p, static_cast<std::size_t>(backslash - p));
      a.size += static_cast<std::size_t>(backslash - p);
      if (backslash == end) break;
      std::size_t at = 0;
      const std::string_view escape(backslash, static_cast<std::size_t>(end - backslash));
      detail::append_utf8(a, detail::decode_escape(escape, at));
      p = backslash + at;
    }
    const std::string_view s(a.out, a.size);
    strings_used_ += a.size;
    detail::check_view_within(s, {strings_.get(), strings_used_});
    return s;
  }

  result<void> check_number(std::string_view token, const limits& lim) const {
    // Too long is decided on the token's length; its spelling, if also bad,
    // is found by the diagnosis (a syntax error wins there).
    if (token.size() > lim.max_number_chars) return fail_here(errc::number_too_long, "number longer than limits.max_number_chars");
    const auto scanned = detail::scan_number(token, 0, lim.max_number_chars);
    if (scanned.code != errc::ok) return fail(scanned.code, *token_ + scanned.end, "not a JSON number");
    // A number glued to what cannot follow one ("1\"x\""): the content after it is the error.
    if (scanned.end != token.size()) return fail(errc::invalid_json, *token_ + scanned.end, "expected ',' or a closing bracket");
    return {};
  }

  // Validates the value at token_ and moves past it: the one walk behind
  // skip, read_raw and the fast pass's syntax check. Containers are tracked
  // on a fixed stack (bounded by hard_max_depth); `lim` bounds strings,
  // numbers, element counts and nesting (counted from the message root).
  // Out of line: its container stack is 9 KiB of frame that the decoders'
  // own loops should not carry.
  [[gnu::noinline]] result<void> walk_value(const limits& lim) {
    const std::size_t max_depth = lim.max_depth < hard_max_depth ? lim.max_depth : hard_max_depth;
    // One entry per container opened here: is it an object, and its elements so far.
    // Left uninitialized on purpose: only entries below `open` are read.
    bool is_object[hard_max_depth];
    std::size_t counts[hard_max_depth];
    std::size_t open = 0;
    while (true) {
      // ---- a value (the common scalars first: a value is mostly a string or a number)
      const char c = current();
      switch (c) {
        case '{':
        case '[':
          if (depth_ + open + 1 > max_depth) return fail_here(errc::depth_exceeded, "nesting deeper than limits.max_depth");
          is_object[open] = c == '{';
          counts[open] = 0;
          ++open;
          ++token_;
          if (current() == (c == '{' ? '}' : ']')) {
            --open;
            ++token_;
            break;
          }
          if (c == '[') continue;
          goto member_name;  // NOLINT: the shortest honest state machine
        case '"': {
          std::string_view content;
          bool escaped = false;
          PSWIRE_TRY(string_token(lim, content, escaped));
          ++token_;
          break;
        }
        case 't':
        case 'f':
        case 'n': {
          if (!detail::is_literal(scalar_token())) return fail_not_a_value();
          ++token_;
          break;
        }
        default:
          // +1 and .5 are bad numbers, not some other token (as json_validate.hpp says).
          if (c != '-' && c != '+' && c != '.' && !detail::is_digit(c)) return fail_not_a_value();
          PSWIRE_TRY(check_number(scalar_token(), lim));
          ++token_;
          break;
      }
      // ---- after a value: close containers or move to the next element
      while (true) {
        if (open == 0) return {};
        const char d = current();
        const bool in_object = is_object[open - 1];
        if (d == (in_object ? '}' : ']')) {
          --open;
          ++token_;
          continue;
        }
        if (d != ',') return fail_here(errc::invalid_json, in_object ? "expected ',' or '}'" : "expected ',' or ']'");
        if (++counts[open - 1] >= lim.max_elements) return fail_here(errc::too_many_elements, "more elements than limits.max_elements");
        ++token_;
        if (in_object) goto member_name;  // NOLINT
        break;
      }
      continue;
    member_name:
      if (current() != '"') return fail_here(errc::invalid_json, "expected a member name");
      {
        std::string_view content;
        bool escaped = false;
        PSWIRE_TRY(string_token(lim, content, escaped));
      }
      ++token_;
      if (current() != ':') return fail_here(errc::invalid_json, "expected ':'");
      ++token_;
    }
  }

  limits limits_;
  ondemand::parser parser_;
  std::string padded_;
  std::unique_ptr<char[]> strings_;  // NOLINT(cppcoreguidelines-avoid-c-arrays): an uninitialized buffer
  std::size_t strings_capacity_ = 0;
  std::size_t strings_used_ = 0;
  std::string_view input_;
  const char* buf_ = nullptr;
  const std::uint32_t* token_ = nullptr;
  const std::uint32_t* first_token_ = nullptr;
  std::size_t depth_ = 0;
  bool indexed_ = false;
  bool diagnostic_ = false;
  errc fast_path_code_ = errc::ok;
  detail::path_stack path_;
};

}  // namespace pswire
