// pswire core: a JSON writer that appends compact JSON straight into a
// caller-owned buffer. Reuse the buffer across messages and steady-state
// encoding never allocates. The first error (buffer full, invalid UTF-8,
// NaN) sticks; check it once with finish().
#pragma once

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "errors.hpp"
#include "raw_json.hpp"

namespace pswire {

// Appends to a std::string the caller owns (capacity is kept across messages).
class string_sink {
 public:
  explicit string_sink(std::string& out) noexcept : out_(&out) {}
  bool write(const char* data, std::size_t n) {
    out_->append(data, n);
    return true;
  }
  std::size_t size() const noexcept { return out_->size(); }

 private:
  std::string* out_;
};

// Writes into a fixed buffer; reports buffer_too_small instead of growing.
class span_sink {
 public:
  span_sink(char* data, std::size_t capacity) noexcept : data_(data), capacity_(capacity) {}
  bool write(const char* data, std::size_t n) noexcept {
    if (n > capacity_ - size_) return false;
    std::memcpy(data_ + size_, data, n);
    size_ += n;
    return true;
  }
  std::size_t size() const noexcept { return size_; }
  std::string_view view() const noexcept { return {data_, size_}; }

 private:
  char* data_;
  std::size_t capacity_;
  std::size_t size_ = 0;
};

namespace detail {

// Formats a finite double the way serde_json does in the PowerSync core
// (shortest round-trip digits; plain notation for decimal exponents in
// [-5, 16), otherwise d.ddde±x), so typed values re-encode as the core wrote them.
inline std::size_t format_double(double value, char* out) noexcept {
  char sci[32];
  const auto r = std::to_chars(sci, sci + sizeof sci, value, std::chars_format::scientific);
  std::string_view text(sci, static_cast<std::size_t>(r.ptr - sci));
  char* p = out;
  if (text[0] == '-') {
    *p++ = '-';
    text.remove_prefix(1);
  }
  const std::size_t e_pos = text.find('e');
  char digits[20];
  std::size_t length = 0;
  for (std::size_t i = 0; i < e_pos; ++i) {
    if (text[i] != '.') digits[length++] = text[i];
  }
  int exponent = 0;
  std::from_chars(text.data() + e_pos + (text[e_pos + 1] == '+' ? 2 : 1), text.data() + text.size(), exponent);
  const int point = exponent + 1;  // digits[0..point) come before the decimal point
  const int n = static_cast<int>(length);
  if (point > 0 && point <= 16) {
    for (int i = 0; i < point; ++i) *p++ = i < n ? digits[i] : '0';
    *p++ = '.';
    if (n > point) {
      for (int i = point; i < n; ++i) *p++ = digits[i];
    } else {
      *p++ = '0';
    }
  } else if (point > -5 && point <= 0) {
    *p++ = '0';
    *p++ = '.';
    for (int i = point; i < 0; ++i) *p++ = '0';
    for (int i = 0; i < n; ++i) *p++ = digits[i];
  } else {
    *p++ = digits[0];
    if (n > 1) {
      *p++ = '.';
      for (int i = 1; i < n; ++i) *p++ = digits[i];
    }
    *p++ = 'e';
    *p++ = exponent < 0 ? '-' : '+';
    p = std::to_chars(p, p + 8, exponent < 0 ? -exponent : exponent).ptr;
  }
  return static_cast<std::size_t>(p - out);
}

}  // namespace detail

template <class Sink>
class basic_json_writer {
 public:
  explicit basic_json_writer(Sink sink) noexcept : sink_(std::move(sink)), start_(sink_.size()) {}

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }

  // A member name, escaped as needed.
  void key(std::string_view name) {
    if (!put_short_plain_string(name, ':')) {
      separate();
      string_body(name);
      put(':');
    }
    pending_comma_ = false;
  }
  // A member name already escaped on the wire: copied byte for byte.
  void key(raw_string name) {
    separate();
    put('"');
    put(name.escaped());
    put('"');
    put(':');
    pending_comma_ = false;
  }

  void null_value() { scalar("null"); }
  void bool_value(bool v) { scalar(v ? "true" : "false"); }
  void int_value(std::int64_t v) {
    char buf[24];
    scalar(std::string_view(buf, static_cast<std::size_t>(std::to_chars(buf, buf + sizeof buf, v).ptr - buf)));
  }
  void uint_value(std::uint64_t v) {
    char buf[24];
    scalar(std::string_view(buf, static_cast<std::size_t>(std::to_chars(buf, buf + sizeof buf, v).ptr - buf)));
  }
  // Shortest round-trip text; integral values keep a ".0" so they read back as floats.
  void double_value(double v) {
    if (!std::isfinite(v)) return fail(errc::not_representable, "NaN and infinity have no JSON form");
    char buf[40];
    scalar(std::string_view(buf, detail::format_double(v, buf)));
  }
  // A string, escaped like serde_json (and so like the PowerSync core).
  void string_value(std::string_view text) {
    if (!put_short_plain_string(text, '\0')) {
      separate();
      string_body(text);
    }
    pending_comma_ = true;
  }
  // A string already escaped on the wire: copied byte for byte.
  void string_value(raw_string text) {
    separate();
    put('"');
    put(text.escaped());
    put('"');
    pending_comma_ = true;
  }
  // A validated JSON value spliced in byte for byte.
  void raw_value(pswire::raw_value v) { scalar(v.text()); }
  void raw_value(const raw_object& v) { scalar(v.text()); }

