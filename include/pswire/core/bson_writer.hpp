// pswire core: the BSON writer. The same interface as json_writer
// (begin_object, key, string_value, int_value, ..., raw_value), so one
// encoder serves both dialects; it appends one document to the caller's
// std::string and patches each document's length when it closes.
//
// Numbers as the service's js-bson writes them where that is exact: an
// integer in the int32 range is an int32, a larger one an int64 (js-bson
// would make it a double and lose digits), a fraction a double. Raw JSON
// values are converted member by member (docs/sync-stream.md, "BSON").
#pragma once

#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>

#include "errors.hpp"
#include "json_writer.hpp"
#include "raw_json.hpp"

namespace pswire {

class bson_writer {
 public:
  // Appends to `out`; what it held before is left as it was.
  // frames_ is left uninitialized (see there).
  explicit bson_writer(std::string& out PSWIRE_LIFETIMEBOUND) noexcept  // NOLINT(cppcoreguidelines-pro-type-member-init)
      : out_(&out), start_(out.size()) {}
  // One writer per document; it points into the caller's string.
  bson_writer(const bson_writer&) = delete;
  bson_writer& operator=(const bson_writer&) = delete;
  bson_writer(bson_writer&&) = delete;
  bson_writer& operator=(bson_writer&&) = delete;
  ~bson_writer() = default;

  void begin_object() { open(bson_type_document); }
  void end_object() { close(false); }
  void begin_array() { open(bson_type_array); }
  void end_array() { close(true); }

  // The next value's name, in a document (array elements are named by
  // index). Written at once, after a placeholder for the type byte that the
  // value fills in, so the name need not outlive this call.
  void key(std::string_view name) {
    write_key([&] { out_->append(name); });
  }
  // A JSON member name's content, escapes included: unescaped into the document.
  void key(raw_string name) {
    write_key([&] { name.unescape_to(*out_); });
  }
  template <std::size_t N>
  void key(const json_key<N>& name) {
    key(std::string_view(name.data() + 1, name.size() - 3));  // `"name":` without its quotes and colon
  }

  void null_value() { element(0x0A); }
  void bool_value(bool v) {
    element(0x08);
    put_char(v ? '\1' : '\0');
  }
  void int_value(std::int64_t v) {
    if (v >= std::numeric_limits<std::int32_t>::min() && v <= std::numeric_limits<std::int32_t>::max()) {
      element(0x10);
      put_le(static_cast<std::uint32_t>(static_cast<std::int32_t>(v)), 4);
    } else {
      element(0x12);
      put_le(static_cast<std::uint64_t>(v), 8);
    }
  }
  void uint_value(std::uint64_t v) {
    if (v > std::uint64_t(std::numeric_limits<std::int64_t>::max())) return fail(errc::not_representable, "BSON has no unsigned 64-bit integer");
    int_value(static_cast<std::int64_t>(v));
  }
  void double_value(double v) {
    element(0x01);
    std::uint64_t bits = 0;
    std::memcpy(&bits, &v, sizeof v);
    put_le(bits, 8);
  }
  void string_value(std::string_view text) {
    const std::size_t at = string_header();
    if (failed()) return;
    out_->append(text);
    end_string(at);
  }
  // A JSON string's content, escapes included: unescaped into the document.
  void string_value(raw_string text) {
    const std::size_t at = string_header();
    if (failed()) return;
    text.unescape_to(*out_);
    end_string(at);
  }
  void string_value(const wire_string& text) {
    if (text.is_escaped()) return string_value(raw_string(text.wire_bytes()));
    string_value(text.wire_bytes());
  }
  // A JSON value (valid JSON, as raw_value promises), converted.
  void raw_value(pswire::raw_value v) { convert(v, 0); }
  void raw_value(const raw_object& v) { convert(pswire::raw_value(v.text()), 0); }

  bool failed() const noexcept { return error_.code != errc::ok; }
  // The bytes of the document written, or the first error (an unbalanced
  // document is internal_error: a bug in the encoder).
  result<std::size_t> finish() const {
    if (failed()) return error_;
    if (depth_ != 0 || !wrote_) return make_error(errc::internal_error, 0, "bson_writer: the document is not closed");
    return out_->size() - start_;
  }

 private:
  static constexpr std::uint8_t bson_type_document = 0x03, bson_type_array = 0x04;
  // Far deeper than any message a decoder admits (limits::max_depth).
  static constexpr std::size_t max_depth = 256;

