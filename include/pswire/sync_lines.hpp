// pswire: sync stream lines (service -> client), in JSON (NDJSON lines) and
// in BSON (application/vnd.powersync.bson-stream documents), decoded by one
// body over either reader and encoded by one set of encoders over either
// writer (checkpoints.md 4; the BSON mapping field by field:
// docs/sync-stream.md). Every line is a one-member object: checkpoint,
// checkpoint_diff, checkpoint_complete, partial_checkpoint_complete, data,
// token_expires_in; any other member name is an unknown line, kept.
// Framing a stream into lines: sync_stream.hpp.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "checkpoints.hpp"
#include "core/bson_reader.hpp"
#include "core/bson_writer.hpp"
#include "core/errors.hpp"
#include "core/json_reader.hpp"
#include "core/json_writer.hpp"
#include "core/lifetime.hpp"
#include "core/raw_json.hpp"

namespace pswire {

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
  // The row. raw_data mode (and BSON, always): its JSON text, carried as a
  // string, as the wire had it: a view of the input; from JSON still escaped
  // (data->text() unescapes it), from BSON plain (data->view()). Absent for
  // REMOVE, MOVE, CLEAR (or null).
  std::optional<wire_string> data{};
  // Legacy (JSON without raw_data) mode: the row as a nested object; empty otherwise.
  raw_value legacy_data{};
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

// ---------------------------------------------------------------- decoder

// Decodes sync lines from either dialect with one body (read_line), over
// json_reader or bson_reader. Spans in a result point into this decoder's
// vectors and live until its next decode.
class sync_line_decoder {
 public:
  explicit sync_line_decoder(const limits& lim = {}) : json_(lim), bson_(lim) {}

  // One NDJSON line (without its '\n').
  result<sync_line> decode_sync_line(json_input json PSWIRE_LIFETIMEBOUND) PSWIRE_LIFETIMEBOUND {
    std::optional<sync_line> line;
    PSWIRE_TRY(json_.run(json, [&]() { return read_line(json_, line); }));
    link(*line);
    return *line;
  }

  // One BSON document, exactly its bytes (the int32 length first).
  result<sync_line> decode_sync_line_bson(std::string_view document PSWIRE_LIFETIMEBOUND) PSWIRE_LIFETIMEBOUND {
    std::optional<sync_line> line;
    PSWIRE_TRY(bson_.run(document, [&]() { return read_line(bson_, line); }));
    link(*line);
    return *line;
  }

  // Lines hold views of the input: a temporary would be gone before they are read.
  PSWIRE_DELETE_TEMPORARY_INPUT(decode_sync_line);
  PSWIRE_DELETE_TEMPORARY_INPUT(decode_sync_line_bson);

 private:
  template <class Reader>
  result<void> read_line(Reader& reader, std::optional<sync_line>& line) {
    buckets_.clear();
    removed_.clear();
    oplog_.clear();
    line.reset();
    auto root = reader.root_value();
    const std::size_t root_at = reader.offset_of(root);
    PSWIRE_TRY(reader.for_each_member(root, [&](std::string_view key, auto& v, std::size_t key_at) -> result<void> {
      if (line) return reader.fail(errc::ambiguous_sync_line, key_at, "a sync line has exactly one member");
      PSWIRE_TRY_ASSIGN(line, read_line_body(reader, key, v));
      return {};
    }));
    if (!line) return reader.fail(errc::ambiguous_sync_line, root_at, "a sync line has exactly one member");
    return {};
  }

