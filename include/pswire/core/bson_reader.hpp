// pswire core: the strict BSON reader (the service's application/vnd.powersync.bson-stream).
//
// The same decoding interface as json_reader (typed reads, member tables,
// for_each_member / for_each_element, fail), so one decoder body serves both
// dialects. One pass over the document: lengths, terminators, type bytes,
// array keys, UTF-8 of keys and strings and the limits are checked as the
// decoder walks, and values nobody reads are validated while skipped.
// Strings are views of the input: BSON strings need no unescaping.
//
// Own reader, not libbson: it is header-only like the rest of pswire, gives
// offsets, paths and limits in pswire's terms, and hands out views with
// nothing copied. tests/test_bson_reader.cpp checks it against libbson.
// Which types it admits, and why: docs/sync-stream.md, "BSON".
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "errors.hpp"
#include "json_reader.hpp"
#include "json_validate.hpp"
#include "json_writer.hpp"
#include "limits.hpp"
#include "raw_json.hpp"

namespace pswire {

// BSON element type bytes (bsonspec.org 1.1).
namespace bson_type {
inline constexpr std::uint8_t double_ = 0x01, string = 0x02, document = 0x03, array = 0x04, binary = 0x05,
                              undefined = 0x06, object_id = 0x07, boolean = 0x08, datetime = 0x09, null = 0x0A,
                              regex = 0x0B, db_pointer = 0x0C, code = 0x0D, symbol = 0x0E, code_with_scope = 0x0F,
                              int32 = 0x10, timestamp = 0x11, int64 = 0x12, decimal128 = 0x13, max_key = 0x7F,
                              min_key = 0xFF;
}  // namespace bson_type

namespace detail {

inline std::int32_t load_int32(const char* p) noexcept {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return static_cast<std::int32_t>(v);
}
inline std::int64_t load_int64(const char* p) noexcept {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return static_cast<std::int64_t>(v);
}
inline double load_double(const char* p) noexcept {
  const auto bits = static_cast<std::uint64_t>(load_int64(p));
  double d = 0;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}

// UTF-8, with a fast path for ASCII (almost every key and most values).
inline bool is_utf8(std::string_view text) noexcept {
  std::size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, text.data() + i, 8);
    if (word & 0x8080808080808080u) return simdjson::validate_utf8(text.data() + i, text.size() - i);
  }
  for (; i < text.size(); ++i) {
    if (static_cast<unsigned char>(text[i]) >= 0x80) return simdjson::validate_utf8(text.data() + i, text.size() - i);
  }
  return true;
}

}  // namespace detail

// A value the decoder is about to read: its element's type and where it is.
class bson_value {
 public:
  constexpr bson_value() = default;
  constexpr std::uint8_t type() const noexcept { return type_; }

 private:
  friend class bson_reader;
  constexpr bson_value(std::uint8_t type, std::size_t element_at, std::size_t value_at) noexcept
      : type_(type), element_at_(element_at), value_at_(value_at) {}
  std::uint8_t type_ = bson_type::document;
  std::size_t element_at_ = 0;  // the type byte (0 for the root document)
  std::size_t value_at_ = 0;
};

// Reuse one reader for many documents: once its buffer for kept-raw values
// (converted to JSON) has grown, decoding allocates nothing. Views handed out
// point into the caller's input (strings) or into this reader (raw values) and
// stay valid until the next document is read.
class bson_reader {
 public:
  explicit bson_reader(const limits& lim = {}) : limits_(lim) {}

  const limits& limits_in_use() const noexcept { return limits_; }
  void set_limits(const limits& lim) noexcept { limits_ = lim; }

  // Decodes one document: `body` reads the root value. It may run a second
  // time (when the raw-value buffer had to grow, so that no view points into
  // a buffer that moved), so it must start by clearing what it fills.
  template <class Body>
  result<void> run(std::string_view document, Body&& body) {
    PSWIRE_TRY(start(document));
    const std::size_t capacity = json_text_.capacity();
    result<void> r = body();
    if (r && json_text_.capacity() != capacity) {
      PSWIRE_TRY(start(document));
      r = body();
    }
    if (r && pos_ != input_.size()) return fail(errc::internal_error, pos_, "the decoder did not read the whole document");
    return r;
  }

