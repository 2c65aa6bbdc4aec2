// pswire: checkpoints, the HTTP side (checkpoints.md; write-api.md 3.3).
//   POST /sync/checkpoint-request   {client_id, checkpoint_request_id} -> {"data":{"checkpoint_request_id":"…"}}
//   GET /write-checkpoint2.json     -> {"data":{"write_checkpoint":"…"}}
//   PoC PUT /api/data/checkpoint    {user_id, client_id} -> {"checkpoint":"…"}
// and the rules client and server apply to them. The error envelope these
// endpoints answer with: service_error.hpp; the sync stream lines that carry
// write_checkpoint: sync_lines.hpp.
// Ids are int64 compared numerically; on the wire they are decimal strings.
// Rules and rejections: docs/checkpoints.md.
#pragma once

#include <charconv>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>

#include "core/errors.hpp"
#include "core/json_reader.hpp"
#include "core/json_writer.hpp"
#include "core/lifetime.hpp"
#include "core/raw_json.hpp"

namespace pswire {

inline constexpr std::int64_t max_checkpoint_id = std::numeric_limits<std::int64_t>::max();  // MAX_OP_ID
inline constexpr std::int64_t max_safe_json_integer = (std::int64_t{1} << 53) - 1;

// Which values a checkpoint id field admits.
enum class id_range : std::uint8_t {
  any_int64,     // op ids and a sync line's write_checkpoint: the core parses them into i64, no sign check
  non_negative,  // a write-checkpoint response: 0 ..= 2^63-1 (the core refuses a negative target)
  positive,      // checkpoint_request_id: 1 ..= 2^63-1 (the service's bound)
};

namespace detail {

// Parses `^-?[0-9]+$` (leading zeros allowed, as the service's regex) into
// int64. Digits are counted before anything is converted, so a megabyte of
// digits costs one linear scan and ends in number_out_of_range.
inline result<std::int64_t> parse_decimal_id(std::string_view text, id_range range, const limits& lim) noexcept {
  const bool negative = !text.empty() && text[0] == '-';
  std::string_view digits = text.substr(negative ? 1 : 0);
  if (digits.empty()) return make_error(errc::wrong_type, 0, "expected a decimal integer string");
  for (char c : digits) {
    if (!is_digit(c)) return make_error(errc::wrong_type, 0, "expected a decimal integer string");
  }
  if (text.size() > lim.max_number_chars) return make_error(errc::number_too_long, 0, "more digits than limits.max_number_chars");
  while (digits.size() > 1 && digits[0] == '0') digits.remove_prefix(1);
  std::uint64_t magnitude = 0;
  const bool too_many_digits = digits.size() > 19;
  if (!too_many_digits) {
    for (char c : digits) magnitude = magnitude * 10 + std::uint64_t(c - '0');  // 19 digits fit in uint64
  }
  const std::uint64_t limit = negative ? std::uint64_t{1} << 63 : std::uint64_t(max_checkpoint_id);
  if (too_many_digits || magnitude > limit) return make_error(errc::number_out_of_range, 0, "id outside the int64 range");
  const std::int64_t value = negative ? static_cast<std::int64_t>(0 - magnitude) : static_cast<std::int64_t>(magnitude);
  if (range == id_range::positive && value < 1) {
    return make_error(errc::number_out_of_range, 0, "checkpoint_request_id must be between 1 and 9223372036854775807");
  }
  if (range == id_range::non_negative && value < 0) {
    return make_error(errc::number_out_of_range, 0, "a write checkpoint is between 0 and 9223372036854775807");
  }
  return value;
}

}  // namespace detail

namespace wire {

// A checkpoint id as a decimal string (what every peer sends for op ids,
// write checkpoints and responses).
// Over either reader (json_reader, bson_reader): the id is a string in both dialects.
template <class Reader, class Value>
result<std::int64_t> read_id_string(Reader& reader, Value& v, id_range range) {
  const std::size_t at = reader.offset_of(v);
  std::string_view text;
  PSWIRE_TRY(reader.read_string(v, text));
  auto id = detail::parse_decimal_id(text, range, reader.limits_in_use());
  if (!id) return reader.fail(id.code(), at, id.error_info().detail);
  return id;
}

// The checkpoint-request body's id, exactly as the service validates it: a
// string matching ^-?[0-9]+$, or an integral JSON number within ±(2^53-1);
// then 1 ..= 2^63-1.
inline result<std::int64_t> read_checkpoint_request_id(json_reader& reader, json_value& v) {
  const std::size_t at = reader.offset_of(v);
  auto type = reader.type_of(v);
  if (!type) return type.error_info();
  if (*type == json_kind::string) return read_id_string(reader, v, id_range::positive);
  if (*type != json_kind::number) return reader.fail(errc::wrong_type, at, "expected a string or an integer, found neither");
  raw_value raw;
  PSWIRE_TRY(reader.read_raw(v, raw));
  auto n = raw.get_int64();  // integer-valued numbers (1.0, 1e2) included
  if (n.code() == errc::wrong_type) return reader.fail(errc::wrong_type, at, "expected an integer");
  if (!n || *n > max_safe_json_integer || *n < -max_safe_json_integer) {
    return reader.fail(errc::number_out_of_range, at, "a JSON number id must be a safe integer (|n| <= 2^53-1)");
  }
  if (*n < 1) return reader.fail(errc::number_out_of_range, at, "checkpoint_request_id must be between 1 and 9223372036854775807");
  return *n;
}

template <class Reader, class Value>
result<std::optional<std::int64_t>> read_optional_id(Reader& reader, Value& v) {
  auto null = reader.read_null(v);
  if (!null) return null.error_info();
  if (*null) return std::optional<std::int64_t>{};
  auto id = read_id_string(reader, v, id_range::any_int64);
  if (!id) return id.error_info();
  return std::optional<std::int64_t>(*id);
}

// `{"data":{<name>:"<id>"}}`, the service's response envelope around one id.
inline result<std::int64_t> read_data_envelope_id(json_reader& reader, json_input json, const member_table<1>& inner,
                                                  id_range range) {
  static constexpr std::string_view envelope_names[] = {"data"};
  static constexpr member_table<1> envelope = make_members(envelope_names, {0});
  std::int64_t id = 0;
  PSWIRE_TRY(reader.run(json, [&]() -> result<void> {
    json_value root = reader.root_value();
    return reader.read_object(root, envelope, [&](std::size_t, json_value& data) -> result<void> {
      return reader.read_object(data, inner, [&](std::size_t, json_value& v) -> result<void> {
        PSWIRE_TRY_ASSIGN(id, read_id_string(reader, v, range));
        return {};
      });
    });
  }));
  return id;
}

}  // namespace wire

// ---------------------------------------------------------------- HTTP bodies

// Strings in these messages are views: of the decoder (unescaped) or of the
// input when decoded, and borrowed when built in code (borrowed_text refuses a
// temporary std::string).

// POST /sync/checkpoint-request body. client_id is the database client id (a string).
struct checkpoint_request {
  borrowed_text client_id{};
  std::int64_t checkpoint_request_id = 1;
  friend bool operator==(const checkpoint_request&, const checkpoint_request&) = default;
};
// Its response: the id storage holds after the request, max(stored, supplied).
struct checkpoint_request_response {
  std::int64_t checkpoint_request_id = 1;
  friend bool operator==(const checkpoint_request_response&, const checkpoint_request_response&) = default;
};
// GET /write-checkpoint2.json response.
struct write_checkpoint_response {
  std::int64_t write_checkpoint = 0;
  friend bool operator==(const write_checkpoint_response&, const write_checkpoint_response&) = default;
};
// PoC PUT /api/data/checkpoint body and response.
struct custom_checkpoint_request {
  borrowed_text user_id{};
  borrowed_text client_id{};
  friend bool operator==(const custom_checkpoint_request&, const custom_checkpoint_request&) = default;
};
struct custom_checkpoint_response {
  std::int64_t checkpoint = 0;
  friend bool operator==(const custom_checkpoint_response&, const custom_checkpoint_response&) = default;
};

// ---------------------------------------------------------------- decoder

class checkpoint_decoder {
 public:
  explicit checkpoint_decoder(const limits& lim = {}) : reader_(lim) {}

