// pswire core: error codes, the error record and result<T>.
// Every decode in pswire returns a result: a value, or an error code with the
// byte offset and JSON path where the input went wrong. No exceptions.
#pragma once

#include <algorithm>
#include <array>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <new>
#include <string_view>
#include <type_traits>
#include <utility>

// Checks a caller's contract (reading the value of an error result). It is
// assert() by default, so it is active unless NDEBUG is defined; define
// PSWIRE_ASSERT before including pswire to route it elsewhere (a logging
// abort, or nothing).
#ifndef PSWIRE_ASSERT
#define PSWIRE_ASSERT(condition) assert(condition)
#endif

namespace pswire {

// The names returned by to_string() are stable: tools, logs and the conformance
// vectors match on them. Append new codes; never rename or renumber.
enum class errc : std::uint8_t {
  ok = 0,
  // JSON syntax, found anywhere in a message, also inside values passed through.
  invalid_json,
  invalid_utf8,
  invalid_string,  // bad escape, lone surrogate, unescaped control character
  invalid_number,  // not an RFC 8259 number: 01, 1., -, .5, +1, 1e
  trailing_content,
  empty_input,
  // Configured limits (pswire::limits).
  message_too_large,
  depth_exceeded,
  too_many_elements,
  string_too_long,
  number_too_long,
  // Protocol.
  duplicate_key,
  missing_field,
  wrong_type,
  number_out_of_range,
  unknown_op,
  delete_with_data,  // retired: no longer produced, a DELETE's data is kept (docs/crud.md)
  batch_empty,
  batch_too_large,
  // Views and writers.
  field_not_found,
  buffer_too_small,
  not_representable,  // a value the writer cannot express in JSON (NaN, infinity)
  internal_error,     // an unexpected parser state; please report it
  // Results (results.hpp).
  result_count_mismatch,  // a batch response whose results do not match the transactions sent
  malformed_result,       // a result the reference client would refuse (write-api.md 5.3)
  // Checkpoints (checkpoints.hpp).
  ambiguous_sync_line,    // a sync line object with other than exactly one member
  // BSON (core/bson_reader.hpp) and sync streams (sync_stream.hpp).
  invalid_bson,           // a length, terminator, type byte or array key that breaks the BSON spec
  unsupported_bson_type,  // a BSON type no sync-stream peer writes (decimal128, regex, code, ...)
  line_too_large,         // a stream line over limits::max_message_bytes
  truncated_stream,       // the stream ended inside a line
};

constexpr std::string_view to_string(errc code) noexcept {
  switch (code) {
    case errc::ok: return "ok";
    case errc::invalid_json: return "invalid_json";
    case errc::invalid_utf8: return "invalid_utf8";
    case errc::invalid_string: return "invalid_string";
    case errc::invalid_number: return "invalid_number";
    case errc::trailing_content: return "trailing_content";
    case errc::empty_input: return "empty_input";
    case errc::message_too_large: return "message_too_large";
    case errc::depth_exceeded: return "depth_exceeded";
    case errc::too_many_elements: return "too_many_elements";
    case errc::string_too_long: return "string_too_long";
    case errc::number_too_long: return "number_too_long";
    case errc::duplicate_key: return "duplicate_key";
    case errc::missing_field: return "missing_field";
    case errc::wrong_type: return "wrong_type";
    case errc::number_out_of_range: return "number_out_of_range";
    case errc::unknown_op: return "unknown_op";
    case errc::delete_with_data: return "delete_with_data";
    case errc::batch_empty: return "batch_empty";
    case errc::batch_too_large: return "batch_too_large";
    case errc::field_not_found: return "field_not_found";
    case errc::buffer_too_small: return "buffer_too_small";
    case errc::not_representable: return "not_representable";
    case errc::internal_error: return "internal_error";
    case errc::result_count_mismatch: return "result_count_mismatch";
    case errc::malformed_result: return "malformed_result";
    case errc::ambiguous_sync_line: return "ambiguous_sync_line";
    case errc::invalid_bson: return "invalid_bson";
    case errc::unsupported_bson_type: return "unsupported_bson_type";
    case errc::line_too_large: return "line_too_large";
    case errc::truncated_stream: return "truncated_stream";
  }
  return "unknown_error";
}

// A JSON path such as `transactions[2].crud[7].op`, kept inline so that
// reporting an error never allocates. Longer paths are cut with "...".
class error_path {
 public:
  static constexpr std::size_t capacity = 119;