  static bson_value root_value() noexcept { return {bson_type::document, 0, 0}; }

  // Offset of the value's element (its type byte) in the document.
  std::size_t offset_of(const bson_value& v) const noexcept {  // NOLINT(readability-convert-member-functions-to-static)
    return v.element_at_;
  }

  // The JSON kind the value maps to; a BSON type with no JSON form
  // (binary, ObjectId, datetime, timestamp) is wrong_type.
  result<json_kind> type_of(const bson_value& v) const {
    switch (v.type_) {
      case bson_type::double_:
      case bson_type::int32:
      case bson_type::int64: return json_kind::number;
      case bson_type::string: return json_kind::string;
      case bson_type::document: return json_kind::object;
      case bson_type::array: return json_kind::array;
      case bson_type::boolean: return json_kind::boolean;
      case bson_type::null:
      case bson_type::undefined: return json_kind::null;
      default: return fail(errc::wrong_type, v.element_at_, "a BSON type with no JSON form");
    }
  }

  // ---- typed reads (as json_reader's: each writes into `out`)

  // A UTF-8 string, as a view of the input (it may hold NUL bytes). Its bytes
  // are bounded by limits.max_string_bytes.
  template <class Out>
  result<void> read_string(const bson_value& v, Out& out) {
    if (v.type_ != bson_type::string) return fail_type(detail::expected::string, v);
    std::string_view text;
    PSWIRE_TRY(string_at(v.value_at_, text));
    out = text;
    return {};
  }

  // The same as read_string: a BSON string never needs unescaping.
  result<void> read_wire_string(const bson_value& v, wire_string& out) {
    std::string_view text;
    PSWIRE_TRY(read_string(v, text));
    out = wire_string::plain(text);
    return {};
  }

