// Shared properties of every pswire fuzz target. Each target decodes the
// input as one message kind and, when it is accepted, checks that:
//   1. the input is valid JSON by an independent reference: the recursive
//      RFC 8259 grammar below (written apart from pswire's own validator;
//      simdjson's DOM parser refuses big integers and nlohmann/json refuses
//      1e400, both valid JSON that pswire passes through);
//   2. the re-encoding is valid JSON by the same reference;
//   3. decode(encode(x)) re-encodes to the same bytes (a fixed point);
//   4. under the tightest limits the input meets (measured by the same
//      grammar), the input is still accepted and decodes to the same message,
//      and its canonical re-encoding is accepted too and decodes back to it:
//      a canonical form never needs more than its input did.
//   5. every refused input gets the same error code from the fast pass and
//      from the diagnostic pass (json_reader.hpp, PSWIRE_VERIFY_DIAGNOSIS);
//   6. every raw view the decoder hands out (rows, old values, details,
//      subscriptions, unknown lines) is exactly one JSON value, and iterating
//      it, down to the innermost container, gives back every member and
//      element it holds and nothing else; find() returns the first member of
//      each name (check_raw_views; targets call it on what they decoded).
// A violated property aborts, which libFuzzer and the replay runner report.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <algorithm>

#include <pswire/core/errors.hpp>
#include <pswire/core/json_writer.hpp>
#include <pswire/core/limits.hpp>
#include <pswire/core/raw_json.hpp>
#include <pswire/batch.hpp>
#include <pswire/crud.hpp>
#include <pswire/results.hpp>
#include <pswire/sync_lines.hpp>
#include <pswire/testing/simdjson_kernel.hpp>
#include <simdjson.h>

// The structure-aware build of a target: PSWIRE_STRUCTURE_AWARE_FUZZER(kinds...)
// in its file then defines libFuzzer's custom mutator and cross-over.
#ifdef PSWIRE_FUZZ_STRUCTURED
#include <pswire/message_kinds.hpp>
#include <pswire/testing/mutate.hpp>
#endif

namespace fuzz_support {

[[noreturn]] inline void property_failed(const char* what, std::string_view detail) {
  std::fprintf(stderr, "property violated: %s\n%.*s\n", what, static_cast<int>(detail.size()), detail.data());
  std::abort();
}

}  // namespace fuzz_support

// libFuzzer calls this before the first input, replay_main.cpp too: the run
// names its simdjson kernel and refuses another than forced (simdjson_kernel.hpp).
// Defined here, in the one fuzz TU of each binary.
extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  if (const int code = pswire::testing::check_simdjson_kernel(); code != 0) std::exit(code);
  return 0;
}

// Property 5. Defined here, in the one fuzz TU of each binary.
void pswire_verify_diagnosis(std::string_view message, pswire::errc fast, pswire::errc diagnosed) {
  if (fast != diagnosed) {
    std::fprintf(stderr, "fast pass: %s, diagnosis: %s\n", pswire::to_string(fast).data(), pswire::to_string(diagnosed).data());
    fuzz_support::property_failed("the fast pass and the diagnosis disagree", message);
  }
}