  constexpr std::string_view view() const noexcept { return {text_.data(), length_}; }
  constexpr bool empty() const noexcept { return length_ == 0; }

  constexpr void append(std::string_view piece) noexcept {
    if (cut_) return;
    for (char c : piece) {
      if (length_ == capacity) {
        // Cut before the character that "..." would split: never half a UTF-8 sequence.
        std::size_t at = capacity - 3;
        while (at > 0 && (static_cast<unsigned char>(text_[at]) & 0xC0) == 0x80) --at;
        for (std::size_t i = at; i < at + 3; ++i) text_[i] = '.';
        length_ = at + 3;
        cut_ = true;
        return;
      }
      text_[length_++] = c;
    }
  }
  constexpr void append_key(std::string_view key) noexcept {
    if (length_ != 0) append(".");
    append(key);
  }
  constexpr void append_index(std::size_t index) noexcept {
    char digits[20];
    std::size_t n = 0;
    do { digits[n++] = static_cast<char>('0' + index % 10); index /= 10; } while (index != 0);
    append("[");
    while (n != 0) append(std::string_view(&digits[--n], 1));
    append("]");
  }

 private:
  std::array<char, capacity> text_{};
  std::size_t length_ = 0;
  bool cut_ = false;  // ended with "...": nothing more is appended
};

namespace detail {
// The path of the value a reader is at: keys and indexes pushed as it
// descends, turned into an error_path only when an error is reported. The
// keys are views of the reader's input, so nothing is copied on the way down.
class path_stack {
 public:
  void push_key(std::string_view key) noexcept { push({key, 0, true}); }
  void push_index(std::size_t index) noexcept { push({{}, index, false}); }
  void pop() noexcept {
    if (depth_ != 0) --depth_;
  }
  void clear() noexcept { depth_ = 0; }
  error_path path() const noexcept {
    error_path p;
    const std::size_t n = depth_ < max_segments ? depth_ : max_segments;
    for (std::size_t i = 0; i < n; ++i) {
      if (segments_[i].is_key) p.append_key(segments_[i].key);
      else p.append_index(segments_[i].index);
    }
    return p;
  }

 private:
  struct segment {
    std::string_view key;
    std::size_t index;
    bool is_key;
  };
  // Deeper levels still count (pop() stays balanced) but are not kept: the
  // first 16 levels already fill most of an error_path.
  static constexpr std::size_t max_segments = 16;
  void push(segment s) noexcept {
    if (depth_ < max_segments) segments_[depth_] = s;
    ++depth_;
  }
  std::array<segment, max_segments> segments_{};
  std::size_t depth_ = 0;
};
}  // namespace detail

struct error {
  errc code = errc::ok;
  std::size_t offset = 0;       // byte offset into the message where the problem was found
  error_path path;              // where in the message, empty for the root
  std::string_view detail;      // a static explanation, never owning

  constexpr explicit operator bool() const noexcept { return code != errc::ok; }
};

// Holds a T or an error. Accessing the wrong alternative is a contract
// violation checked by assertions in debug builds (there are no exceptions).
// operator=(result), taking its argument by value, serves as both assignments.
template <class T>
class [[nodiscard]] result {  // NOLINT(cppcoreguidelines-special-member-functions)
 public:
  result(T value) noexcept(std::is_nothrow_move_constructible_v<T>) : has_value_(true) {  // NOLINT: implicit by design
    ::new (static_cast<void*>(&storage_.value)) T(std::move(value));
  }
  result(error err) noexcept : has_value_(false) {  // NOLINT: implicit by design
    ::new (static_cast<void*>(&storage_.err)) error(err);
  }
  result(const result& other) : has_value_(other.has_value_) {
    if (has_value_) ::new (static_cast<void*>(&storage_.value)) T(other.storage_.value);
    else ::new (static_cast<void*>(&storage_.err)) error(other.storage_.err);
  }
  result(result&& other) noexcept(std::is_nothrow_move_constructible_v<T>) : has_value_(other.has_value_) {
    if (has_value_) ::new (static_cast<void*>(&storage_.value)) T(std::move(other.storage_.value));
    else ::new (static_cast<void*>(&storage_.err)) error(other.storage_.err);
  }
  result& operator=(result other) noexcept(std::is_nothrow_move_constructible_v<T>) {
    this->~result();
    ::new (static_cast<void*>(this)) result(std::move(other));
    return *this;
  }
  ~result() {
    if (has_value_) storage_.value.~T();
  }