  // Peers send checksums as int32, uint32, int64 (a bigint in JS) or an
  // integral double: any integral value in [-2^31, 2^32) is taken mod 2^32.
  template <class Reader, class Value>
  static result<checksum32> read_checksum(Reader& reader, Value& v) {
    const std::size_t at = reader.offset_of(v);
    json_kind kind{};
    PSWIRE_TRY_ASSIGN(kind, reader.type_of(v));
    if (kind != json_kind::number) return reader.fail(errc::wrong_type, at, "a checksum is a number");
    std::int64_t value = 0;
    // Integers, the common case, exactly; what is not one (a fraction, a huge
    // exponent) is read as the core reads it, through a double.
    if (auto exact = reader.read_int64(v, value); !exact) {
      if (exact.code() != errc::wrong_type && exact.code() != errc::number_out_of_range) return exact.error_info();
      double d = 0;
      PSWIRE_TRY(reader.read_double(v, d));
      // Range first (NaN fails it too): converting an out-of-range double to an integer is undefined.
      if (!(d >= -2147483648.0 && d <= 4294967295.0) || d != std::trunc(d)) {
        return reader.fail(errc::number_out_of_range, at, "a checksum must be an integral value in the 32-bit range");
      }
      value = static_cast<std::int64_t>(d);
    }
    if (value < std::numeric_limits<std::int32_t>::min() || value > std::numeric_limits<std::uint32_t>::max()) {
      return reader.fail(errc::number_out_of_range, at, "checksum outside the 32-bit range");
    }
    return static_cast<checksum32>(static_cast<std::uint64_t>(value) & 0xFFFFFFFFu);
  }

  template <class Reader, class Value>
  static result<std::int32_t> read_priority(Reader& reader, Value& v) {
    const std::size_t at = reader.offset_of(v);
    std::int64_t p = 0;
    PSWIRE_TRY(reader.read_int64(v, p));
    if (p < 0 || p >= std::numeric_limits<std::int32_t>::max()) {
      return reader.fail(errc::number_out_of_range, at, "bucket priority must be a non-negative int32");
    }
    return static_cast<std::int32_t>(p);
  }

  // A member that may be null: `read` runs only for a value.
  template <class Reader, class Value, class Read>
  static result<void> unless_null(Reader& reader, Value& v, Read&& read) {
    bool null = false;
    PSWIRE_TRY_ASSIGN(null, reader.read_null(v));
    if (null) return {};
    return read();
  }

  template <class Reader, class Value>
  result<void> read_buckets(Reader& reader, Value& v) {
    static constexpr std::string_view names[] = {"bucket", "checksum", "count", "priority", "subscriptions"};
    static constexpr member_table<5> table = make_members(names, {0, 1});
    return reader.for_each_element(v, [&](Value& element, std::size_t) -> result<void> {
      bucket_checksum b;
      PSWIRE_TRY(reader.read_object(element, table, [&](std::size_t i, Value& m) -> result<void> {
        switch (i) {
          case 0: return reader.read_string(m, b.bucket);
          case 1: return detail::assign_result(b.checksum, read_checksum(reader, m));
          case 2: return unless_null(reader, m, [&] { return reader.read_int64(m, b.count); });
          case 3: return unless_null(reader, m, [&] { return detail::assign_result(b.priority, read_priority(reader, m)); });
          default:
            return unless_null(reader, m, [&]() -> result<void> {
              json_kind kind{};
              PSWIRE_TRY_ASSIGN(kind, reader.type_of(m));
              if (kind != json_kind::array) return reader.fail(errc::wrong_type, reader.offset_of(m), "subscriptions must be an array");
              return reader.read_raw(m, b.subscriptions);
            });
        }
      }));
      buckets_.push_back(b);
      return {};
    });
  }

