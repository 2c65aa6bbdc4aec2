// pswire core: a strict RFC 8259 validator over plain text, for where there
// is no structural index: raw_object::parse and json_pretty take text alone,
// and json_reader's diagnostic pass uses it as the independent judge of the
// first syntax error (and of where stage 1 refused a message). Decoding
// itself validates on the index (json_reader.hpp). It runs in one forward
// pass with a fixed-size stack: linear time, no allocation, and it checks
// the configured limits while it goes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <type_traits>

#include "errors.hpp"
#include "limits.hpp"

namespace pswire {

// The deepest nesting any pswire decoder accepts, whatever `limits` says
// (simdjson's own parser default is the same).
inline constexpr std::size_t hard_max_depth = 1024;

namespace detail {

constexpr bool is_json_whitespace(char c) noexcept { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }
constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
// Does this byte end a number or a literal, as simdjson's stage 1 ends a
// scalar token (whitespace and the structural characters)? What follows is
// then judged as the next token: `1}` closes, `1{` at the root is trailing
// content. Any other byte glued on (`truex`, `1"x"`) spoils the token itself.
constexpr bool ends_scalar(char c) noexcept {
  return is_json_whitespace(c) || c == ',' || c == ']' || c == '}' || c == '[' || c == '{' || c == ':';
}
constexpr bool is_hex_digit(char c) noexcept {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
constexpr unsigned hex_value(char c) noexcept {
  return is_digit(c) ? unsigned(c - '0') : (c >= 'a' && c <= 'f') ? unsigned(c - 'a' + 10) : unsigned(c - 'A' + 10);
}

// Scans the number at text[pos]; returns the end offset, or an error.
// Grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
struct scan_result {
  errc code;
  std::size_t end;  // one past the scanned token, or the offset of the error
};

constexpr scan_result scan_number(std::string_view text, std::size_t pos, std::size_t max_chars) noexcept {
  const std::size_t start = pos, n = text.size();
  auto fail = [&](std::size_t at) { return scan_result{errc::invalid_number, at}; };
  if (pos < n && text[pos] == '-') ++pos;
  if (pos == n || !is_digit(text[pos])) return fail(pos);
  if (text[pos] == '0') {
    ++pos;
  } else {
    while (pos < n && is_digit(text[pos])) ++pos;
  }
  if (pos < n && text[pos] == '.') {
    ++pos;
    if (pos == n || !is_digit(text[pos])) return fail(pos);
    while (pos < n && is_digit(text[pos])) ++pos;
  }
  if (pos < n && (text[pos] == 'e' || text[pos] == 'E')) {
    ++pos;
    if (pos < n && (text[pos] == '+' || text[pos] == '-')) ++pos;
    if (pos == n || !is_digit(text[pos])) return fail(pos);
    while (pos < n && is_digit(text[pos])) ++pos;
  }
  // A number glued to more number-like characters (01, 1.2.3, 12abc) is one bad token.
  if (pos < n) {
    const char c = text[pos];
    if (is_digit(c) || c == '.' || c == '+' || c == '-' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      return fail(pos);
    }
  }
  if (pos - start > max_chars) return {errc::number_too_long, start};
  return {errc::ok, pos};
}

// Are the eight bytes at text[pos] all plain string content (no quote,
// backslash or control character)? A word at a time (byte order does not
// matter: the test is whether any byte matches).
constexpr bool plain_string_bytes8(std::string_view text, std::size_t pos) noexcept {
  constexpr std::uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
  std::uint64_t w = 0;
  if (std::is_constant_evaluated()) {
    for (std::size_t i = 0; i < 8; ++i) w |= std::uint64_t{static_cast<unsigned char>(text[pos + i])} << (8 * i);
  } else {
    std::memcpy(&w, text.data() + pos, sizeof w);
  }
  const std::uint64_t quote = w ^ (ones * '"'), backslash = w ^ (ones * '\\');
  const std::uint64_t special = ((quote - ones) & ~quote) | ((backslash - ones) & ~backslash) | ((w - ones * 0x20) & ~w);
  return (special & highs) == 0;
}

// Length of the valid escape sequence that starts `rest` (rest[0] is a
// backslash), or 0: the two-character escapes, \uXXXX, and a high surrogate
// only with its low half (a lone surrogate of either kind is invalid).
constexpr std::size_t escape_length(std::string_view rest) noexcept {
  if (rest.size() < 2) return 0;
  const char e = rest[1];
  if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' || e == 'r' || e == 't') return 2;
  if (e != 'u') return 0;
  auto hex4 = [&](std::size_t at, unsigned& out) {
    if (at + 4 > rest.size()) return false;
    out = 0;
    for (std::size_t i = at; i < at + 4; ++i) {
      if (!is_hex_digit(rest[i])) return false;
      out = out * 16 + hex_value(rest[i]);
    }
    return true;
  };
  unsigned unit = 0;
  if (!hex4(2, unit) || (unit >= 0xDC00 && unit <= 0xDFFF)) return 0;
  if (unit < 0xD800 || unit > 0xDBFF) return 6;
  unsigned low = 0;
  const bool paired = rest.size() >= 12 && rest[6] == '\\' && rest[7] == 'u' && hex4(8, low) && low >= 0xDC00 && low <= 0xDFFF;
  return paired ? 12 : 0;
}

// Scans the string whose opening quote is at text[pos]. Checks escapes,
// surrogate pairing and unescaped control characters (UTF-8 is checked by
// the caller, once per message).
constexpr scan_result scan_string(std::string_view text, std::size_t pos, std::size_t max_bytes) noexcept {
  const std::size_t start = pos, n = text.size();
  ++pos;  // opening quote
  while (true) {
    while (pos + 8 <= n && plain_string_bytes8(text, pos)) pos += 8;
    if (pos >= n) return {errc::invalid_string, start};
    const char c = text[pos];
    if (c == '"') break;
    if (static_cast<unsigned char>(c) < 0x20) return {errc::invalid_string, pos};
    if (c != '\\') {
      ++pos;
      continue;
    }
    const std::size_t length = escape_length(text.substr(pos));
    if (length == 0) return {errc::invalid_string, pos};
    pos += length;
  }
  if (pos - start - 1 > max_bytes) return {errc::string_too_long, start};
  return {errc::ok, pos + 1};
}

}  // namespace detail

// Validates that `text` is exactly one JSON value, optionally surrounded by
// whitespace. `depth` is the nesting depth the value sits at inside its
// message, so that limits.max_depth counts from the message root.
// UTF-8 is not checked here: the message it came from was (see json_reader).
inline error validate_json_value(std::string_view text, const limits& lim, std::size_t depth = 0) noexcept {
  using detail::is_json_whitespace;
  const std::size_t n = text.size();
  const std::size_t max_depth = lim.max_depth < hard_max_depth ? lim.max_depth : hard_max_depth;
  // One entry per open container: is it an object, and how many members so far.
  // Left uninitialized on purpose: only entries below `open` are ever read,
  // and clearing 5 KiB per call would dominate small values.
  bool is_object[hard_max_depth];
  std::uint32_t counts[hard_max_depth];
  std::size_t open = 0;
  std::size_t pos = 0;
  auto skip_ws = [&] { while (pos < n && is_json_whitespace(text[pos])) ++pos; };
  auto fail = [&](errc code, std::size_t at, std::string_view why) { return make_error(code, at, why); };

  // The state machine: `want_value` after '[', ',' in arrays, ':' and at the
  // start; otherwise we are after a complete value.
  skip_ws();
  while (true) {
    // ---- a value
    if (pos >= n) return fail(errc::invalid_json, pos, "expected a value");
    const char c = text[pos];
    if (c == '{' || c == '[') {
      if (depth + open + 1 > max_depth) return fail(errc::depth_exceeded, pos, "nesting deeper than limits.max_depth");
      is_object[open] = (c == '{');
      counts[open] = 0;
      ++open;
      ++pos;
      skip_ws();
      const char close = (c == '{') ? '}' : ']';
      if (pos < n && text[pos] == close) {
        --open;
        ++pos;
      } else if (c == '{') {
        goto member_key;  // NOLINT: the shortest honest state machine
      } else {
        continue;  // first array element
      }
    } else if (c == '"') {
      const auto s = detail::scan_string(text, pos, lim.max_string_bytes);
      if (s.code != errc::ok) return fail(s.code, s.end, "bad string");
      pos = s.end;
    } else if (c == '-' || c == '+' || c == '.' || detail::is_digit(c)) {  // +1 and .5 are bad numbers
      const auto s = detail::scan_number(text, pos, lim.max_number_chars);
      if (s.code != errc::ok) return fail(s.code, s.end, "bad number");
      pos = s.end;
      // Glued to what cannot follow a number (1"x"): that is the error, also at the root.
      if (pos < n && !detail::ends_scalar(text[pos])) return fail(errc::invalid_json, pos, "expected ',' or a closing bracket");
    } else {
      const std::size_t length = text.substr(pos, 4) == "true" || text.substr(pos, 4) == "null" ? 4 : text.substr(pos, 5) == "false" ? 5 : 0;
      // A glued atom (truex) is no value at all, also at the root.
      if (length == 0 || (pos + length < n && !detail::ends_scalar(text[pos + length]))) {
        return fail(errc::invalid_json, pos, "expected a value");
      }
      pos += length;
    }

    // ---- after a value: close containers or move to the next element
    while (true) {
      skip_ws();
      if (open == 0) {
        if (pos != n) return fail(errc::trailing_content, pos, "content after the value");
        return error{};
      }
      if (pos >= n) return fail(errc::invalid_json, pos, "unterminated array or object");
      const char d = text[pos];
      const bool in_object = is_object[open - 1];
      if (d == (in_object ? '}' : ']')) {
        --open;
        ++pos;
        continue;
      }
      if (d != ',') return fail(errc::invalid_json, pos, in_object ? "expected ',' or '}'" : "expected ',' or ']'");
      if (++counts[open - 1] >= lim.max_elements) {
        return fail(errc::too_many_elements, pos, "more elements than limits.max_elements");
      }
      ++pos;
      skip_ws();
      if (in_object) goto member_key;  // NOLINT
      break;                           // next array element
    }
    continue;

  member_key:
    if (pos >= n || text[pos] != '"') return fail(errc::invalid_json, pos, "expected a member name");
    {
      const auto s = detail::scan_string(text, pos, lim.max_string_bytes);
      if (s.code != errc::ok) return fail(s.code, s.end, "bad member name");
      pos = s.end;
    }
    skip_ws();
    if (pos >= n || text[pos] != ':') return fail(errc::invalid_json, pos, "expected ':'");
    ++pos;
    skip_ws();
  }
}

}  // namespace pswire