  result<checkpoint_request> decode_checkpoint_request(json_input json PSWIRE_LIFETIMEBOUND) PSWIRE_LIFETIMEBOUND {
    checkpoint_request out;
    static constexpr std::string_view names[] = {"client_id", "checkpoint_request_id"};
    static constexpr member_table<2> table = make_members(names, {0, 1});
    auto r = decode_object(json, table, [&](std::size_t i, json_value& v) -> result<void> {
      if (i == 0) return reader_.read_string(v, out.client_id);
      return detail::assign_result(out.checkpoint_request_id, wire::read_checkpoint_request_id(reader_, v));
    });
    if (!r) return r.error_info();
    return out;
  }

  result<checkpoint_request_response> decode_checkpoint_request_response(std::string_view json) {
    static constexpr std::string_view names[] = {"checkpoint_request_id"};
    static constexpr member_table<1> table = make_members(names, {0});
    auto id = wire::read_data_envelope_id(reader_, json, table, id_range::positive);
    if (!id) return id.error_info();
    return checkpoint_request_response{*id};
  }

  result<write_checkpoint_response> decode_write_checkpoint_response(std::string_view json) {
    static constexpr std::string_view names[] = {"write_checkpoint"};
    static constexpr member_table<1> table = make_members(names, {0});
    auto id = wire::read_data_envelope_id(reader_, json, table, id_range::non_negative);
    if (!id) return id.error_info();
    return write_checkpoint_response{*id};
  }