  // An integer: int32, int64, or a double with an integral value in the
  // int64 range (as json_reader reads 1.0); a fraction is wrong_type.
  template <class Out>
  result<void> read_int64(const bson_value& v, Out& out) {
    switch (v.type_) {
      case bson_type::int32:
        PSWIRE_TRY(take(v.value_at_, 4));
        out = std::int64_t{detail::load_int32(input_.data() + v.value_at_)};
        return {};
      case bson_type::int64:
        PSWIRE_TRY(take(v.value_at_, 8));
        out = detail::load_int64(input_.data() + v.value_at_);
        return {};
      case bson_type::double_: {
        PSWIRE_TRY(take(v.value_at_, 8));
        const double d = detail::load_double(input_.data() + v.value_at_);
        if (d != std::trunc(d)) return fail(errc::wrong_type, v.element_at_, "expected an integer, found a fraction");
        // Range first: converting an out-of-range double is undefined. 2^63 is exact, so >= excludes it.
        if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0)) {
          return fail(errc::number_out_of_range, v.element_at_, "integer outside the int64 range");
        }
        out = static_cast<std::int64_t>(d);
        return {};
      }
      default: return fail_type(detail::expected::integer, v);
    }
  }

  // Any number, as a double.
  result<void> read_double(const bson_value& v, double& out) {
    if (v.type_ != bson_type::double_) {
      std::int64_t n = 0;
      PSWIRE_TRY(read_int64(v, n));
      out = static_cast<double>(n);
      return {};
    }
    PSWIRE_TRY(take(v.value_at_, 8));
    out = detail::load_double(input_.data() + v.value_at_);
    return {};
  }

  result<void> read_bool(const bson_value& v, bool& out) {
    if (v.type_ != bson_type::boolean) return fail_type(detail::expected::boolean, v);
    PSWIRE_TRY(take(v.value_at_, 1));
    const char b = input_[v.value_at_];
    if (b != 0 && b != 1) return fail(errc::invalid_bson, v.value_at_, "a boolean byte is 0 or 1");
    out = b == 1;
    return {};
  }

  // Is the value null (or the deprecated undefined, which peers read as null)? Reads it if so.
  result<bool> read_null(const bson_value& v) {
    if (v.type_ != bson_type::null && v.type_ != bson_type::undefined) return false;
    pos_ = v.value_at_;
    return true;
  }

  // Any value, validated and converted to its JSON text (in this reader's
  // buffer): objects, arrays, strings, numbers (int32 and int64 as integers,
  // doubles in the shortest form that reads back), booleans and null. A type
  // with no JSON form is unsupported_bson_type; NaN and infinity are
  // not_representable.
  template <class Out>
  result<void> read_raw(const bson_value& v, Out& out) {
    const std::size_t begin = json_text_.size();
    {
      basic_json_writer<string_sink> w{string_sink(json_text_)};
      PSWIRE_TRY(write_json(v, w));
    }
    out = Out(std::string_view(json_text_).substr(begin));
    return {};
  }

  // A value nobody reads (an unknown member): accepted, but it must be valid BSON.
  result<void> skip(const bson_value& v) {
    switch (v.type_) {
      case bson_type::document:
        return for_each_member(v, [&](std::string_view, bson_value& m, std::size_t) -> result<void> { return skip(m); });
      case bson_type::array:
        return for_each_element(v, [&](bson_value& e, std::size_t) -> result<void> { return skip(e); });
      case bson_type::string: {
        std::string_view ignored;
        return string_at(v.value_at_, ignored);
      }
      case bson_type::boolean: {
        bool ignored = false;
        return read_bool(v, ignored);
      }
      case bson_type::binary: {
        PSWIRE_TRY(take(v.value_at_, 5));
        const std::int32_t size = detail::load_int32(input_.data() + v.value_at_);
        if (size < 0) return fail(errc::invalid_bson, v.value_at_, "a binary length is not negative");
        return take(v.value_at_, 5 + static_cast<std::size_t>(size));
      }
      case bson_type::undefined:
      case bson_type::null: return take(v.value_at_, 0);
      case bson_type::object_id: return take(v.value_at_, 12);
      case bson_type::int32: return take(v.value_at_, 4);
      default: return take(v.value_at_, 8);  // double, datetime, timestamp, int64: the types iteration admits
    }
  }

  // Iterates a document's members; `on_member(key, value, key_offset)`
  // returns result<void> and must read the value.
  template <class OnMember>
  result<void> for_each_member(const bson_value& v, OnMember&& on_member) {
    if (v.type_ != bson_type::document) return fail_type(detail::expected::object, v);
    return for_each(v, [&](std::string_view key, bson_value& value, std::size_t) -> result<void> {
      path_.push_key(key);
      PSWIRE_TRY(on_member(key, value, value.element_at_));
      path_.pop();
      return {};
    });
  }

  // Iterates an array, whose keys must be "0", "1", ... in order; `on_element(value, index)` must read the value.
  template <class OnElement>
  result<void> for_each_element(const bson_value& v, OnElement&& on_element) {
    if (v.type_ != bson_type::array) return fail_type(detail::expected::array, v);
    return for_each(v, [&](std::string_view key, bson_value& value, std::size_t index) -> result<void> {
      if (!is_index_key(key, index)) return fail(errc::invalid_bson, value.element_at_ + 1, "array keys are 0, 1, 2, ... in order");
      path_.push_index(index);
      PSWIRE_TRY(on_element(value, index));
      path_.pop();
      return {};
    });
  }

  template <std::size_t N, class OnMember>
  result<void> read_object(bson_value& v, const member_table<N>& table, OnMember&& on_member) {
    return detail::read_protocol_object(*this, v, table, on_member);
  }
  template <std::size_t N, class OnMember, class OnUnknown, class OnDuplicate>
  result<void> read_object(bson_value& v, const member_table<N>& table, OnMember&& on_member, OnUnknown&& on_unknown,
                           OnDuplicate&& on_duplicate) {
    return detail::read_protocol_object(*this, v, table, on_member, on_unknown, on_duplicate);
  }
  // Keys are C strings in the input, with no padding after them.
  template <std::size_t N>
  static std::size_t find_member(const member_table<N>& table, std::string_view key) noexcept {
    return table.find(key);
  }

  // ---- failures, always with the path (it costs a push per level)
  error fail(errc code, std::size_t offset, std::string_view detail) const noexcept {
    error e = make_error(code, offset, detail);
    e.path = path_.path();
    return e;
  }
  error fail_missing(std::string_view key, std::size_t object_offset) {
    path_.push_key(key);
    error e = fail(errc::missing_field, object_offset, "required member is absent");
    path_.pop();
    return e;
  }
  error fail_type(detail::expected what, const bson_value& v) const noexcept {
    auto kind = type_of(v);
    if (!kind) return kind.error_info();
    return fail(errc::wrong_type, v.element_at_, detail::type_mismatch(what, found_of(*kind)));
  }

 private:
  result<void> start(std::string_view document) {
    input_ = document;
    pos_ = 0;
    end_ = document.size();
    depth_ = 0;
    path_.clear();
    json_text_.clear();
    if (document.size() > limits_.max_message_bytes) {
      return make_error(errc::message_too_large, limits_.max_message_bytes, "document larger than limits.max_message_bytes");
    }
    if (document.empty()) return make_error(errc::empty_input, 0, "no BSON document");
    if (document.size() < 5) return make_error(errc::invalid_bson, 0, "a BSON document is at least 5 bytes");
    const std::int32_t size = detail::load_int32(document.data());
    if (size < 5) return make_error(errc::invalid_bson, 0, "a document length is at least 5");
    if (static_cast<std::size_t>(size) > document.size()) return make_error(errc::invalid_bson, 0, "document length past the end of the input");
    if (static_cast<std::size_t>(size) < document.size()) return make_error(errc::trailing_content, static_cast<std::size_t>(size), "bytes after the document");
    return {};
  }

  static constexpr detail::found found_of(json_kind k) noexcept {
    static_assert(std::size_t(detail::found::null) == std::size_t(json_kind::null), "found lists the JSON kinds first, in order");
    return static_cast<detail::found>(k);
  }

  // Bytes [at, at + n) of the value must lie inside the enclosing document;
  // reading them moves the reader past them.
  result<void> take(std::size_t at, std::size_t n) {
    if (n > end_ || at > end_ - n) return fail(errc::invalid_bson, at, "value runs past the end of its document");
    pos_ = at + n;
    return {};
  }

  // A BSON string at `at`: int32 length (terminator included), bytes, NUL.
  result<void> string_at(std::size_t at, std::string_view& out) {
    PSWIRE_TRY(take(at, 4));
    const std::int32_t size = detail::load_int32(input_.data() + at);
    if (size < 1) return fail(errc::invalid_bson, at, "a string length is at least 1 (its terminator)");
    PSWIRE_TRY(take(at, 4 + static_cast<std::size_t>(size)));
    if (input_[pos_ - 1] != '\0') return fail(errc::invalid_bson, pos_ - 1, "a string ends with a NUL byte");
    out = input_.substr(at + 4, static_cast<std::size_t>(size) - 1);
    if (out.size() > limits_.max_string_bytes) return fail(errc::string_too_long, at, "string longer than limits.max_string_bytes");
    if (!detail::is_utf8(out)) return fail(errc::invalid_utf8, at + 4 + detail::first_invalid_utf8(out), "a string is not UTF-8");
    return {};
  }

  static bool is_index_key(std::string_view key, std::size_t index) noexcept {
    char digits[20];
    auto* const end = std::to_chars(digits, digits + sizeof digits, index).ptr;
    return key == std::string_view(digits, static_cast<std::size_t>(end - digits));
  }

  // Walks the elements of the document or array `v`: type byte, key, value.
  template <class OnElement>
  result<void> for_each(const bson_value& v, OnElement&& on_element) {
    const std::size_t at = v.value_at_;
    PSWIRE_TRY(take(at, 4));
    const std::int32_t size = detail::load_int32(input_.data() + at);
    if (size < 5) return fail(errc::invalid_bson, at, "a document length is at least 5");
    PSWIRE_TRY(take(at, static_cast<std::size_t>(size)));
    if (++depth_ > std::min(limits_.max_depth, hard_max_depth)) return fail(errc::depth_exceeded, at, "nesting deeper than limits.max_depth");
    const std::size_t outer_end = end_;
    end_ = at + static_cast<std::size_t>(size) - 1;  // the terminator
    pos_ = at + 4;
    for (std::size_t count = 0; pos_ < end_; ++count) {
      if (count >= limits_.max_elements) return fail(errc::too_many_elements, pos_, "more elements than limits.max_elements");
      const std::size_t element_at = pos_;
      const auto type = static_cast<std::uint8_t>(input_[pos_]);
      PSWIRE_TRY(check_type(type, element_at));
      const char* key_begin = input_.data() + pos_ + 1;
      const void* nul = std::memchr(key_begin, 0, end_ - (pos_ + 1));
      if (nul == nullptr) return fail(errc::invalid_bson, element_at + 1, "a key runs past the end of its document");
      const std::string_view key(key_begin, static_cast<std::size_t>(static_cast<const char*>(nul) - key_begin));
      if (key.size() > limits_.max_string_bytes) return fail(errc::string_too_long, element_at + 1, "key longer than limits.max_string_bytes");
      if (!detail::is_utf8(key)) return fail(errc::invalid_utf8, element_at + 1 + detail::first_invalid_utf8(key), "a key is not UTF-8");
      bson_value value(type, element_at, element_at + 2 + key.size());
      pos_ = value.value_at_;
      PSWIRE_TRY(on_element(key, value, count));
      PSWIRE_ASSERT(pos_ > element_at && "bson_reader: an element callback must read its value");
    }
    if (input_[end_] != '\0') return fail(errc::invalid_bson, end_, "a document ends with a NUL byte");
    pos_ = end_ + 1;
    end_ = outer_end;
    --depth_;
    return {};
  }

  // The types the PowerSync core's BSON parser admits; the others no peer
  // writes, and the core refuses them anywhere in a line.
  result<void> check_type(std::uint8_t type, std::size_t at) const {
    switch (type) {
      case bson_type::double_:
      case bson_type::string:
      case bson_type::document:
      case bson_type::array:
      case bson_type::binary:
      case bson_type::undefined:
      case bson_type::object_id:
      case bson_type::boolean:
      case bson_type::datetime:
      case bson_type::null:
      case bson_type::int32:
      case bson_type::timestamp:
      case bson_type::int64: return {};
      case bson_type::regex:
      case bson_type::db_pointer:
      case bson_type::code:
      case bson_type::symbol:
      case bson_type::code_with_scope:
      case bson_type::decimal128:
      case bson_type::max_key:
      case bson_type::min_key: return fail(errc::unsupported_bson_type, at, "a BSON type the PowerSync core refuses");
      default: return fail(errc::invalid_bson, at, "not a BSON element type");
    }
  }

  template <class Writer>
  result<void> write_json(const bson_value& v, Writer& w) {
    switch (v.type_) {
      case bson_type::document:
        w.begin_object();
        PSWIRE_TRY(for_each_member(v, [&](std::string_view key, bson_value& m, std::size_t) -> result<void> {
          w.key(key);
          return write_json(m, w);
        }));
        w.end_object();
        return {};
      case bson_type::array:
        w.begin_array();
        PSWIRE_TRY(for_each_element(v, [&](bson_value& e, std::size_t) -> result<void> { return write_json(e, w); }));
        w.end_array();
        return {};
      case bson_type::string: {
        std::string_view text;
        PSWIRE_TRY(string_at(v.value_at_, text));
        w.string_value(text);
        return {};
      }
      case bson_type::int32:
      case bson_type::int64: {
        std::int64_t n = 0;
        PSWIRE_TRY(read_int64(v, n));
        w.int_value(n);
        return {};
      }
      case bson_type::double_: {
        double d = 0;
        PSWIRE_TRY(read_double(v, d));
        if (!std::isfinite(d)) return fail(errc::not_representable, v.element_at_, "NaN and infinity have no JSON form");
        w.double_value(d);
        return {};
      }
      case bson_type::boolean: {
        bool b = false;
        PSWIRE_TRY(read_bool(v, b));
        w.bool_value(b);
        return {};
      }
      case bson_type::null:
      case bson_type::undefined:
        pos_ = v.value_at_;
        w.null_value();
        return {};
      default: return fail(errc::unsupported_bson_type, v.element_at_, "a BSON type with no JSON form, in a value kept as JSON");
    }
  }

  limits limits_;
  std::string_view input_;
  std::size_t pos_ = 0;  // where the next element or value starts
  std::size_t end_ = 0;  // the terminator of the document being walked (the input's end at the root)
  std::size_t depth_ = 0;
  detail::path_stack path_;
  std::string json_text_;  // kept-raw values, as JSON
};

}  // namespace pswire