  template <class Reader, class Value>
  result<void> read_oplog(Reader& reader, Value& v) {
    static constexpr std::string_view names[] = {"op_id", "op", "object_type", "object_id", "subkey", "data", "checksum"};
    static constexpr member_table<7> table = make_members(names, {0, 1, 6});
    return reader.for_each_element(v, [&](Value& element, std::size_t) -> result<void> {
      oplog_entry e;
      PSWIRE_TRY(reader.read_object(element, table, [&](std::size_t i, Value& m) -> result<void> {
        switch (i) {
          case 0: return detail::assign_result(e.op_id, wire::read_id_string(reader, m, id_range::any_int64));
          case 1: {
            const std::size_t op_at = reader.offset_of(m);
            std::string_view name;
            PSWIRE_TRY(reader.read_string(m, name));
            static constexpr std::string_view op_names[] = {"PUT", "REMOVE", "MOVE", "CLEAR"};  // in oplog_op order
            static constexpr member_table<4> ops = make_members(op_names);
            const std::size_t op = ops.find(name);
            if (op == 4) return reader.fail(errc::unknown_op, op_at, "op must be PUT, REMOVE, MOVE or CLEAR");
            e.op = static_cast<oplog_op>(op);
            return {};
          }
          case 2:
          case 3:
          case 4: {
            std::optional<borrowed_text>& field = i == 2 ? e.object_type : i == 3 ? e.object_id : e.subkey;
            return unless_null(reader, m, [&] { return reader.read_string(m, field); });
          }
          case 5:
            return unless_null(reader, m, [&]() -> result<void> {
              json_kind kind{};
              PSWIRE_TRY_ASSIGN(kind, reader.type_of(m));
              if (kind == json_kind::string) return reader.read_wire_string(m, e.data.emplace());
              if (kind == json_kind::object) return reader.read_raw(m, e.legacy_data);
              return reader.fail(errc::wrong_type, reader.offset_of(m), "oplog data is a string or an object");
            });
          default: return detail::assign_result(e.checksum, read_checksum(reader, m));
        }
      }));
      oplog_.push_back(e);
      return {};
    });
  }

  template <class Reader, class Value>
  result<sync_line> read_checkpoint(Reader& reader, Value& v, bool diff) {
    static constexpr std::string_view names[] = {"last_op_id", "write_checkpoint", "buckets", "streams", "updated_buckets",
                                                 "removed_buckets"};
    static constexpr member_table<6> checkpoint_table = make_members(names, {0, 2});
    static constexpr member_table<6> diff_table = make_members(names, {0, 4, 5});
    std::int64_t last_op_id = 0;
    std::optional<std::int64_t> write_checkpoint;
    raw_value streams;
    PSWIRE_TRY(reader.read_object(v, diff ? diff_table : checkpoint_table, [&](std::size_t i, Value& m) -> result<void> {
      switch (i) {
        case 0: return detail::assign_result(last_op_id, wire::read_id_string(reader, m, id_range::any_int64));
        case 1: return detail::assign_result(write_checkpoint, wire::read_optional_id(reader, m));
        case 2:
          if (diff) break;  // core tests send a stray "buckets" in diffs: ignored
          return read_buckets(reader, m);
        case 3:
          if (diff) break;
          return reader.read_raw(m, streams);
        case 4:
          if (!diff) break;
          return read_buckets(reader, m);
        default:
          if (!diff) break;
          return reader.for_each_element(m, [&](Value& name, std::size_t) -> result<void> {
            return reader.read_string(name, removed_.emplace_back());
          });
      }
      return reader.skip(m);
    }));
    if (diff) return sync_line{checkpoint_diff_line{last_op_id, write_checkpoint, {}, {}}};
    return sync_line{checkpoint_line{last_op_id, write_checkpoint, {}, streams}};
  }

  template <class Reader, class Value>
  static result<sync_line> read_complete(Reader& reader, Value& v, bool partial) {
    static constexpr std::string_view names[] = {"last_op_id", "priority"};
    static constexpr member_table<2> complete_table = make_members(names);
    static constexpr member_table<2> partial_table = make_members(names, {1});
    std::optional<std::int64_t> last_op_id;
    std::int32_t priority = 0;
    PSWIRE_TRY(reader.read_object(v, partial ? partial_table : complete_table, [&](std::size_t i, Value& m) -> result<void> {
      if (i == 0) return detail::assign_result(last_op_id, wire::read_id_string(reader, m, id_range::any_int64));
      if (!partial) return reader.skip(m);
      return detail::assign_result(priority, read_priority(reader, m));
    }));
    if (!partial) return sync_line{checkpoint_complete_line{last_op_id}};
    return sync_line{partial_checkpoint_complete_line{last_op_id, priority}};
  }