  void fail(errc code, std::string_view detail) {
    if (!failed()) error_ = make_error(code, out_->size() - start_, detail);
  }
  void put_char(char c) { out_->push_back(c); }
  void put_le(std::uint64_t v, int bytes) {
    char b[8];
    for (int i = 0; i < bytes; ++i) b[i] = static_cast<char>((v >> (8 * i)) & 0xFF);
    out_->append(b, static_cast<std::size_t>(bytes));
  }
  // Writes `length` into the 4 placeholder bytes at `at`.
  void patch_length(std::size_t at, std::size_t length) {
    if (length > std::size_t(std::numeric_limits<std::int32_t>::max())) return fail(errc::not_representable, "a BSON document or string is under 2 GiB");
    const auto v = static_cast<std::uint32_t>(length);
    for (int i = 0; i < 4; ++i) (*out_)[at + static_cast<std::size_t>(i)] = static_cast<char>((v >> (8 * i)) & 0xFF);
  }

  // The placeholder for the type byte, the name `append` writes, its NUL.
  template <class Append>
  void write_key(Append&& append) {
    if (failed()) return;
    if (depth_ == 0 || frames_[depth_ - 1].is_array || has_key_) return fail(errc::internal_error, "bson_writer: a key where none belongs");
    type_at_ = out_->size();
    put_char('\0');
    append();
    if (out_->find('\0', type_at_ + 1) != std::string::npos) return fail(errc::not_representable, "a BSON key cannot hold a NUL byte");
    put_char('\0');
    has_key_ = true;
  }

  // The type byte and name of the next value.
  void element(std::uint8_t type) {
    if (failed()) return;
    if (depth_ == 0) return fail(errc::internal_error, "bson_writer: a value outside the document");
    frame& f = frames_[depth_ - 1];
    if (f.is_array) {
      put_char(static_cast<char>(type));
      char digits[20];
      auto* const end = std::to_chars(digits, digits + sizeof digits, f.count).ptr;
      out_->append(digits, static_cast<std::size_t>(end - digits));
      put_char('\0');
    } else {
      if (!has_key_) return fail(errc::internal_error, "bson_writer: a member without a key");
      (*out_)[type_at_] = static_cast<char>(type);
      has_key_ = false;
    }
    ++f.count;
  }

  void open(std::uint8_t type) {
    if (failed()) return;
    if (depth_ == 0) {
      if (wrote_ || type != bson_type_document) return fail(errc::internal_error, "bson_writer: one document per writer");
      wrote_ = true;
    } else {
      element(type);
    }
    if (depth_ == max_depth) return fail(errc::not_representable, "nesting deeper than the BSON writer's 256 levels");
    frames_[depth_++] = {out_->size(), 0, type == bson_type_array};
    put_le(0, 4);  // the length, patched by close()
  }
  void close(bool array) {
    if (failed()) return;
    if (depth_ == 0 || frames_[depth_ - 1].is_array != array || has_key_) return fail(errc::internal_error, "bson_writer: unbalanced document");
    put_char('\0');
    const std::size_t at = frames_[--depth_].length_at;
    patch_length(at, out_->size() - at);  // a document's length counts itself
  }

  std::size_t string_header() {
    element(0x02);
    const std::size_t at = out_->size();
    put_le(0, 4);
    return at;
  }
  // A string's length counts its bytes and the terminator, not the length itself.
  void end_string(std::size_t at) {
    put_char('\0');
    patch_length(at, out_->size() - at - 4);
  }

  void convert(pswire::raw_value v, std::size_t depth) {
    if (failed()) return;
    if (depth == max_depth) return fail(errc::not_representable, "nesting deeper than the BSON writer's 256 levels");
    switch (v.kind()) {
      case json_kind::object: {
        const raw_object object(v.text());
        begin_object();
        for (const raw_member& m : object) {
          if (failed()) return;
          key(m.key);
          convert(m.value, depth + 1);
        }
        end_object();
        return;
      }
      case json_kind::array: {
        const raw_array array(v.text());
        begin_array();
        for (const pswire::raw_value& e : array) convert(e, depth + 1);
        end_array();
        return;
      }
      case json_kind::string: return string_value(*v.get_string());
      case json_kind::number:
        if (auto n = v.get_int64(); n && v.is_integer()) return int_value(*n);
        if (auto d = v.get_double()) return double_value(*d);
        return fail(errc::not_representable, "a number outside the double range");
      case json_kind::boolean: return bool_value(v.text()[0] == 't');
      case json_kind::null: return null_value();
    }
  }

  struct frame {
    std::size_t length_at;
    std::size_t count;
    bool is_array;
  };
  std::string* out_;
  std::size_t start_;
  // Not zero-filled (6 KiB per writer, one writer per line): a frame is written when its level opens.
  std::array<frame, max_depth> frames_;  // NOLINT(cppcoreguidelines-pro-type-member-init)
  std::size_t depth_ = 0;
  std::size_t type_at_ = 0;  // the placeholder key() wrote for the next member's type
  bool has_key_ = false;
  bool wrote_ = false;
  error error_{};
};

}  // namespace pswire
