// pswire's BSON reader against libbson (issue 14), shared by
// tests/test_bson_reader.cpp and fuzz/fuzz_bson.cpp. The property, per
// document: if libbson (bson_init_static, then bson_validate_with_error with
// UTF-8 checked, NUL allowed; see libbson_walk) refuses it, pswire::bson_reader::read_raw
// refuses it too; if pswire accepts it, libbson does and both convert it to
// the same JSON text. Where only pswire refuses, the reason must be one of
// its documented extra rules (documented_extra_rule below).
#pragma once

#include <bson/bson.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>

#include <pswire/core/bson_reader.hpp>
#include <pswire/core/json_writer.hpp>

namespace bson_differential {

inline constexpr auto libbson_validate_flags =
    static_cast<bson_validate_flags_t>(BSON_VALIDATE_UTF8 | BSON_VALIDATE_UTF8_ALLOW_NULL);

// libbson's verdict and the reference conversion, on libbson's API alone.
// bson_validate_with_error in libbson 1.23 stops without an error at an
// invalid UTF-8 string and skips a nested document bson_init_static refuses
// (its visitor gives up silently: CDRIVER-6017, fixed in 2025), so the walk
// makes those two checks itself, with libbson's functions, and validates
// each nested document on its own.
//
// The JSON text is spelled by pswire's json_writer on both sides: what is
// compared is the values each reader finds, not two number formatters.
struct libbson_walk {
  bool valid = true;
  bool has_json = true;  // no value of a type other than double, string, document, array, bool, null, undefined, int32, int64; no NaN or infinity
};

inline void libbson_walk_document(const std::uint8_t* data, std::size_t length, bool is_array, pswire::json_writer& w,
                                  libbson_walk& walk);

inline void libbson_walk_value(const bson_iter_t& iter, pswire::json_writer& w, libbson_walk& walk) {
  switch (bson_iter_type(&iter)) {
    case BSON_TYPE_DOUBLE: {
      const double d = bson_iter_double(&iter);
      if (std::isfinite(d)) {
        w.double_value(d);
      } else {
        walk.has_json = false;
      }
      return;
    }
    case BSON_TYPE_UTF8: {
      std::uint32_t length = 0;
      const char* text = bson_iter_utf8(&iter, &length);
      if (!bson_utf8_validate(text, length, true)) walk.valid = false;
      w.string_value(std::string_view(text, length));
      return;
    }
    case BSON_TYPE_DOCUMENT:
    case BSON_TYPE_ARRAY: {
      const std::uint8_t* data = nullptr;
      std::uint32_t length = 0;
      const bool is_array = bson_iter_type(&iter) == BSON_TYPE_ARRAY;
      is_array ? bson_iter_array(&iter, &length, &data) : bson_iter_document(&iter, &length, &data);
      libbson_walk_document(data, length, is_array, w, walk);
      return;
    }
    case BSON_TYPE_BOOL: w.bool_value(bson_iter_bool(&iter)); return;
    case BSON_TYPE_NULL:
    case BSON_TYPE_UNDEFINED: w.null_value(); return;
    case BSON_TYPE_INT32: w.int_value(bson_iter_int32(&iter)); return;
    case BSON_TYPE_INT64: w.int_value(bson_iter_int64(&iter)); return;
    default: walk.has_json = false; return;
  }
}

// Array keys are not looked at: libbson does not check them.
inline void libbson_walk_document(const std::uint8_t* data, std::size_t length, bool is_array, pswire::json_writer& w,
                                  libbson_walk& walk) {
  bson_t doc;
  bson_error_t error;
  bson_iter_t iter;
  if (!bson_init_static(&doc, data, length) || !bson_validate_with_error(&doc, libbson_validate_flags, &error) ||
      !bson_iter_init(&iter, &doc)) {
    walk.valid = false;
    return;
  }
  is_array ? w.begin_array() : w.begin_object();
  while (walk.valid && bson_iter_next(&iter)) {
    if (!is_array) w.key(std::string_view(bson_iter_key(&iter), bson_iter_key_len(&iter)));
    libbson_walk_value(iter, w, walk);
  }
  is_array ? w.end_array() : w.end_object();
}

inline libbson_walk libbson_to_json(std::string_view document, std::string& out) {
  libbson_walk walk;
  pswire::json_writer w{pswire::string_sink(out)};
  libbson_walk_document(reinterpret_cast<const std::uint8_t*>(document.data()), document.size(), false, w, walk);
  if (walk.valid && walk.has_json && !w.finish()) walk.has_json = false;
  return walk;
}

// libbson's UTF-8 check with NUL allowed also admits C0 80, the two-byte
// ("modified UTF-8") NUL; that is overlong, not UTF-8, and pswire refuses it
// (its error's offset is the first invalid byte).
inline bool overlong_nul_at(std::string_view document, std::size_t offset) { return document.substr(offset, 2) == "\xC0\x80"; }

// pswire's rules beyond the BSON spec (docs/sync-stream.md, "BSON"):
// the types the PowerSync core refuses, strict array keys and boolean bytes,
// the limits, and values with no JSON form.
inline bool documented_extra_rule(const pswire::error& e, std::string_view document) {
  switch (e.code) {
    case pswire::errc::unsupported_bson_type:
    case pswire::errc::depth_exceeded:
    case pswire::errc::too_many_elements:
    case pswire::errc::string_too_long:
    case pswire::errc::message_too_large:
    case pswire::errc::wrong_type:
    case pswire::errc::not_representable: return true;
    case pswire::errc::invalid_bson:
      return e.detail == "array keys are 0, 1, 2, ... in order" || e.detail == "a boolean byte is 0 or 1";
    case pswire::errc::invalid_utf8: return e.offset <= document.size() && overlong_nul_at(document, e.offset);
    default: return false;
  }
}

inline std::string hex(std::string_view bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (const char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}

struct comparison {
  bool libbson_accepts = false;
  pswire::error pswire_error{};  // code ok: pswire accepts
  std::string violation;         // empty: the property holds
};

inline comparison compare(std::string_view document, pswire::bson_reader& reader) {
  comparison c;
  std::string libbson_json;
  const libbson_walk walk = libbson_to_json(document, libbson_json);
  c.libbson_accepts = walk.valid;
  std::string_view pswire_json;
  const pswire::result<void> read = reader.run(document, [&]() { return reader.read_raw(reader.root_value(), pswire_json); });
  if (!read) c.pswire_error = read.error_info();
  if (!c.libbson_accepts) {
    if (read) c.violation = "libbson refuses a document pswire accepts";
    return c;
  }
  if (read) {
    if (!walk.has_json) {
      c.violation = "pswire converts a document libbson finds a value with no JSON form in";
    } else if (libbson_json != pswire_json) {
      c.violation = "the JSON differs:\n libbson " + libbson_json + "\n pswire  " + std::string(pswire_json);
    }
    return c;
  }
  if (!documented_extra_rule(c.pswire_error, document)) {
    c.violation = "pswire refuses a document libbson accepts, for no documented rule: ";
    c.violation.append(pswire::to_string(c.pswire_error.code)).append(" (").append(c.pswire_error.detail).append(")");
  }
  return c;
}

}  // namespace bson_differential
