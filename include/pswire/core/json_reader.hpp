// pswire core: the strict reader every message decoder is built on.
// simdjson On-Demand walks the protocol envelope; whatever On-Demand would
// skip (unknown members) or hand out raw (row data, details) goes through
// validate_json_value, so a message is accepted only if it is valid JSON
// from its first byte to its last. When anything fails, the whole message
// is validated once more to report the first syntax error exactly; a
// message that is not JSON is reported as such, before any protocol error.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "errors.hpp"
#include "json_validate.hpp"
#include "limits.hpp"
#include "raw_json.hpp"

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

constexpr std::string_view trim_trailing_whitespace(std::string_view text) noexcept {
  while (!text.empty() && is_json_whitespace(text.back())) text.remove_suffix(1);
  return text;
}

}  // namespace detail

// The decoding state shared by every message decoder: the simdjson parser,
// a padded copy of the input when the caller's buffer has no padding, and
// the JSON path of the value being read. Reuse one reader for many messages
// and decoding allocates nothing once its buffers have grown.
//
// Views handed out by decoders point into the caller's input (raw JSON) or
// into this reader (unescaped strings): they stay valid until the next
// message is read with this reader, and while the input buffer lives.
class json_reader {
 public:
  explicit json_reader(const limits& lim = {}) : limits_(lim) {}

  const limits& limits_in_use() const noexcept { return limits_; }
  void set_limits(const limits& lim) noexcept { limits_ = lim; }

  // Starts a message. `capacity` is how many bytes from input.data() may be
  // read; pass input.size() + SIMDJSON_PADDING or more to parse in place.
  result<void> start(std::string_view input, std::size_t capacity = 0) {
    input_ = input;
    path_depth_ = 0;
    if (input.size() > limits_.max_message_bytes) {
      return make_error(errc::message_too_large, limits_.max_message_bytes, "message larger than limits.max_message_bytes");
    }
    if (detail::skip_whitespace(input, 0) == input.size()) return make_error(errc::empty_input, 0, "no JSON value");
    const char* buffer = input.data();
    if (capacity < input.size() + simdjson::SIMDJSON_PADDING) {
      padded_.assign(input.data(), input.size());
      padded_.resize(input.size() + simdjson::SIMDJSON_PADDING, '\0');
      buffer = padded_.data();
    }
    base_ = buffer;
    auto doc = parser_.iterate(buffer, input.size(), input.size() + simdjson::SIMDJSON_PADDING);
    if (auto e = std::move(doc).get(document_)) return fail(e, 0);
    return {};
  }

  ondemand::document& document() noexcept { return document_; }

  // Call after the root value has been read: anything but whitespace left is an error.
  result<void> finish() {
    const char* where = nullptr;
    if (auto e = document_.current_location().get(where)) {
      if (e == simdjson::OUT_OF_BOUNDS) return {};
      return fail(e, input_.size());
    }
    return fail(errc::trailing_content, offset_of(where), "content after the message");
  }

  // ---- the JSON path, for error reports
  void push_key(std::string_view key) noexcept { push({key, 0, true}); }
  void push_index(std::size_t index) noexcept { push({{}, index, false}); }
  void pop() noexcept {
    if (path_depth_ != 0) --path_depth_;
  }
  std::size_t depth() const noexcept { return path_depth_; }

  // ---- failures. Each first re-validates the message, so that a syntax
  // error anywhere wins over a protocol error, at its exact offset.
  error fail(errc code, std::size_t offset, std::string_view detail) const {
    if (error syntax = syntax_error()) return syntax;
    error e = make_error(code, offset, detail);
    e.path = current_path();
    return e;
  }
  error fail(simdjson::error_code code, std::size_t offset) const {
    return fail(map_simdjson_error(code), offset, simdjson::error_message(code));
  }

  // Offset of a pointer into the parsed message or into the caller's input
  // (raw views point there, see in_input).
  std::size_t offset_of(const char* p) const noexcept {
    const std::less_equal<> not_after;
    if (not_after(base_, p) && not_after(p, base_ + input_.size())) return static_cast<std::size_t>(p - base_);
    detail::check_view_within({p, 0}, input_);  // NOLINT(bugprone-string-constructor): only the position matters
    const bool in_input = not_after(input_.data(), p) && not_after(p, input_.data() + input_.size());
    return in_input ? static_cast<std::size_t>(p - input_.data()) : input_.size();
  }
  std::size_t offset_of(ondemand::value& v) noexcept {
    const char* where = nullptr;
    return v.current_location().get(where) ? input_.size() : offset_of(where);
  }
  // A span of the parsed buffer, as the same bytes of the caller's input.
  std::string_view in_input(std::string_view parsed) const noexcept {
    detail::check_view_within(parsed, parsed_message());
    return input_.substr(offset_of(parsed.data()), parsed.size());
  }