  bool has_value() const noexcept { return has_value_; }
  explicit operator bool() const noexcept { return has_value_; }

  // The value; calling these on an error is a contract violation (PSWIRE_ASSERT).
  T& value() & noexcept { return checked_value(); }
  const T& value() const& noexcept { return checked_value(); }
  T&& value() && noexcept { return std::move(checked_value()); }
  T& operator*() & noexcept { return checked_value(); }
  const T& operator*() const& noexcept { return checked_value(); }
  T&& operator*() && noexcept { return std::move(checked_value()); }
  T* operator->() noexcept { return &checked_value(); }
  const T* operator->() const noexcept { return &checked_value(); }

  // The value, or `fallback` when there is an error.
  template <class U>
  T value_or(U&& fallback) const& {
    return has_value_ ? storage_.value : static_cast<T>(std::forward<U>(fallback));
  }
  template <class U>
  T value_or(U&& fallback) && {
    return has_value_ ? std::move(storage_.value) : static_cast<T>(std::forward<U>(fallback));
  }

  // The error; code is errc::ok when there is a value.
  error error_info() const noexcept { return has_value_ ? error{} : storage_.err; }
  errc code() const noexcept { return has_value_ ? errc::ok : storage_.err.code; }

 private:
  T& checked_value() noexcept {
    PSWIRE_ASSERT(has_value_ && "result<T>: the value of an error was read");
    return storage_.value;
  }
  const T& checked_value() const noexcept {
    PSWIRE_ASSERT(has_value_ && "result<T>: the value of an error was read");
    return storage_.value;
  }

  // result constructs and destroys the active member; `= default` would be
  // deleted for a T that is not trivial.
  union storage {  // NOLINT(cppcoreguidelines-special-member-functions)
    storage() {}   // NOLINT(modernize-use-equals-default)
    ~storage() {}  // NOLINT(modernize-use-equals-default)
    T value;
    error err;
  } storage_;
  bool has_value_;
};

// result<void>: success or an error. The error is only constructed when
// there is one: decoders return a success per member, and clearing the
// inline error path each time was a measurable share of decoding.
template <>
class [[nodiscard]] result<void> {  // NOLINT(cppcoreguidelines-special-member-functions): the copies are the moves
 public:
  result() noexcept : has_error_(false) {}
  result(error err) noexcept : has_error_(static_cast<bool>(err)) {  // NOLINT: implicit by design
    if (has_error_) ::new (static_cast<void*>(&storage_.err)) error(err);
  }
  result(const result& other) noexcept : has_error_(other.has_error_) {
    if (has_error_) ::new (static_cast<void*>(&storage_.err)) error(other.storage_.err);
  }
  result& operator=(const result& other) noexcept {
    has_error_ = other.has_error_;
    if (has_error_) ::new (static_cast<void*>(&storage_.err)) error(other.storage_.err);
    return *this;
  }
  bool has_value() const noexcept { return !has_error_; }
  explicit operator bool() const noexcept { return !has_error_; }
  error error_info() const noexcept { return has_error_ ? storage_.err : error{}; }
  errc code() const noexcept { return has_error_ ? storage_.err.code : errc::ok; }

 private:
  union storage {
    storage() {}  // NOLINT(modernize-use-equals-default): = default would be deleted (error has initializers)
    error err;
  } storage_;
  bool has_error_;
};

constexpr error make_error(errc code, std::size_t offset, std::string_view detail = {}) noexcept {
  error e;
  e.code = code;
  e.offset = offset;
  e.detail = detail;
  return e;
}

namespace detail {
// Stores the value of a successful result in `target`, or passes its error on.
template <class T, class R>
result<void> assign_result(T& target, R&& value) {
  if (!value) return value.error_info();
  target = std::move(*value);
  return {};
}
}  // namespace detail

}  // namespace pswire