  template <class Reader, class Value>
  result<sync_line> read_data(Reader& reader, Value& v) {
    static constexpr std::string_view names[] = {"bucket", "after", "next_after", "has_more", "data"};
    static constexpr member_table<5> table = make_members(names, {0, 4});
    data_line line;
    PSWIRE_TRY(reader.read_object(v, table, [&](std::size_t i, Value& m) -> result<void> {
      switch (i) {
        case 0: return reader.read_string(m, line.bucket);
        case 1: return detail::assign_result(line.after, wire::read_optional_id(reader, m));
        case 2: return detail::assign_result(line.next_after, wire::read_optional_id(reader, m));
        case 3:
          return unless_null(reader, m, [&]() -> result<void> {
            bool flag = false;
            PSWIRE_TRY(reader.read_bool(m, flag));
            line.has_more = flag;
            return {};
          });
        default: return read_oplog(reader, m);
      }
    }));
    return sync_line{line};
  }

  template <class Reader, class Value>
  result<sync_line> read_line_body(Reader& reader, std::string_view type, Value& v) {
    if (type == "token_expires_in") {
      const std::size_t at = reader.offset_of(v);
      std::int64_t seconds = 0;
      PSWIRE_TRY(reader.read_int64(v, seconds));
      // The core reads TokenExpiresIn(i32): a larger value fails its whole sync line.
      if (seconds < std::numeric_limits<std::int32_t>::min() || seconds > std::numeric_limits<std::int32_t>::max()) {
        return reader.fail(errc::number_out_of_range, at, "token_expires_in is a 32-bit integer");
      }
      return sync_line{token_expires_in_line{static_cast<std::int32_t>(seconds)}};
    }
    if (type == "checkpoint") return read_checkpoint(reader, v, false);
    if (type == "checkpoint_diff") return read_checkpoint(reader, v, true);
    if (type == "checkpoint_complete") return read_complete(reader, v, false);
    if (type == "partial_checkpoint_complete") return read_complete(reader, v, true);
    if (type == "data") return read_data(reader, v);
    raw_value raw;
    PSWIRE_TRY(reader.read_raw(v, raw));
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

  json_reader json_;
  bson_reader bson_;
  std::vector<bucket_checksum> buckets_;
  std::vector<std::string_view> removed_;
  std::vector<oplog_entry> oplog_;
};

// ---------------------------------------------------------------- encoders
//
// One overload per line type, over either writer: basic_json_writer<Sink>
// (NDJSON) or bson_writer (one document). Members in the service's order;
// absent optional members are left out (write_checkpoint when none).

namespace detail {
template <class Writer, class Key>
void write_optional_id(Writer& w, const Key& key, const std::optional<std::int64_t>& id) {
  if (id) {
    w.key(key);
    write_id(w, *id);
  }
}
template <class Writer>
void write_buckets(Writer& w, std::span<const bucket_checksum> buckets) {
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
template <class Writer>
void write_oplog_entry(Writer& w, const oplog_entry& e) {
  w.begin_object();
  write_optional_id(w, json_key("op_id"), e.op_id);
  w.key(json_key("op"));
  w.string_value(to_string(e.op));
  write_optional_string(w, json_key("object_type"), e.object_type);
  write_optional_string(w, json_key("object_id"), e.object_id);
  w.key(json_key("checksum"));  // op checksums are unsigned
  w.uint_value(e.checksum);
  write_optional_string(w, json_key("subkey"), e.subkey);
  if (e.data) {
    w.key(json_key("data"));
    w.string_value(*e.data);
  } else if (!e.legacy_data.empty()) {
    w.key(json_key("data"));
    w.raw_value(e.legacy_data);
  }
  w.end_object();
}
}  // namespace detail

template <class Writer>
void write_sync_line(Writer& w, const checkpoint_line& l) {
  w.begin_object();
  w.key(json_key("checkpoint"));
  w.begin_object();
  detail::write_optional_id(w, json_key("last_op_id"), l.last_op_id);
  detail::write_optional_id(w, json_key("write_checkpoint"), l.write_checkpoint);
  w.key(json_key("buckets"));
  detail::write_buckets(w, l.buckets);
  if (!l.streams.empty()) {
    w.key(json_key("streams"));
    w.raw_value(l.streams);
  }
  w.end_object();
  w.end_object();
}
template <class Writer>
void write_sync_line(Writer& w, const checkpoint_diff_line& l) {
  w.begin_object();
  w.key(json_key("checkpoint_diff"));
  w.begin_object();
  detail::write_optional_id(w, json_key("last_op_id"), l.last_op_id);
  detail::write_optional_id(w, json_key("write_checkpoint"), l.write_checkpoint);
  w.key(json_key("removed_buckets"));
  w.begin_array();
  for (std::string_view name : l.removed_buckets) w.string_value(name);
  w.end_array();
  w.key(json_key("updated_buckets"));
  detail::write_buckets(w, l.updated_buckets);
  w.end_object();
  w.end_object();
}
template <class Writer>
void write_sync_line(Writer& w, const checkpoint_complete_line& l) {
  w.begin_object();
  w.key(json_key("checkpoint_complete"));
  w.begin_object();
  detail::write_optional_id(w, json_key("last_op_id"), l.last_op_id);
  w.end_object();
  w.end_object();
}
template <class Writer>
void write_sync_line(Writer& w, const partial_checkpoint_complete_line& l) {
  w.begin_object();
  w.key(json_key("partial_checkpoint_complete"));
  w.begin_object();
  detail::write_optional_id(w, json_key("last_op_id"), l.last_op_id);
  w.key(json_key("priority"));
  w.int_value(l.priority);
  w.end_object();
  w.end_object();
}
template <class Writer>
void write_sync_line(Writer& w, const data_line& l) {
  w.begin_object();
  w.key(json_key("data"));
  w.begin_object();
  w.key(json_key("bucket"));
  w.string_value(l.bucket);
  detail::write_optional_id(w, json_key("after"), l.after);
  detail::write_optional_id(w, json_key("next_after"), l.next_after);
  if (l.has_more) {
    w.key(json_key("has_more"));
    w.bool_value(*l.has_more);
  }
  w.key(json_key("data"));
  w.begin_array();
  for (const oplog_entry& e : l.data) detail::write_oplog_entry(w, e);
  w.end_array();
  w.end_object();
  w.end_object();
}
template <class Writer>
void write_sync_line(Writer& w, const token_expires_in_line& l) {
  w.begin_object();
  w.key(json_key("token_expires_in"));
  w.int_value(l.seconds);
  w.end_object();
}
template <class Writer>
void write_sync_line(Writer& w, const unknown_line& l) {
  w.begin_object();
  w.key(l.type);
  w.raw_value(l.value);
  w.end_object();
}
template <class Writer>
void write_sync_line(Writer& w, const sync_line& line) {
  std::visit([&](const auto& l) { write_sync_line(w, l); }, line);
}

// One line as one BSON document appended to `out`: its size, or the
// writer's error, and then `out` is as it was.
template <class Line>
result<std::size_t> encode_sync_line_bson(std::string& out, const Line& line) {
  const std::size_t before = out.size();
  bson_writer w(out);
  write_sync_line(w, line);
  auto size = w.finish();
  if (!size) out.resize(before);
  return size;
}

}  // namespace pswire