  // Records an error for what cannot be written (the first one sticks):
  // for field codecs and other writers built on this one. The offset is the
  // number of bytes this writer had written.
  void fail(errc code, std::string_view why) {
    if (!error_) error_ = make_error(code, written(), why);
  }

  Sink& sink() noexcept { return sink_; }
  const error& status() const noexcept { return error_; }
  // The number of bytes this writer wrote (not what the sink held before it,
  // e.g. a reused std::string that was not cleared), or the first error.
  result<std::size_t> finish() const noexcept {
    if (error_) return error_;
    return written();
  }

 private:
  // A sink the caller cleared behind the writer's back (one message per
  // clear) holds only this writer's bytes: count them all, never wrap around.
  std::size_t written() const noexcept { return sink_.size() >= start_ ? sink_.size() - start_ : sink_.size(); }
  void put(char c) { put(std::string_view(&c, 1)); }
  void put(std::string_view text) {
    if (!error_ && !sink_.write(text.data(), text.size())) fail(errc::buffer_too_small, "output buffer is full");
  }
  // Commas go between the values of a container only: a writer can write
  // several top-level values (one message per line) without a reset.
  void separate() {
    if (pending_comma_ && depth_ != 0) put(',');
  }
  void open(char c) {
    const char comma_and_bracket[2] = {',', c};
    put(pending_comma_ && depth_ != 0 ? std::string_view(comma_and_bracket, 2) : std::string_view(&c, 1));
    ++depth_;
    pending_comma_ = false;
  }
  void close(char c) {
    put(c);
    --depth_;
    pending_comma_ = true;
  }
  void scalar(std::string_view text) {
    if (pending_comma_ && depth_ != 0 && text.size() < short_token) {
      char buf[short_token];
      buf[0] = ',';
      std::memcpy(buf + 1, text.data(), text.size());
      put(std::string_view(buf, text.size() + 1));
    } else {
      separate();
      put(text);
    }
    pending_comma_ = true;
  }
  // A short plain-ASCII string (most keys, ids and values) goes out in one
  // sink write with its comma, quotes and `suffix` (if not '\0'): one write
  // per token, not five, is most of the writer's speed.
  static constexpr std::size_t short_token = 64;
  bool put_short_plain_string(std::string_view text, char suffix) {
    if (text.size() > short_token) return false;
    for (char c : text) {
      if (!is_plain_ascii(c)) return false;
    }
    char buf[short_token + 4];
    std::size_t n = 0;
    if (pending_comma_ && depth_ != 0) buf[n++] = ',';
    buf[n++] = '"';
    std::memcpy(buf + n, text.data(), text.size());
    n += text.size();
    buf[n++] = '"';
    if (suffix != '\0') buf[n++] = suffix;
    put(std::string_view(buf, n));
    return true;
  }
  static constexpr bool is_plain_ascii(char c) noexcept {
    const auto u = static_cast<unsigned char>(c);
    return u >= 0x20 && u < 0x80 && c != '"' && c != '\\';
  }
  void string_body(std::string_view text) {
    // A leading run of plain ASCII needs neither the UTF-8 check nor escaping:
    // for keys, ids and most values that is the whole string.
    std::size_t ascii = 0;
    while (ascii < text.size() && is_plain_ascii(text[ascii])) ++ascii;
    if (ascii != text.size() && !simdjson::validate_utf8(text.data() + ascii, text.size() - ascii)) {
      return fail(errc::invalid_utf8, "string is not UTF-8");
    }
    static constexpr char hex[] = "0123456789abcdef";
    put('"');
    std::size_t plain_from = 0;
    for (std::size_t i = ascii; i < text.size(); ++i) {
      const auto c = static_cast<unsigned char>(text[i]);
      if (c >= 0x20 && c != '"' && c != '\\') continue;
      put(text.substr(plain_from, i - plain_from));
      plain_from = i + 1;
      switch (c) {
        case '"': put("\\\""); break;
        case '\\': put("\\\\"); break;
        case '\b': put("\\b"); break;
        case '\f': put("\\f"); break;
        case '\n': put("\\n"); break;
        case '\r': put("\\r"); break;
        case '\t': put("\\t"); break;
        default: {
          const char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
          put(std::string_view(esc, 6));
        }
      }
    }
    put(text.substr(plain_from));
    put('"');
  }

  Sink sink_;
  std::size_t start_;  // the sink's size when this writer began
  error error_{};
  bool pending_comma_ = false;
  std::size_t depth_ = 0;
};

using json_writer = basic_json_writer<string_sink>;
using span_json_writer = basic_json_writer<span_sink>;

}  // namespace pswire