  result<custom_checkpoint_request> decode_custom_checkpoint_request(json_input json PSWIRE_LIFETIMEBOUND) PSWIRE_LIFETIMEBOUND {
    custom_checkpoint_request out;
    static constexpr std::string_view names[] = {"user_id", "client_id"};
    static constexpr member_table<2> table = make_members(names, {0, 1});
    auto r = decode_object(json, table, [&](std::size_t i, json_value& v) -> result<void> {
      return reader_.read_string(v, i == 0 ? out.user_id : out.client_id);
    });
    if (!r) return r.error_info();
    return out;
  }

  result<custom_checkpoint_response> decode_custom_checkpoint_response(std::string_view json) {
    custom_checkpoint_response out;
    static constexpr std::string_view names[] = {"checkpoint"};
    static constexpr member_table<1> table = make_members(names, {0});
    auto r = decode_object(json, table, [&](std::size_t, json_value& v) -> result<void> {
      return detail::assign_result(out.checkpoint, wire::read_id_string(reader_, v, id_range::non_negative));  // a write checkpoint too
    });
    if (!r) return r.error_info();
    return out;
  }

  // These messages hold views of the input: a temporary std::string would be
  // gone before they are read. (The three responses hold only ids, so a
  // temporary is safe there.)
  PSWIRE_DELETE_TEMPORARY_INPUT(decode_checkpoint_request);
  PSWIRE_DELETE_TEMPORARY_INPUT(decode_custom_checkpoint_request);

 private:
  template <std::size_t N, class OnMember>
  result<void> decode_object(json_input json, const member_table<N>& table, OnMember&& on_member) {
    return reader_.run(json, [&]() -> result<void> {
      json_value root = reader_.root_value();
      return reader_.read_object(root, table, on_member);
    });
  }

