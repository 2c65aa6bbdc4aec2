// pswire: checkpoints (checkpoints.md; write-api.md 3.3).
//   POST /sync/checkpoint-request   {client_id, checkpoint_request_id} -> {"data":{"checkpoint_request_id":"…"}}
//   GET /write-checkpoint2.json     -> {"data":{"write_checkpoint":"…"}}
//   PoC PUT /api/data/checkpoint    {user_id, client_id} -> {"checkpoint":"…"}
//   service errors                  {"error":{code, status, description, details, …}}
//   sync stream lines               one-member objects: checkpoint, checkpoint_diff, checkpoint_complete,
//                                   partial_checkpoint_complete, data, token_expires_in (others: unknown)
// Ids are int64 compared numerically; on the wire they are decimal strings.
// Rules and rejections: docs/checkpoints.md.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string_view>
#include <variant>
#include <vector>

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
inline result<std::int64_t> read_id_string(json_reader& reader, json_value& v, id_range range) {
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

inline result<std::optional<std::int64_t>> read_optional_id(json_reader& reader, json_value& v) {
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
// The service's error envelope {"error": ErrorData}.
struct service_error {
  borrowed_text code{};  // e.g. PSYNC_S2001 (validation), PSYNC_S2106 (authentication)
  std::optional<borrowed_text> description{};
  std::optional<std::int64_t> status{};  // HTTP status
  std::optional<borrowed_text> name{}, severity{}, origin{}, trace_id{}, stack{};
  raw_value details{};  // any JSON (a string holding a JSON array for validation errors); empty if absent
  bool is_validation_error() const noexcept { return code == "PSYNC_S2001"; }
  bool is_authentication_error() const noexcept { return code == "PSYNC_S2106"; }
  friend bool operator==(const service_error&, const service_error&) = default;
};

// ---------------------------------------------------------------- sync lines

// A 32-bit checksum held unsigned; peers send it as int32, uint32 or an
// integral double (checkpoints.md 1.2). Arithmetic wraps mod 2^32.
using checksum32 = std::uint32_t;

// A bucket without `priority` has the fallback priority, 3.
inline constexpr std::int32_t default_bucket_priority = 3;

struct bucket_checksum {
  borrowed_text bucket{};
  checksum32 checksum = 0;
  std::optional<std::int64_t> count{};
  // As read: absent (or null) means default_bucket_priority, and stays absent
  // when re-encoded, so the canonical form needs no more than its input did.
  std::optional<std::int32_t> priority{};
  raw_value subscriptions{};  // [{"default":n}|{"sub":n}], kept raw; empty if absent
  constexpr std::int32_t effective_priority() const noexcept { return priority.value_or(default_bucket_priority); }
  friend bool operator==(const bucket_checksum&, const bucket_checksum&) = default;
};

struct checkpoint_line {
  std::int64_t last_op_id = 0;
  std::optional<std::int64_t> write_checkpoint{};  // absent or null: none
  std::span<const bucket_checksum> buckets{};
  raw_value streams{};  // kept raw; empty if absent
};
struct checkpoint_diff_line {
  std::int64_t last_op_id = 0;
  std::optional<std::int64_t> write_checkpoint{};  // replaces the previous one; absent clears it
  std::span<const bucket_checksum> updated_buckets{};
  std::span<const std::string_view> removed_buckets{};
};
struct checkpoint_complete_line {
  std::optional<std::int64_t> last_op_id{};  // the service always sends it; the core ignores it
};
struct partial_checkpoint_complete_line {
  std::optional<std::int64_t> last_op_id{};
  std::int32_t priority = 0;
};

enum class oplog_op : std::uint8_t { put, remove, move, clear };
constexpr std::string_view to_string(oplog_op op) noexcept {
  switch (op) {
    case oplog_op::put: return "PUT";
    case oplog_op::remove: return "REMOVE";
    case oplog_op::move: return "MOVE";
    case oplog_op::clear: return "CLEAR";
  }
  return "";
}

struct oplog_entry {
  std::int64_t op_id = 0;
  oplog_op op = oplog_op::put;
  std::optional<borrowed_text> object_type{}, object_id{}, subkey{};
  raw_value data{};  // raw_data mode: a string holding the row JSON; legacy mode: an object; empty if absent or null
  checksum32 checksum = 0;
};
struct data_line {
  borrowed_text bucket{};
  std::optional<std::int64_t> after{}, next_after{};  // ignored by the core; null allowed
  std::optional<bool> has_more{};
  std::span<const oplog_entry> data{};
};
struct token_expires_in_line {
  std::int32_t seconds = 0;  // <= 0: expired; the core's field is an i32
};
// A line type this codec does not know: reported, not an error (the core ignores them).
struct unknown_line {
  borrowed_text type{};
  raw_value value{};
};

using sync_line = std::variant<checkpoint_line, checkpoint_diff_line, checkpoint_complete_line,
                               partial_checkpoint_complete_line, data_line, token_expires_in_line, unknown_line>;

// ---------------------------------------------------------------- decoders

class checkpoint_decoder {
 public:
  explicit checkpoint_decoder(const limits& lim = {}) : reader_(lim) {}

  result<checkpoint_request> decode_checkpoint_request(json_input json PSWIRE_LIFETIMEBOUND) PSWIRE_LIFETIMEBOUND {
    checkpoint_request out;
    static constexpr std::string_view names[] = {"client_id", "checkpoint_request_id"};
    static constexpr member_table<2> table = make_members(names, {0, 1});
    auto r = decode_object(json, table, [&](std::size_t i, json_value& v) -> result<void> {
      if (i == 0) return reader_.read_string(v, out.client_id);
      return assign(out.checkpoint_request_id, wire::read_checkpoint_request_id(reader_, v));
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
      return assign(out.checkpoint, wire::read_id_string(reader_, v, id_range::non_negative));  // a write checkpoint too
    });
    if (!r) return r.error_info();
    return out;
  }

  result<service_error> decode_service_error(json_input json PSWIRE_LIFETIMEBOUND) PSWIRE_LIFETIMEBOUND {
    service_error out;
    static constexpr std::string_view envelope_names[] = {"error"};
    static constexpr member_table<1> envelope = make_members(envelope_names, {0});
    static constexpr std::string_view names[] = {"code", "description", "status", "name", "severity", "origin", "trace_id",
                                                 "stack", "details"};
    static constexpr member_table<9> table = make_members(names, {0});
    auto r = decode_object(json, envelope, [&](std::size_t, json_value& error_data) -> result<void> {
      out = {};
      return reader_.read_object(error_data, table, [&](std::size_t i, json_value& v) -> result<void> {
        switch (i) {
          case 0: return reader_.read_string(v, out.code);
          case 2: return reader_.read_int64(v, out.status);
          case 8: return reader_.read_raw(v, out.details);
          default: {
            std::optional<borrowed_text>* text[] = {nullptr, &out.description, nullptr, &out.name, &out.severity,
                                                       &out.origin, &out.trace_id, &out.stack};
            return reader_.read_string(v, *text[i]);
          }
        }
      });
    });
    if (!r) return r.error_info();
    return out;
  }

  // One line of the sync stream (NDJSON). Spans in the result live until the next decode.
  result<sync_line> decode_sync_line(json_input json PSWIRE_LIFETIMEBOUND) PSWIRE_LIFETIMEBOUND {
    std::optional<sync_line> line;
    PSWIRE_TRY(reader_.run(json, [&]() -> result<void> {
      buckets_.clear();
      removed_.clear();
      oplog_.clear();
      line.reset();
      json_value root = reader_.root_value();
      const std::size_t root_at = reader_.offset_of(root);
      PSWIRE_TRY(reader_.for_each_member(root, [&](std::string_view key, json_value& v, std::size_t key_at) -> result<void> {
        if (line) return reader_.fail(errc::ambiguous_sync_line, key_at, "a sync line has exactly one member");
        PSWIRE_TRY_ASSIGN(line, read_line_body(key, v));
        return {};
      }));
      if (!line) return reader_.fail(errc::ambiguous_sync_line, root_at, "a sync line has exactly one member");
      return {};
    }));
    link(*line);
    return *line;
  }

  // These messages hold views of the input: a temporary std::string would be
  // gone before they are read. (The three responses hold only ids, so a
  // temporary is safe there.)
  PSWIRE_DELETE_TEMPORARY_INPUT(decode_checkpoint_request);
  PSWIRE_DELETE_TEMPORARY_INPUT(decode_custom_checkpoint_request);
  PSWIRE_DELETE_TEMPORARY_INPUT(decode_service_error);
  PSWIRE_DELETE_TEMPORARY_INPUT(decode_sync_line);

 private:
  template <class T, class R>
  static result<void> assign(T& target, R&& value) {
    if (!value) return value.error_info();
    target = std::move(*value);
    return {};
  }

  template <std::size_t N, class OnMember>
  result<void> decode_object(json_input json, const member_table<N>& table, OnMember&& on_member) {
    return reader_.run(json, [&]() -> result<void> {
      json_value root = reader_.root_value();
      return reader_.read_object(root, table, on_member);
    });
  }

  result<checksum32> read_checksum(json_value& v) {
    const std::size_t at = reader_.offset_of(v);
    json_kind kind{};
    PSWIRE_TRY_ASSIGN(kind, reader_.type_of(v));
    if (kind != json_kind::number) return reader_.fail(errc::wrong_type, at, "a checksum is a number");
    std::int64_t value = 0;
    // Integers, the common case, exactly; what is not one (a fraction, a huge
    // exponent) is read as the core reads it, through a double.
    if (auto exact = reader_.read_int64(v, value); !exact) {
      if (exact.code() != errc::wrong_type && exact.code() != errc::number_out_of_range) return exact.error_info();
      raw_value raw;
      PSWIRE_TRY(reader_.read_raw(v, raw));
      auto d = raw.get_double();
      // Range first: converting an out-of-range double to an integer is undefined.
      if (!d || *d < -2147483648.0 || *d > 4294967295.0 || *d != std::trunc(*d)) {
        return reader_.fail(errc::number_out_of_range, at, "a checksum must be an integral value in the 32-bit range");
      }
      value = static_cast<std::int64_t>(*d);
    }
    if (value < std::numeric_limits<std::int32_t>::min() || value > std::numeric_limits<std::uint32_t>::max()) {
      return reader_.fail(errc::number_out_of_range, at, "checksum outside the 32-bit range");
    }
    return static_cast<checksum32>(static_cast<std::uint64_t>(value) & 0xFFFFFFFFu);
  }

  result<std::int32_t> read_priority(json_value& v) {
    const std::size_t at = reader_.offset_of(v);
    std::int64_t p = 0;
    PSWIRE_TRY(reader_.read_int64(v, p));
    if (p < 0 || p >= std::numeric_limits<std::int32_t>::max()) {
      return reader_.fail(errc::number_out_of_range, at, "bucket priority must be a non-negative int32");
    }
    return static_cast<std::int32_t>(p);
  }

  result<void> read_buckets(json_value& v, std::vector<bucket_checksum>& out) {
    static constexpr std::string_view names[] = {"bucket", "checksum", "count", "priority", "subscriptions"};
    static constexpr member_table<5> table = make_members(names, {0, 1});
    return reader_.for_each_element(v, [&](json_value& element, std::size_t) -> result<void> {
      bucket_checksum b;
      auto r = reader_.read_object(element, table, [&](std::size_t i, json_value& m) -> result<void> {
        switch (i) {
          case 0: return reader_.read_string(m, b.bucket);
          case 1: return assign(b.checksum, read_checksum(m));
          case 2: {
            auto null = reader_.read_null(m);
            if (!null || *null) return null ? result<void>{} : result<void>{null.error_info()};
            return reader_.read_int64(m, b.count);
          }
          case 3: {
            auto null = reader_.read_null(m);
            if (!null || *null) return null ? result<void>{} : result<void>{null.error_info()};
            return assign(b.priority, read_priority(m));
          }
          default: {
            raw_value raw;
            PSWIRE_TRY(reader_.read_raw(m, raw));
            if (raw.kind() != json_kind::array && !raw.is_null()) {
              return reader_.fail(errc::wrong_type, reader_.offset_of(m), "subscriptions must be an array");
            }
            if (!raw.is_null()) b.subscriptions = raw;
            return {};
          }
        }
      });
      if (!r) return r;
      out.push_back(b);
      return {};
    });
  }

  result<void> read_oplog(json_value& v) {
    static constexpr std::string_view names[] = {"op_id", "op", "object_type", "object_id", "subkey", "data", "checksum"};
    static constexpr member_table<7> table = make_members(names, {0, 1, 6});
    return reader_.for_each_element(v, [&](json_value& element, std::size_t) -> result<void> {
      oplog_entry e;
      auto r = reader_.read_object(element, table, [&](std::size_t i, json_value& m) -> result<void> {
        switch (i) {
          case 0: return assign(e.op_id, wire::read_id_string(reader_, m, id_range::any_int64));
          case 1: {
            const std::size_t op_at = reader_.offset_of(m);
            std::string_view name;
            PSWIRE_TRY(reader_.read_string(m, name));
            static constexpr std::string_view op_names[] = {"PUT", "REMOVE", "MOVE", "CLEAR"};  // in oplog_op order
            static constexpr member_table<4> ops = make_members(op_names);
            const std::size_t op = ops.find(name);
            if (op == 4) return reader_.fail(errc::unknown_op, op_at, "op must be PUT, REMOVE, MOVE or CLEAR");
            e.op = static_cast<oplog_op>(op);
            return {};
          }
          case 2:
          case 3:
          case 4: {
            auto null = reader_.read_null(m);
            if (!null || *null) return null ? result<void>{} : result<void>{null.error_info()};
            std::optional<borrowed_text>& field = i == 2 ? e.object_type : i == 3 ? e.object_id : e.subkey;
            return reader_.read_string(m, field);
          }
          case 5: {
            raw_value raw;
            PSWIRE_TRY(reader_.read_raw(m, raw));
            if (raw.kind() != json_kind::string && raw.kind() != json_kind::object && !raw.is_null()) {
              return reader_.fail(errc::wrong_type, reader_.offset_of(m), "oplog data is a string or an object");
            }
            if (!raw.is_null()) e.data = raw;
            return {};
          }
          default: return assign(e.checksum, read_checksum(m));
        }
      });
      if (!r) return r;
      oplog_.push_back(e);
      return {};
    });
  }

  result<sync_line> read_line_body(std::string_view type, json_value& v) {
    const std::size_t at = reader_.offset_of(v);
    if (type == "token_expires_in") {
      std::int64_t seconds = 0;
      PSWIRE_TRY(reader_.read_int64(v, seconds));
      // The core reads TokenExpiresIn(i32): a larger value fails its whole sync line.
      if (seconds < std::numeric_limits<std::int32_t>::min() || seconds > std::numeric_limits<std::int32_t>::max()) {
        return reader_.fail(errc::number_out_of_range, at, "token_expires_in is a 32-bit integer");
      }
      return sync_line{token_expires_in_line{static_cast<std::int32_t>(seconds)}};
    }
    if (type == "checkpoint" || type == "checkpoint_diff") {
      const bool diff = type == "checkpoint_diff";
      static constexpr std::string_view names[] = {"last_op_id", "write_checkpoint", "buckets", "streams", "updated_buckets",
                                                   "removed_buckets"};
      static constexpr member_table<6> checkpoint_table = make_members(names, {0, 2});
      static constexpr member_table<6> diff_table = make_members(names, {0, 4, 5});
      std::int64_t last_op_id = 0;
      std::optional<std::int64_t> write_checkpoint;
      raw_value streams;
      auto r = reader_.read_object(v, diff ? diff_table : checkpoint_table, [&](std::size_t i, json_value& m) -> result<void> {
        switch (i) {
          case 0: return assign(last_op_id, wire::read_id_string(reader_, m, id_range::any_int64));
          case 1: return assign(write_checkpoint, wire::read_optional_id(reader_, m));
          case 2:
            if (diff) break;  // core tests send a stray "buckets" in diffs: ignored
            return read_buckets(m, buckets_);
          case 3:
            if (diff) break;
            return reader_.read_raw(m, streams);
          case 4:
            if (!diff) break;
            return read_buckets(m, buckets_);
          default:
            if (!diff) break;
            return reader_.for_each_element(m, [&](json_value& name, std::size_t) -> result<void> {
              return reader_.read_string(name, removed_.emplace_back());
            });
        }
        return reader_.skip(m);
      });
      if (!r) return r.error_info();
      if (diff) return sync_line{checkpoint_diff_line{last_op_id, write_checkpoint, {}, {}}};
      return sync_line{checkpoint_line{last_op_id, write_checkpoint, {}, streams}};
    }
    if (type == "checkpoint_complete" || type == "partial_checkpoint_complete") {
      const bool partial = type == "partial_checkpoint_complete";
      static constexpr std::string_view names[] = {"last_op_id", "priority"};
      static constexpr member_table<2> complete_table = make_members(names);
      static constexpr member_table<2> partial_table = make_members(names, {1});
      std::optional<std::int64_t> last_op_id;
      std::int32_t priority = 0;
      auto r = reader_.read_object(v, partial ? partial_table : complete_table, [&](std::size_t i, json_value& m) -> result<void> {
        if (i == 0) return assign(last_op_id, wire::read_id_string(reader_, m, id_range::any_int64));
        if (!partial) {
          return reader_.skip(m);
        }
        return assign(priority, read_priority(m));
      });
      if (!r) return r.error_info();
      if (!partial) return sync_line{checkpoint_complete_line{last_op_id}};
      return sync_line{partial_checkpoint_complete_line{last_op_id, priority}};
    }
    if (type == "data") {
      static constexpr std::string_view names[] = {"bucket", "after", "next_after", "has_more", "data"};
      static constexpr member_table<5> table = make_members(names, {0, 4});
      data_line line;
      auto r = reader_.read_object(v, table, [&](std::size_t i, json_value& m) -> result<void> {
        switch (i) {
          case 0: return reader_.read_string(m, line.bucket);
          case 1: return assign(line.after, wire::read_optional_id(reader_, m));
          case 2: return assign(line.next_after, wire::read_optional_id(reader_, m));
          case 3: {
            const std::size_t flag_at = reader_.offset_of(m);
            raw_value raw;
            PSWIRE_TRY(reader_.read_raw(m, raw));
            if (raw.is_null()) return {};
            auto flag = raw.get_bool();
            if (!flag) return reader_.fail(errc::wrong_type, flag_at, "has_more is a boolean");
            line.has_more = *flag;
            return {};
          }
          default: return read_oplog(m);
        }
      });
      if (!r) return r.error_info();
      return sync_line{line};
    }
    raw_value raw;
    PSWIRE_TRY(reader_.read_raw(v, raw));
    return sync_line{unknown_line{type, raw}};
  }

  // Spans point into the decoder's vectors only once they stopped growing.
  void link(sync_line& line) {
    if (auto* c = std::get_if<checkpoint_line>(&line)) c->buckets = buckets_;
    if (auto* d = std::get_if<checkpoint_diff_line>(&line)) {
      d->updated_buckets = buckets_;
      d->removed_buckets = removed_;
    }
    if (auto* d = std::get_if<data_line>(&line)) d->data = oplog_;
  }

  json_reader reader_;
  std::vector<bucket_checksum> buckets_;
  std::vector<std::string_view> removed_;
  std::vector<oplog_entry> oplog_;
};

// ---------------------------------------------------------------- encoders

namespace detail {
template <class Sink>
void write_id(basic_json_writer<Sink>& w, std::int64_t id) {
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
template <class Sink, std::size_t N>
void write_optional_string(basic_json_writer<Sink>& w, const json_key<N>& key, const std::optional<borrowed_text>& v) {
  if (v) {
    w.key(key);
    w.string_value(*v);
  }
}
template <class Sink>
void write_buckets(basic_json_writer<Sink>& w, std::span<const bucket_checksum> buckets) {
  w.begin_array();
  for (const bucket_checksum& b : buckets) {
    w.begin_object();
    w.key(json_key("bucket"));
    w.string_value(b.bucket);
    w.key(json_key("checksum"));  // the service sends bucket checksums as signed int32 sums
    w.int_value(static_cast<std::int32_t>(b.checksum));
    if (b.count) {
      w.key(json_key("count"));
      w.int_value(*b.count);
    }
    // Written as read: filling in the default would make the canonical form
    // need more than its input (a member per bucket), and leaving out a 3
    // that was sent would change the service's bytes.
    if (b.priority) {
      w.key(json_key("priority"));
      w.int_value(*b.priority);
    }
    if (!b.subscriptions.empty()) {
      w.key(json_key("subscriptions"));
      w.raw_value(b.subscriptions);
    }
    w.end_object();
  }
  w.end_array();
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
// ErrorData members in the service's declaration order, absent ones omitted.
template <class Sink>
void write_service_error(basic_json_writer<Sink>& w, const service_error& e) {
  auto text = [&](const auto& key, const std::optional<borrowed_text>& v) { detail::write_optional_string(w, key, v); };
  w.begin_object();
  w.key(json_key("error"));
  w.begin_object();
  text(json_key("name"), e.name);
  w.key(json_key("code"));
  w.string_value(e.code);
  text(json_key("description"), e.description);
  text(json_key("severity"), e.severity);
  if (!e.details.empty()) {
    w.key(json_key("details"));
    w.raw_value(e.details);
  }
  if (e.status) {
    w.key(json_key("status"));
    w.int_value(*e.status);
  }
  text(json_key("stack"), e.stack);
  text(json_key("origin"), e.origin);
  text(json_key("trace_id"), e.trace_id);
  w.end_object();
  w.end_object();
}

// Sync lines in the service's member order; write_checkpoint omitted when none.
template <class Sink>
void write_sync_line(basic_json_writer<Sink>& w, const sync_line& line) {
  auto optional_id = [&](const auto& key, const std::optional<std::int64_t>& id) {
    if (id) {
      w.key(key);
      detail::write_id(w, *id);
    }
  };
  w.begin_object();
  std::visit(
      [&](const auto& l) {
        using T = std::decay_t<decltype(l)>;
        if constexpr (std::is_same_v<T, checkpoint_line>) {
          w.key(json_key("checkpoint"));
          w.begin_object();
          optional_id(json_key("last_op_id"), l.last_op_id);
          optional_id(json_key("write_checkpoint"), l.write_checkpoint);
          w.key(json_key("buckets"));
          detail::write_buckets(w, l.buckets);
          if (!l.streams.empty()) {
            w.key(json_key("streams"));
            w.raw_value(l.streams);
          }
          w.end_object();
        } else if constexpr (std::is_same_v<T, checkpoint_diff_line>) {
          w.key(json_key("checkpoint_diff"));
          w.begin_object();
          optional_id(json_key("last_op_id"), l.last_op_id);
          optional_id(json_key("write_checkpoint"), l.write_checkpoint);
          w.key(json_key("removed_buckets"));
          w.begin_array();
          for (std::string_view name : l.removed_buckets) w.string_value(name);
          w.end_array();
          w.key(json_key("updated_buckets"));
          detail::write_buckets(w, l.updated_buckets);
          w.end_object();
        } else if constexpr (std::is_same_v<T, checkpoint_complete_line>) {
          w.key(json_key("checkpoint_complete"));
          w.begin_object();
          optional_id(json_key("last_op_id"), l.last_op_id);
          w.end_object();
        } else if constexpr (std::is_same_v<T, partial_checkpoint_complete_line>) {
          w.key(json_key("partial_checkpoint_complete"));
          w.begin_object();
          optional_id(json_key("last_op_id"), l.last_op_id);
          w.key(json_key("priority"));
          w.int_value(l.priority);
          w.end_object();
        } else if constexpr (std::is_same_v<T, data_line>) {
          w.key(json_key("data"));
          w.begin_object();
          w.key(json_key("bucket"));
          w.string_value(l.bucket);
          optional_id(json_key("after"), l.after);
          optional_id(json_key("next_after"), l.next_after);
          if (l.has_more) {
            w.key(json_key("has_more"));
            w.bool_value(*l.has_more);
          }
          w.key(json_key("data"));
          w.begin_array();
          for (const oplog_entry& e : l.data) {
            w.begin_object();
            optional_id(json_key("op_id"), e.op_id);
            w.key(json_key("op"));
            w.string_value(to_string(e.op));
            auto text = [&](const auto& key, const std::optional<borrowed_text>& v) {
              detail::write_optional_string(w, key, v);
            };
            text(json_key("object_type"), e.object_type);
            text(json_key("object_id"), e.object_id);
            w.key(json_key("checksum"));  // op checksums are unsigned
            w.uint_value(e.checksum);
            text(json_key("subkey"), e.subkey);
            if (!e.data.empty()) {
              w.key(json_key("data"));
              w.raw_value(e.data);
            }
            w.end_object();
          }
          w.end_array();
          w.end_object();
        } else if constexpr (std::is_same_v<T, token_expires_in_line>) {
          w.key(json_key("token_expires_in"));
          w.int_value(l.seconds);
        } else {
          w.key(l.type);
          w.raw_value(l.value);
        }
      },
      line);
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
