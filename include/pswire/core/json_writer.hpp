// pswire core: a JSON writer that appends compact JSON into a caller-owned
// buffer, laid out in a small stage first so that the buffer gets a few large
// writes instead of one per token. Reuse the buffer across messages and
// steady-state encoding never allocates. The first error (buffer full, invalid UTF-8,
// NaN) sticks; check it once with finish().
#pragma once

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "errors.hpp"
#include "lifetime.hpp"
#include "raw_json.hpp"

namespace pswire {

// Appends to a std::string the caller owns (capacity is kept across messages).
// The writer holds bytes back until a top-level value is complete, its stage
// is full, or flush(), finish(), status(), sink() or its destructor runs: one
// append per message instead of one per token. In between, the string lags
// behind the writer: append to it yourself only between top-level values.
class string_sink {
 public:
  static constexpr bool writer_may_hold_back = true;

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

// A member name known at compile time, e.g. w.key(json_key("status")): its
// quotes and colon are laid out once, so writing it is one fixed-size copy
// with no scan. Only plain ASCII names (no quote, backslash or control
// character) compile; write others with key(std::string_view).
template <std::size_t N>
class json_key {
 public:
  consteval explicit json_key(const char (&name)[N]) {
    text_[0] = '"';
    for (std::size_t i = 0; i + 1 < N; ++i) {
      const auto c = static_cast<unsigned char>(name[i]);
      if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') key_is_not_plain_ascii();
      text_[i + 1] = name[i];
    }
    text_[N] = '"';
    text_[N + 1] = ':';
  }
  // `"name":`
  constexpr const char* data() const noexcept { return text_; }
  static constexpr std::size_t size() noexcept { return N + 2; }

 private:
  static void key_is_not_plain_ascii() {}  // not constexpr: calling it stops compilation
  char text_[N + 2]{};
};

template <class Sink>
class basic_json_writer {
 public:
  // stage_ is left uninitialized (see there).
  explicit basic_json_writer(Sink sink) noexcept  // NOLINT(cppcoreguidelines-pro-type-member-init)
      : sink_(std::move(sink)), start_(sink_.size()) {}
  // A copy would hand the held-back bytes to the sink twice; a move is not needed.
  basic_json_writer(const basic_json_writer&) = delete;
  basic_json_writer& operator=(const basic_json_writer&) = delete;
  basic_json_writer(basic_json_writer&&) = delete;
  basic_json_writer& operator=(basic_json_writer&&) = delete;
  ~basic_json_writer() { flush(); }

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }

  // A member name, escaped as needed.
  void key(std::string_view name) {
    if (!put_short_plain_string(name, true)) {
      separate();
      string_body(name);
      put(':');
    }
    after_key();
  }
  template <std::size_t N>
  void key(const json_key<N>& name) {
    char* p = room(name.size() + 1);
    *p = ',';
    p += comma_;
    std::memcpy(p, name.data(), name.size());
    commit(p + name.size());
    after_key();
  }
  // A member name already escaped on the wire: copied byte for byte.
  void key(raw_string name) {
    separate();
    put('"');
    put(name.escaped());
    put("\":");
    after_key();
  }

  void null_value() { scalar("null"); }
  void bool_value(bool v) { scalar(v ? "true" : "false"); }
  void int_value(std::int64_t v) { integer(v); }
  void uint_value(std::uint64_t v) { integer(v); }
  // Shortest round-trip text; integral values keep a ".0" so they read back as floats.
  void double_value(double v) {
    if (!std::isfinite(v)) return fail(errc::not_representable, "NaN and infinity have no JSON form");
    constexpr std::size_t longest = 40;  // more than format_double ever writes
    char* p = room(longest + 1);
    *p = ',';
    p += comma_;
    commit(p + detail::format_double(v, p));
    after_value();
  }
  // A string, escaped like serde_json (and so like the PowerSync core).
  void string_value(std::string_view text) {
    if (!put_short_plain_string(text, false)) {
      separate();
      string_body(text);
    }
    after_value();
  }
  // A string already escaped on the wire: copied byte for byte.
  void string_value(raw_string text) {
    separate();
    put('"');
    put(text.escaped());
    put('"');
    after_value();
  }
  // A validated JSON value spliced in byte for byte.
  void string_value(const wire_string& text) {
    if (text.is_escaped()) return string_value(raw_string(text.wire_bytes()));
    string_value(text.wire_bytes());
  }
  void raw_value(pswire::raw_value v) { scalar(v.text()); }
  void raw_value(const raw_object& v) { scalar(v.text()); }

  // Records an error for what cannot be written (the first one sticks):
  // for field codecs and other writers built on this one. The offset is the
  // number of bytes this writer had written.
  void fail(errc code, std::string_view why) {
    if (failed_) return;
    const std::size_t offset = written();
    flush();  // what came before the error reaches the sink, nothing after it
    record(code, offset, why);
  }

  // Hands every byte written so far to the sink (a builder does before it
  // returns, so that a string_sink's string is current between its calls).
  void flush() {
    if (staged_ == 0) return;
    if (!failed_ && !sink_.write(stage_, staged_)) record(errc::buffer_too_small, written() - staged_, "output buffer is full");
    staged_ = 0;
  }
  // The sink, after flush().
  Sink& sink() {
    flush();
    return sink_;
  }
  // The first error, after flush(): a sink that is full says so only when it is handed the bytes.
  const error& status() {
    flush();
    return failed_ ? error_ : no_error;
  }
  // The number of bytes this writer wrote (not what the sink held before it,
  // e.g. a reused std::string that was not cleared), or the first error; after flush().
  result<std::size_t> finish() {
    flush();
    if (failed_) return error_;
    return written();
  }