  json_reader reader_;
};

// ---------------------------------------------------------------- encoders

namespace detail {
// An id as its decimal string, into either writer (json_writer, bson_writer).
template <class Writer>
void write_id(Writer& w, std::int64_t id) {
  char buf[24];
  auto* const end = std::to_chars(buf, buf + sizeof buf, id).ptr;
  w.string_value(std::string_view(buf, static_cast<std::size_t>(end - buf)));
}
template <class Sink, std::size_t N>
void write_data_envelope_id(basic_json_writer<Sink>& w, const json_key<N>& name, std::int64_t id) {
  w.begin_object();
  w.key(json_key("data"));
  w.begin_object();
  w.key(name);
  write_id(w, id);
  w.end_object();
  w.end_object();
}
}  // namespace detail

// The client sends the id as a string, as every SDK does.
template <class Sink>
void write_checkpoint_request(basic_json_writer<Sink>& w, const checkpoint_request& r) {
  w.begin_object();
  w.key(json_key("client_id"));
  w.string_value(r.client_id);
  w.key(json_key("checkpoint_request_id"));
  detail::write_id(w, r.checkpoint_request_id);
  w.end_object();
}
template <class Sink>
void write_checkpoint_request_response(basic_json_writer<Sink>& w, const checkpoint_request_response& r) {
  detail::write_data_envelope_id(w, json_key("checkpoint_request_id"), r.checkpoint_request_id);
}
template <class Sink>
void write_write_checkpoint_response(basic_json_writer<Sink>& w, const write_checkpoint_response& r) {
  detail::write_data_envelope_id(w, json_key("write_checkpoint"), r.write_checkpoint);
}
template <class Sink>
void write_custom_checkpoint_request(basic_json_writer<Sink>& w, const custom_checkpoint_request& r) {
  w.begin_object();
  w.key(json_key("user_id"));
  w.string_value(r.user_id);
  w.key(json_key("client_id"));
  w.string_value(r.client_id);
  w.end_object();
}
template <class Sink>
void write_custom_checkpoint_response(basic_json_writer<Sink>& w, const custom_checkpoint_response& r) {
  w.begin_object();
  w.key(json_key("checkpoint"));
  detail::write_id(w, r.checkpoint);
  w.end_object();
}

// ---------------------------------------------------------------- shared rules

// What the service does with a checkpoint request (checkpoints.md 3.4).
enum class checkpoint_request_action : std::uint8_t {
  insert,   // no stored id: store the supplied one
  advance,  // supplied > stored: store it, re-associate with the current head
  refresh,  // supplied == stored: a retry; only the retention timestamp moves
  stale,    // supplied < stored: nothing changes
};
struct checkpoint_request_outcome {
  checkpoint_request_action action;
  std::int64_t stored;  // what storage holds after, and what the response carries
};
constexpr checkpoint_request_outcome apply_checkpoint_request(std::optional<std::int64_t> stored, std::int64_t supplied) noexcept {
  if (!stored) return {checkpoint_request_action::insert, supplied};
  if (supplied > *stored) return {checkpoint_request_action::advance, supplied};
  if (supplied == *stored) return {checkpoint_request_action::refresh, supplied};
  return {checkpoint_request_action::stale, *stored};
}

// Client: has the requested id been applied? (>=, because the service
// acknowledges through max and a later id implies the earlier ones.)
constexpr bool is_checkpoint_request_applied(std::optional<std::int64_t> last_applied, std::int64_t requested) noexcept {
  return last_applied && *last_applied >= requested;
}

// Client: may a validated full checkpoint be published? Only with an empty
// upload queue, and when the target (absent or 0 = no gate) is reached by the
// last seen write checkpoint (absent counts as 0). MAX_OP_ID as target means
// "local writes pending, no id yet" and blocks.
constexpr bool may_apply_checkpoint(bool upload_queue_empty, std::optional<std::int64_t> target,
                                    std::optional<std::int64_t> last_seen) noexcept {
  if (!upload_queue_empty) return false;
  if (!target || *target == 0) return true;
  return *target <= last_seen.value_or(0);
}

}  // namespace pswire
