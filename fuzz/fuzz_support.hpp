// Shared properties of every pswire fuzz target. Each target decodes the
// input as one message kind and, when it is accepted, checks that:
//   1. the input is valid JSON by an independent reference: the recursive
//      RFC 8259 grammar below (written apart from pswire's own validator;
//      simdjson's DOM parser refuses big integers and nlohmann/json refuses
//      1e400, both valid JSON that pswire passes through);
//   2. the re-encoding is valid JSON by the same reference;
//   3. decode(encode(x)) re-encodes to the same bytes (a fixed point).
// A violated property aborts, which libFuzzer and the replay runner report.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <pswire/core/json_writer.hpp>
#include <simdjson.h>

namespace fuzz_support {

[[noreturn]] inline void property_failed(const char* what, std::string_view detail) {
  std::fprintf(stderr, "property violated: %s\n%.*s\n", what, static_cast<int>(detail.size()), detail.data());
  std::abort();
}

// A deliberately plain recursive-descent reading of RFC 8259 (inputs are
// bounded by -max_len, so recursion depth is too).
class reference_grammar {
 public:
  explicit reference_grammar(std::string_view text) : s_(text) {}
  bool document() {
    if (!simdjson::validate_utf8(s_.data(), s_.size())) return false;
    ws();
    if (!value()) return false;
    ws();
    return i_ == s_.size();
  }

 private:
  bool more() const { return i_ < s_.size(); }
  char peek() const { return more() ? s_[i_] : '\0'; }
  bool eat(char c) {
    if (peek() != c || !more()) return false;
    ++i_;
    return true;
  }
  void ws() {
    while (more() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
  }
  bool literal(std::string_view word) {
    if (s_.substr(i_, word.size()) != word) return false;
    i_ += word.size();
    return true;
  }
  bool digits() {
    const std::size_t start = i_;
    while (more() && s_[i_] >= '0' && s_[i_] <= '9') ++i_;
    return i_ > start;
  }
  bool number() {
    eat('-');
    if (eat('0')) {
    } else if (!digits()) {
      return false;
    }
    if (eat('.') && !digits()) return false;
    if (peek() == 'e' || peek() == 'E') {
      ++i_;
      if (!eat('+')) eat('-');
      if (!digits()) return false;
    }
    return true;
  }
  static bool hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
  bool unit(unsigned& u) {
    if (!eat('\\') || !eat('u') || i_ + 4 > s_.size()) return false;
    u = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = s_[i_++];
      if (!hex(c)) return false;
      u = u * 16 + unsigned(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
    }
    return true;
  }
  bool string() {
    if (!eat('"')) return false;
    while (more()) {
      const char c = s_[i_];
      if (c == '"') return ++i_, true;
      if (static_cast<unsigned char>(c) < 0x20) return false;
      if (c != '\\') {
        ++i_;
        continue;
      }
      const char e = i_ + 1 < s_.size() ? s_[i_ + 1] : '\0';
      if (e == 'u') {
        unsigned u = 0;
        if (!unit(u)) return false;
        if (u >= 0xDC00 && u <= 0xDFFF) return false;
        if (u >= 0xD800 && u <= 0xDBFF) {
          unsigned low = 0;
          if (!unit(low) || low < 0xDC00 || low > 0xDFFF) return false;
        }
        continue;
      }
      if (std::string_view("\"\\/bfnrt").find(e) == std::string_view::npos || e == '\0') return false;
      i_ += 2;
    }
    return false;
  }
  bool value() {
    ws();
    switch (peek()) {
      case '{': {
        ++i_;
        ws();
        if (eat('}')) return true;
        do {
          ws();
          if (!string()) return false;
          ws();
          if (!eat(':') || !value()) return false;
          ws();
        } while (eat(','));
        return eat('}');
      }
      case '[': {
        ++i_;
        ws();
        if (eat(']')) return true;
        do {
          if (!value()) return false;
          ws();
        } while (eat(','));
        return eat(']');
      }
      case '"': return string();
      case 't': return literal("true");
      case 'f': return literal("false");
      case 'n': return literal("null");
      default: return number();
    }
  }

  std::string_view s_;
  std::size_t i_ = 0;
};

inline bool reference_accepts(std::string_view json) { return reference_grammar(json).document(); }

// `encode(input, out)` decodes `input` and writes its canonical form into
// `out`; it returns false when the input is rejected.
template <class Encode>
void check_round_trip(std::string_view input, Encode&& encode) {
  std::string first;
  if (!encode(input, first)) return;
  if (!reference_accepts(input)) property_failed("accepted input is not valid JSON", input);
  if (!reference_accepts(first)) property_failed("encoder output is not valid JSON", first);
  std::string second;
  if (!encode(first, second)) property_failed("re-encoded message does not decode", first);
  if (first != second) property_failed("encode(decode(encode(x))) differs from encode(x)", first + "\n" + second);
}

// check_round_trip for a decoder call and a writer call: `decode(text)`
// returns a pswire::result, `write(writer, value)` encodes it.
template <class Decode, class Write>
void check_codec(std::string_view input, Decode&& decode, Write&& write) {
  check_round_trip(input, [&](std::string_view in, std::string& out) {
    auto message = decode(in);
    if (!message) return false;
    pswire::json_writer w{pswire::string_sink(out)};
    write(w, *message);
    return w.finish().has_value();
  });
}

}  // namespace fuzz_support