  // ---- typed reads of one value; `v` is consumed.
  result<std::string_view> read_string(ondemand::value& v) {
    const std::size_t at = offset_of(v);
    std::string_view s;
    if (auto e = v.get_string().get(s)) return fail(e, at);
    // Unescaped, a string is never longer than its token in the message.
    detail::check_view_within({base_ + at, s.size()}, parsed_message());
    if (s.size() > limits_.max_string_bytes) return fail(errc::string_too_long, at, "string longer than limits.max_string_bytes");
    return s;
  }

  // An integer: any number whose value is an integer in the int64 range
  // (1.0 and 1e2 too, see raw_value::get_int64); a fraction is wrong_type.
  result<std::int64_t> read_int64(ondemand::value& v) {
    const std::size_t at = offset_of(v);
    std::int64_t i = 0;
    auto e = v.get_int64().get(i);
    if (!e) return i;
    if (e != simdjson::INCORRECT_TYPE && e != simdjson::NUMBER_OUT_OF_RANGE) return fail(e, at);
    // Not a plain int64 for simdjson: decide exactly on the token's text.
    const std::string_view token = detail::trim_trailing_whitespace(v.raw_json_token());
    const raw_value number(token);
    if (number.kind() != json_kind::number) return fail(errc::wrong_type, at, "expected an integer");
    const auto scanned = detail::scan_number(token, 0, limits_.max_number_chars);
    if (scanned.code == errc::number_too_long) return fail(errc::number_too_long, at, "number longer than limits.max_number_chars");
    if (scanned.code != errc::ok || scanned.end != token.size()) return fail(errc::invalid_number, at, "not a JSON number");
    auto exact = number.get_int64();
    if (!exact) return fail(exact.code(), at, exact.error_info().detail);
    return *exact;
  }

  // The JSON type of the value, without consuming it.
  result<ondemand::json_type> type_of(ondemand::value& v) {
    ondemand::json_type type{};
    if (auto e = v.type().get(type)) return fail(e, offset_of(v));
    return type;
  }

  // Is the value null? Consumes it if so.
  result<bool> read_null(ondemand::value& v) {
    const std::size_t at = offset_of(v);
    ondemand::json_type type{};
    if (auto e = v.type().get(type)) return fail(e, at);
    if (type != ondemand::json_type::null) return false;
    bool is_null = false;
    if (auto e = v.is_null().get(is_null); e || !is_null) return fail(errc::invalid_json, at, "expected null");
    return true;
  }

  // Any value, validated and returned as a view of the caller's input.
  result<raw_value> read_raw(ondemand::value& v) {
    const std::size_t at = offset_of(v);
    ondemand::json_type type{};
    if (auto e = v.type().get(type)) return fail(e, at);
    std::string_view text;
    if (type == ondemand::json_type::object) {
      ondemand::object o;
      if (auto e = v.get_object().get(o)) return fail(e, at);
      if (auto e = o.raw_json().get(text)) return fail(e, at);
    } else if (type == ondemand::json_type::array) {
      ondemand::array a;
      if (auto e = v.get_array().get(a)) return fail(e, at);
      if (auto e = a.raw_json().get(text)) return fail(e, at);
    } else {
      text = detail::trim_trailing_whitespace(v.raw_json_token());
      // An unconsumed string is skipped later by simdjson, which takes a
      // string followed by ':' for a key and so would let `"a":1` pass as a
      // value. Consuming it here makes the next token face the real check.
      if (type == ondemand::json_type::string) {
        ondemand::raw_json_string consumed;
        if (auto e = v.get_raw_json_string().get(consumed)) return fail(e, at);
      }
    }
    if (error e = validate_json_value(text, limits_, path_depth_)) {
      e.offset += offset_of(text.data());
      e.path = current_path();
      return e;
    }
    return raw_value(in_input(text));
  }

  // A value nobody reads (an unknown member): accepted, but it must be valid JSON.
  result<void> skip(ondemand::value& v) {
    auto raw = read_raw(v);
    return raw ? result<void>{} : result<void>{raw.error_info()};
  }

  // missing_field for member `key` of the object that starts at `object_offset`.
  error fail_missing(std::string_view key, std::size_t object_offset) {
    push_key(key);
    error e = fail(errc::missing_field, object_offset, "required member is absent");
    pop();
    return e;
  }

  result<raw_object> read_raw_object(ondemand::value& v) {
    const std::size_t at = offset_of(v);
    ondemand::json_type type{};
    if (auto e = v.type().get(type)) return fail(e, at);
    if (type != ondemand::json_type::object) return fail(errc::wrong_type, at, "expected an object");
    auto raw = read_raw(v);
    if (!raw) return raw.error_info();
    return raw_object(raw->text());
  }