namespace fuzz_support {

// What a document needs of each pswire::limits field, counted as the limits
// count: nesting from the root, elements of one container, bytes of one
// string between its quotes (escapes included), characters of one number.
struct document_needs {
  std::size_t depth = 0, elements = 0, string_bytes = 0, number_chars = 0;
};

// A deliberately plain recursive-descent reading of RFC 8259 (inputs are
// bounded by -max_len, so recursion depth is too).
class reference_grammar {
 public:
  explicit reference_grammar(std::string_view text) : s_(text) {}
  const document_needs& needs() const { return needs_; }
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
    const std::size_t start = i_;
    if (!number_token()) return false;
    needs_.number_chars = std::max(needs_.number_chars, i_ - start);
    return true;
  }
  bool number_token() {
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
  void append_utf8(unsigned cp) {
    if (cp < 0x80) {
      text_ += static_cast<char>(cp);
    } else if (cp < 0x800) {
      text_ += static_cast<char>(0xC0 | cp >> 6);
      text_ += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      text_ += static_cast<char>(0xE0 | cp >> 12);
      text_ += static_cast<char>(0x80 | (cp >> 6 & 0x3F));
      text_ += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      text_ += static_cast<char>(0xF0 | cp >> 18);
      text_ += static_cast<char>(0x80 | (cp >> 12 & 0x3F));
      text_ += static_cast<char>(0x80 | (cp >> 6 & 0x3F));
      text_ += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  // A string value that holds a JSON document (a ps_crud row's `data`) is
  // decoded with the same limits, so its needs count too.
  void note_nested_document() {
    const std::string text = std::move(text_);
    reference_grammar nested(text);
    if (!nested.document()) return;
    needs_.depth = std::max(needs_.depth, nested.needs_.depth);
    needs_.elements = std::max(needs_.elements, nested.needs_.elements);
    needs_.string_bytes = std::max(needs_.string_bytes, nested.needs_.string_bytes);
    needs_.number_chars = std::max(needs_.number_chars, nested.needs_.number_chars);
  }
  bool string(bool is_value) {
    const std::size_t start = i_;
    if (!eat('"')) return false;
    text_.clear();
    while (more()) {
      const char c = s_[i_];
      if (c == '"') {
        needs_.string_bytes = std::max(needs_.string_bytes, i_ - start - 1);
        ++i_;
        if (is_value) note_nested_document();
        return true;
      }
      if (static_cast<unsigned char>(c) < 0x20) return false;
      if (c != '\\') {
        text_ += c;
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
          u = 0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00);
        }
        append_utf8(u);
        continue;
      }
      const std::size_t escape = std::string_view("\"\\/bfnrt").find(e);
      if (escape == std::string_view::npos || e == '\0') return false;
      text_ += "\"\\/\b\f\n\r\t"[escape];
      i_ += 2;
    }
    return false;
  }
  bool value() {
    ws();
    switch (peek()) {
      case '{': {
        ++i_;
        const depth_scope nested(*this);
        ws();
        if (eat('}')) return true;
        std::size_t members = 0;
        do {
          ws();
          if (!string(false)) return false;
          ws();
          if (!eat(':') || !value()) return false;
          ws();
          needs_.elements = std::max(needs_.elements, ++members);
        } while (eat(','));
        return eat('}');
      }
      case '[': {
        ++i_;
        const depth_scope nested(*this);
        ws();
        if (eat(']')) return true;
        std::size_t elements = 0;
        do {
          if (!value()) return false;
          ws();
          needs_.elements = std::max(needs_.elements, ++elements);
        } while (eat(','));
        return eat(']');
      }
      case '"': return string(true);
      case 't': return literal("true");
      case 'f': return literal("false");
      case 'n': return literal("null");
      default: return number();
    }
  }

  struct depth_scope {
    explicit depth_scope(reference_grammar& g) : grammar(g) {
      grammar.needs_.depth = std::max(grammar.needs_.depth, ++grammar.depth_);
    }
    ~depth_scope() { --grammar.depth_; }
    depth_scope(const depth_scope&) = delete;
    depth_scope& operator=(const depth_scope&) = delete;
    reference_grammar& grammar;
  };

  std::string_view s_;
  std::size_t i_ = 0;
  std::size_t depth_ = 0;
  std::string text_;  // the string being read, unescaped
  document_needs needs_;
};

inline bool reference_accepts(std::string_view json) { return reference_grammar(json).document(); }

// The tightest limits `json` (valid JSON) meets, as far as a canonical form
// can be held to them. Structure and strings: exactly what the input needs
// (a canonical form drops members, whitespace and escapes; it never adds
// any). Numbers are respelled: integer-valued numbers are written as plain
// integers (1e9 becomes 1000000000) and checksums in one range, so their
// length bound is at least the longest int64, 20 characters; a decimal id
// in a string counts against max_number_chars too. For the same reason the
// message size keeps its default: respelled numbers can make the canonical
// form longer than its input (docs/checkpoints.md, "Canonical form").
inline constexpr std::size_t longest_int64_chars = 20;  // -9223372036854775808

inline pswire::limits tightest_limits(std::string_view json) {
  reference_grammar grammar(json);
  if (!grammar.document()) property_failed("measuring a document that is not JSON", json);
  const document_needs& needs = grammar.needs();
  pswire::limits lim;
  lim.max_depth = needs.depth;
  lim.max_elements = needs.elements;
  lim.max_string_bytes = needs.string_bytes;
  lim.max_number_chars = std::max({needs.number_chars, needs.string_bytes, longest_int64_chars});
  return lim;
}

// `encode(decoder, input, out)` decodes `input` with `decoder` and writes
// its canonical form into `out`; it returns false when the input is
// rejected. `decoder` has the default limits; property 4 makes a Decoder
// with the input's tightest limits.
template <class Decoder, class Encode>
void check_round_trip(std::string_view input, Decoder& decoder, Encode&& encode) {
  std::string first;
  if (!encode(decoder, input, first)) return;
  if (!reference_accepts(input)) property_failed("accepted input is not valid JSON", input);
  if (!reference_accepts(first)) property_failed("encoder output is not valid JSON", first);
  std::string second;
  if (!encode(decoder, first, second)) property_failed("re-encoded message does not decode", first);
  if (first != second) property_failed("encode(decode(encode(x))) differs from encode(x)", first + "\n" + second);
  Decoder tight(tightest_limits(input));
  std::string within;
  if (!encode(tight, input, within)) property_failed("input refused under the limits it meets", input);
  if (within != first) property_failed("the limits changed the decoded message", first + "\n" + within);
  std::string canonical_within;
  if (!encode(tight, first, canonical_within)) {
    property_failed("canonical output refused under the limits its input met", std::string(input) + "\n" + first);
  }
  if (canonical_within != first) property_failed("canonical output decodes differently under the limits", first + "\n" + canonical_within);
}

// check_round_trip for a decoder call and a writer call: `decode(decoder,
// text)` returns a pswire::result, `write(writer, value)` encodes it.
template <class Decoder, class Decode, class Write>
void check_codec(std::string_view input, Decoder& decoder, Decode&& decode, Write&& write) {
  check_round_trip(input, decoder, [&](Decoder& d, std::string_view in, std::string& out) {
    auto message = decode(d, in);
    if (!message) return false;
    pswire::json_writer w{pswire::string_sink(out)};
    write(w, *message);
    return w.finish().has_value();
  });
}

// Property 6. `json` (valid JSON) without the whitespace between its tokens.
inline std::string without_whitespace(std::string_view json) {
  std::string out;
  bool in_string = false;
  for (std::size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (in_string) {
      out += c;
      if (c == '\\') {
        out += json[++i];
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
      out += c;
    } else if (!pswire::detail::is_json_whitespace(c)) {
      out += c;
    }
  }
  return out;
}

// The value as its iterators see it: containers rebuilt from their members
// or elements, recursively, scalars as viewed. Also checks find() on the way.
inline std::string rebuilt_by_iteration(const pswire::raw_value& value) {
  switch (value.kind()) {
    case pswire::json_kind::object: {
      const pswire::raw_object object = *value.get_object();
      std::string out = "{";
      std::vector<std::string> names;
      for (const pswire::raw_member& member : object) {
        std::string name = member.key.unescaped();
        if (std::find(names.begin(), names.end(), name) == names.end()) {
          const std::optional<pswire::raw_value> found = object.find(name);
          if (!found || found->text().data() != member.value.text().data()) {
            property_failed("find() misses the first member of its name", object.text());
          }
          names.push_back(std::move(name));
        }
        if (out.size() > 1) out += ',';
        out += '"';
        out += member.key.escaped();
        out += "\":";
        out += rebuilt_by_iteration(member.value);
      }
      return out + "}";
    }
    case pswire::json_kind::array: {
      // A copy: a range-for over *value.get_array() would iterate inside the
      // destroyed temporary result (found by the -O2 replays).
      const pswire::raw_array array = *value.get_array();
      std::string out = "[";
      for (const pswire::raw_value& element : array) {
        if (out.size() > 1) out += ',';
        out += rebuilt_by_iteration(element);
      }
      return out + "]";
    }
    default: return std::string(value.text());
  }
}

inline void check_raw_view(const pswire::raw_value& value) {
  if (value.empty()) return;  // absent
  const std::string_view text = value.text();
  if (pswire::detail::is_json_whitespace(text.front()) || pswire::detail::is_json_whitespace(text.back()) || !reference_accepts(text)) {
    property_failed("a raw view is not exactly one JSON value", text);
  }
  if (rebuilt_by_iteration(value) != without_whitespace(text)) {
    property_failed("iterating a raw view does not give back what it holds", text);
  }
}
inline void check_raw_view(const pswire::raw_object& object) { check_raw_view(pswire::raw_value(object.text())); }

inline void check_raw_views(const pswire::crud_entry<pswire::raw_object>& entry) {
  std::visit([](const auto& op) { check_raw_view(op.data); }, entry.op);
  check_raw_view(entry.old);
}
inline void check_raw_views(const pswire::crud_transaction& transaction) {
  for (const auto& entry : transaction.crud) check_raw_views(entry);
}
inline void check_raw_views(const pswire::transaction_batch& batch) {
  for (const auto& transaction : batch.transactions) check_raw_views(transaction);
}
inline void check_raw_views(const pswire::transaction_result& result) {
  if (const auto* fatal = std::get_if<pswire::fatal_error>(&result)) check_raw_view(fatal->failed.details);
  if (const auto* unknown = std::get_if<pswire::unknown_status>(&result)) check_raw_view(unknown->body);
}
inline void check_raw_views(const pswire::sync_line& line) {
  const auto buckets = [](std::span<const pswire::bucket_checksum> checksums) {
    for (const auto& bucket : checksums) check_raw_view(bucket.subscriptions);
  };
  if (const auto* checkpoint = std::get_if<pswire::checkpoint_line>(&line)) {
    buckets(checkpoint->buckets);
    check_raw_view(checkpoint->streams);
  } else if (const auto* diff = std::get_if<pswire::checkpoint_diff_line>(&line)) {
    buckets(diff->updated_buckets);
  } else if (const auto* data = std::get_if<pswire::data_line>(&line)) {
    for (const auto& entry : data->data) check_raw_view(entry.legacy_data);
  } else if (const auto* unknown = std::get_if<pswire::unknown_line>(&line)) {
    check_raw_view(unknown->value);
  }
}

// A decode's result, passed on after property 6 checked what it views.
template <class Decoded>
Decoded checked_views(Decoded decoded) {
  if (decoded) check_raw_views(*decoded);
  return decoded;
}

}  // namespace fuzz_support