 private:
  // Bytes are laid out in a stage and handed to the sink in one write: per
  // token for most sinks; for one that lets the writer hold bytes back, per
  // top-level value, full stage or flush().
  static constexpr bool holds_back = requires { requires Sink::writer_may_hold_back; };
  static constexpr std::size_t stage_capacity = 1024;
  static constexpr std::size_t short_token = 64;  // built in place, with its comma, quotes and colon
  static constexpr error no_error{};

  // A sink the caller cleared behind the writer's back (one message per
  // clear) holds only this writer's bytes: count them all, never wrap around.
  std::size_t written() const noexcept {
    const std::size_t held = sink_.size();
    return (held >= start_ ? held - start_ : held) + staged_;
  }
  void record(errc code, std::size_t offset, std::string_view why) {
    if (failed_) return;
    std::construct_at(&error_, make_error(code, offset, why));
    failed_ = true;
  }
  // Where the next n (<= stage_capacity) bytes go.
  char* room(std::size_t n) {
    if (stage_capacity - staged_ < n) flush();
    return stage_ + staged_;
  }
  void commit(const char* end) noexcept { staged_ = static_cast<std::size_t>(end - stage_); }
  void put(char c) {
    *room(1) = c;
    ++staged_;
  }
  void put(std::string_view text) {
    if (text.size() > stage_capacity - staged_) {
      flush();
      if (text.size() >= stage_capacity) {
        if (!failed_ && !sink_.write(text.data(), text.size())) record(errc::buffer_too_small, written(), "output buffer is full");
        return;
      }
    }
    std::memcpy(stage_ + staged_, text.data(), text.size());
    staged_ += text.size();
  }
  void token_done() {
    if (!holds_back || depth_ == 0) flush();
  }
  // Commas go between the values of a container only: a writer can write
  // several top-level values (one message per line) without a reset.
  void after_value() {
    comma_ = depth_ != 0;
    token_done();
  }
  void after_key() {
    comma_ = false;
    token_done();
  }
  void separate() {
    if (comma_) put(',');
  }
  void open(char c) {
    char* p = room(2);
    *p = ',';
    p += comma_;
    *p++ = c;
    commit(p);
    ++depth_;
    after_key();
  }
  void close(char c) {
    put(c);
    --depth_;
    after_value();
  }
  void scalar(std::string_view text) {
    if (text.size() <= short_token) {
      char* p = room(short_token + 1);
      *p = ',';
      p += comma_;
      std::memcpy(p, text.data(), text.size());
      commit(p + text.size());
    } else {
      separate();
      put(text);
    }
    after_value();
  }
  template <class Integer>
  void integer(Integer v) {
    constexpr std::size_t longest = 20;  // INT64_MIN, UINT64_MAX
    char* p = room(longest + 1);
    *p = ',';
    p += comma_;
    commit(std::to_chars(p, p + longest, v).ptr);
    after_value();
  }
  // A short plain-ASCII string (most keys, ids and values) is checked and
  // copied eight bytes at a time straight into the stage, with its comma,
  // quotes and (for a key) colon.
  bool put_short_plain_string(std::string_view text, bool colon) {
    const std::size_t n = text.size();
    if (n > short_token) return false;
    char* p = room(short_token + 4);
    *p = ',';
    p += comma_;
    *p++ = '"';
    if (n >= 8) {
      // The last block may overlap the one before it: no byte loop for the tail.
      for (std::size_t i = 0;; i += 8) {
        const std::size_t at = i + 8 <= n ? i : n - 8;
        if (!plain_ascii8(text, at)) return false;
        std::memcpy(p + at, text.data() + at, 8);
        if (at + 8 == n) break;
      }
    } else {
      for (std::size_t i = 0; i < n; ++i) {
        if (!is_plain_ascii(text[i])) return false;
        p[i] = text[i];
      }
    }
    p += n;
    *p++ = '"';
    *p = ':';
    commit(p + colon);
    return true;
  }
  static bool plain_ascii8(std::string_view text, std::size_t pos) noexcept {
    std::uint64_t word = 0;
    std::memcpy(&word, text.data() + pos, sizeof word);
    return (word & 0x8080808080808080u) == 0 && detail::plain_string_bytes8(text, pos);
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
  std::size_t staged_ = 0;
  // Kept apart from staged_: g++ 12 updates the two with one vector add on
  // close, whose load then waits on the store to staged_ just before it.
  bool comma_ = false;  // a comma goes before the next key or value
  bool failed_ = false;
  std::size_t depth_ = 0;
  union {
    error error_;  // the first error, built only when there is one
  };
  // Only the staged_ bytes are ever read: zeroing it all would cost more than writing a small message.
  char stage_[stage_capacity];
};

using json_writer = basic_json_writer<string_sink>;
using span_json_writer = basic_json_writer<span_sink>;

namespace detail {
// A member written only when it has a value, into either writer (json_writer, bson_writer).
template <class Writer, class Key>
void write_optional_string(Writer& w, const Key& key, const std::optional<borrowed_text>& v) {
  if (v) {
    w.key(key);
    w.string_value(*v);
  }
}
}  // namespace detail

}  // namespace pswire