  // Iterates an object's members; `on_member(key, value, key_offset)`
  // returns result<void>. Member names are unescaped, so "n\u0061me" is "name".
  template <class OnMember>
  result<void> for_each_member(ondemand::value& v, OnMember&& on_member) {
    const std::size_t at = offset_of(v);
    ondemand::object object;
    if (auto e = v.get_object().get(object)) {
      return fail(e == simdjson::INCORRECT_TYPE ? errc::wrong_type : map_simdjson_error(e), at, "expected an object");
    }
    std::size_t count = 0;
    for (auto member_result : object) {
      ondemand::field member;
      if (auto e = std::move(member_result).get(member)) return fail(e, at);
      const std::size_t key_offset = offset_of(member.key().raw()) - 1;
      if (++count > limits_.max_elements) return fail(errc::too_many_elements, key_offset, "more members than limits.max_elements");
      std::string_view key;
      if (auto e = member.unescaped_key().get(key)) return fail(e, key_offset);
      detail::check_view_within({base_ + key_offset, key.size()}, parsed_message());
      ondemand::value value = member.value();
      push_key(key);
      auto r = on_member(key, value, key_offset);
      pop();
      if (!r) return r;
    }
    return {};
  }

  // Iterates an array; `on_element(value, index)` returns result<void>.
  template <class OnElement>
  result<void> for_each_element(ondemand::value& v, OnElement&& on_element) {
    const std::size_t at = offset_of(v);
    ondemand::array array;
    if (auto e = v.get_array().get(array)) {
      return fail(e == simdjson::INCORRECT_TYPE ? errc::wrong_type : map_simdjson_error(e), at, "expected an array");
    }
    std::size_t index = 0;
    for (auto element_result : array) {
      ondemand::value element;
      // NOLINTNEXTLINE(performance-move-const-arg): simdjson's get() is &&-qualified
      if (auto e = std::move(element_result).get(element)) return fail(e, at);
      if (index >= limits_.max_elements) {
        return fail(errc::too_many_elements, offset_of(element), "more elements than limits.max_elements");
      }
      push_index(index);
      auto r = on_element(element, index);
      pop();
      if (!r) return r;
      ++index;
    }
    return {};
  }

  // Reads the document root as a value, for the decoders' uniform entry.
  result<ondemand::value> root_value() {
    ondemand::value v;
    if (auto e = document_.get_value().get(v)) {
      // Every pswire message is an object or an array: a scalar root is the wrong type.
      if (e == simdjson::SCALAR_DOCUMENT_AS_VALUE) return fail(errc::wrong_type, 0, "expected an object");
      return fail(e, 0);
    }
    return v;
  }

  static errc map_simdjson_error(simdjson::error_code code) noexcept {
    switch (code) {
      case simdjson::SUCCESS: return errc::ok;
      case simdjson::UTF8_ERROR: return errc::invalid_utf8;
      case simdjson::UNESCAPED_CHARS:
      case simdjson::UNCLOSED_STRING:
      case simdjson::STRING_ERROR: return errc::invalid_string;
      case simdjson::NUMBER_ERROR: return errc::invalid_number;
      case simdjson::NUMBER_OUT_OF_RANGE: return errc::number_out_of_range;
      case simdjson::INCORRECT_TYPE: return errc::wrong_type;
      case simdjson::DEPTH_ERROR: return errc::depth_exceeded;
      case simdjson::EMPTY: return errc::empty_input;
      case simdjson::CAPACITY: return errc::message_too_large;
      case simdjson::TAPE_ERROR:
      case simdjson::INCOMPLETE_ARRAY_OR_OBJECT:
      case simdjson::T_ATOM_ERROR:
      case simdjson::F_ATOM_ERROR:
      case simdjson::N_ATOM_ERROR: return errc::invalid_json;
      default: return errc::internal_error;
    }
  }

 private:
  struct segment {
    std::string_view key;
    std::size_t index;
    bool is_key;
  };
  static constexpr std::size_t max_path_segments = 16;

  void push(segment s) noexcept {
    if (path_depth_ < max_path_segments) path_[path_depth_] = s;
    ++path_depth_;
  }
  error_path current_path() const noexcept {
    error_path p;
    const std::size_t n = path_depth_ < max_path_segments ? path_depth_ : max_path_segments;
    for (std::size_t i = 0; i < n; ++i) {
      if (path_[i].is_key) p.append_key(path_[i].key);
      else p.append_index(path_[i].index);
    }
    return p;
  }
  // The message as simdjson parses it: the caller's buffer or the padded copy.
  std::string_view parsed_message() const noexcept { return {base_, input_.size()}; }
  // The first syntax error of the whole message, if any.
  error syntax_error() const noexcept {
    const std::size_t bad = detail::first_invalid_utf8(input_);
    if (bad != input_.size()) return make_error(errc::invalid_utf8, bad, "not UTF-8");
    error e = validate_json_value(input_, limits_);
    if (e.code == errc::invalid_json || e.code == errc::invalid_string || e.code == errc::invalid_number ||
        e.code == errc::trailing_content || e.code == errc::depth_exceeded) {
      return e;
    }
    return {};
  }

  limits limits_;
  ondemand::parser parser_;
  ondemand::document document_;
  std::string padded_;
  std::string_view input_;
  const char* base_ = nullptr;
  segment path_[max_path_segments]{};
  std::size_t path_depth_ = 0;
};

}  // namespace pswire
