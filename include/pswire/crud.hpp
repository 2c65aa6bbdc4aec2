// pswire: CRUD operations, the unit of the upload queue.
// PUT / PATCH / DELETE op types over a Row type (the zero-copy raw_object
// by default, or a struct described with PSWIRE_ROW), and their three wire
// dialects:
//   ps_crud  the core extension's ps_crud.data JSON (+ the row's id, tx_id)
//   sdk      the SDKs' CrudEntry.toJSON()
//   upload   the write API's CrudEntry
// Rules and rejections: docs/crud.md.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "core/errors.hpp"
#include "core/json_reader.hpp"
#include "core/json_writer.hpp"
#include "core/lifetime.hpp"
#include "core/limits.hpp"
#include "core/raw_json.hpp"
#include "row.hpp"

namespace pswire {

enum class op_type : std::uint8_t { put, patch, del };

constexpr std::string_view to_string(op_type op) noexcept {
  switch (op) {
    case op_type::put: return "PUT";
    case op_type::patch: return "PATCH";
    case op_type::del: return "DELETE";
  }
  return "";
}

namespace detail {
inline constexpr std::string_view op_type_names[] = {"PUT", "PATCH", "DELETE"};  // in op_type order
inline constexpr member_table<3> op_types = make_members(op_type_names);
}  // namespace detail

// Exact, case-sensitive names, as every SDK compares them.
constexpr std::optional<op_type> parse_op_type(std::string_view name) noexcept {
  const std::size_t index = detail::op_types.find(name);
  if (index == 3) return std::nullopt;
  return static_cast<op_type>(index);
}

// PATCH data: for the raw view, absent / null / value per member is already
// in the JSON; typed rows get a tri-state per field.
template <class Row>
struct patch_data {
  using type = patch_row<Row>;
};
template <>
struct patch_data<raw_object> {
  using type = raw_object;
};
template <class Row>
using patch_data_t = typename patch_data<Row>::type;

// Insert or replace: every non-NULL column. For raw_object an absent `data`
// is a default (not present()) view.
template <class Row = raw_object>
struct put_op {
  static constexpr op_type type = op_type::put;
  Row data{};
  friend bool operator==(const put_op&, const put_op&) = default;
};

// Update: only the changed columns; null sets a column to NULL.
template <class Row = raw_object>
struct patch_op {
  static constexpr op_type type = op_type::patch;
  patch_data_t<Row> data{};
  friend bool operator==(const patch_op&, const patch_op&) = default;
};

// Delete: the row id says it all, but a DELETE may still carry data (an app
// writing to powersync_crud directly stores some): it is kept and re-encoded
// as read. It is a raw_object for typed rows too, because it need not match
// the row's schema (docs/crud.md). Absent (!data.present()) by default.
template <class Row = raw_object>
struct delete_op {
  static constexpr op_type type = op_type::del;
  raw_object data{};
  friend bool operator==(const delete_op&, const delete_op&) = default;
};

// Where ps_crud.data puts "type": the core's triggers write op,id,type, but
// insert-only tables write op,type,id. Kept so rows re-encode byte-exact.
enum class ps_crud_key_order : std::uint8_t { id_then_type, type_then_id };

// One queued write, in whichever dialect it came.
// Strings are unescaped views that live as long as the decoder that made
// them (until its next decode); raw_object views live as long as the input.
// A caller filling one in lends its text: borrowed_text refuses a temporary.
template <class Row = raw_object>
struct crud_entry {
  std::optional<std::int64_t> op_id;  // ps_crud.id = SDK op_id = PoC client_id
  std::optional<std::int64_t> tx_id;  // ps_crud.tx_id = SDK tx_id = write API transaction_id
  borrowed_text table;                // SDK/ps_crud "type", write API "table"
  borrowed_text id;                   // the row id, always a string
  std::variant<put_op<Row>, patch_op<Row>, delete_op<Row>> op;
  raw_object old;                      // previous values; !old.present() when absent
  std::optional<borrowed_text> metadata;
  ps_crud_key_order key_order = ps_crud_key_order::id_then_type;  // layout only: not part of ==

  op_type type() const noexcept { return static_cast<op_type>(op.index()); }
  const put_op<Row>* as_put() const noexcept { return std::get_if<put_op<Row>>(&op); }
  const patch_op<Row>* as_patch() const noexcept { return std::get_if<patch_op<Row>>(&op); }
  const delete_op<Row>* as_delete() const noexcept { return std::get_if<delete_op<Row>>(&op); }

  friend bool operator==(const crud_entry& a, const crud_entry& b) {
    return a.op_id == b.op_id && a.tx_id == b.tx_id && a.table == b.table && a.id == b.id && a.op == b.op &&
           a.old == b.old && a.metadata == b.metadata;
  }
};

enum class crud_dialect : std::uint8_t { ps_crud, sdk, upload };

// Member names of one dialect; an empty name is not part of that dialect.
struct crud_dialect_keys {
  std::string_view op_id, op, table, id, tx_id, data, old, metadata;
};

namespace detail {
// The member names of each dialect, once: as json_key constants for the
// encoders (one fixed-size copy with quotes and colon each), and as
// keys_of() for the decoders' member tables.
struct ps_crud_keys {
  static constexpr bool has_ids = false;  // the row's columns carry them
  static constexpr json_key op{"op"};
  static constexpr json_key table{"type"};
  static constexpr json_key id{"id"};
  static constexpr json_key data{"data"};
  static constexpr json_key old{"old"};
  static constexpr json_key metadata{"metadata"};
};
struct sdk_keys : ps_crud_keys {  // the same names, and the ids
  static constexpr bool has_ids = true;
  static constexpr json_key op_id{"op_id"};
  static constexpr json_key tx_id{"tx_id"};
};
struct upload_keys {
  static constexpr bool has_ids = true;
  static constexpr json_key op{"op"};
  static constexpr json_key table{"table"};
  static constexpr json_key id{"id"};
  static constexpr json_key data{"op_data"};
  static constexpr json_key old{"previous_values"};
  static constexpr json_key metadata{"metadata"};
  static constexpr json_key op_id{"client_id"};
  static constexpr json_key tx_id{"transaction_id"};
};

template <class Keys>
constexpr crud_dialect_keys names_of() noexcept {
  constexpr auto name = [](const auto& key) { return std::string_view(key.data() + 1, key.size() - 3); };  // "name":
  crud_dialect_keys k{{}, name(Keys::op), name(Keys::table), name(Keys::id), {}, name(Keys::data), name(Keys::old),
                      name(Keys::metadata)};
  if constexpr (Keys::has_ids) {
    k.op_id = name(Keys::op_id);
    k.tx_id = name(Keys::tx_id);
  }
  return k;
}
}  // namespace detail

constexpr crud_dialect_keys keys_of(crud_dialect d) noexcept {
  switch (d) {
    case crud_dialect::ps_crud: return detail::names_of<detail::ps_crud_keys>();
    case crud_dialect::sdk: return detail::names_of<detail::sdk_keys>();
    case crud_dialect::upload: return detail::names_of<detail::upload_keys>();
  }
  return {};
}

// Converts a decoded raw entry to a typed one. Each branch constructs the
// entry once, with its final alternative: assigning a new alternative over a
// default one made g++ 12 -O1..-O3 warn (-Wmaybe-uninitialized) on the move.
template <class Row>
result<crud_entry<Row>> to_typed(const crud_entry<raw_object>& raw) {
  const auto with_op = [&raw](auto&& op) -> result<crud_entry<Row>> {
    return crud_entry<Row>{raw.op_id, raw.tx_id, raw.table, raw.id, std::forward<decltype(op)>(op), raw.old, raw.metadata, raw.key_order};
  };
  if (const auto* put = raw.as_put()) {
    auto row = read_row<Row>(put->data);
    if (!row) return row.error_info();
    return with_op(put_op<Row>{std::move(*row)});
  }
  if (const auto* patch = raw.as_patch()) {
    auto row = read_patch<Row>(patch->data);
    if (!row) return row.error_info();
    return with_op(patch_op<Row>{std::move(*row)});
  }
  return with_op(delete_op<Row>{raw.as_delete()->data});
}

namespace wire {

enum crud_member : std::size_t { m_op_id, m_op, m_table, m_id, m_tx_id, m_data, m_old, m_metadata, m_crud_members };

constexpr member_table<m_crud_members> crud_members(crud_dialect dialect) {
  const crud_dialect_keys k = keys_of(dialect);
  const std::string_view names[m_crud_members] = {k.op_id, k.op, k.table, k.id, k.tx_id, k.data, k.old, k.metadata};
  return make_members(names, {m_op, m_table, m_id});
}
inline constexpr member_table<m_crud_members> crud_member_tables[] = {
    crud_members(crud_dialect::ps_crud), crud_members(crud_dialect::sdk), crud_members(crud_dialect::upload)};

// Decodes one entry object of any dialect from the reader's current value
// into `entry`, a default-constructed entry (in place: a batch decodes into
// its entry vector, no copy per operation).
inline result<void> read_crud_entry(json_reader& reader, json_value& value, crud_dialect dialect, crud_entry<raw_object>& entry) {
  op_type op{};
  raw_object data;
  bool table_seen = false;
  auto member = [&](std::size_t which, json_value& v) -> result<void> {
    switch (which) {
      case m_op: {
        const std::size_t at = reader.offset_of(v);
        std::string_view name;
        PSWIRE_TRY(reader.read_string(v, name));
        const auto parsed = parse_op_type(name);
        if (!parsed) return reader.fail(errc::unknown_op, at, "op must be PUT, PATCH or DELETE");
        op = *parsed;
        return {};
      }
      case m_table:
        table_seen = true;
        PSWIRE_TRY(reader.read_string(v, entry.table));
        return {};
      case m_id:
        if (table_seen) entry.key_order = ps_crud_key_order::type_then_id;
        PSWIRE_TRY(reader.read_string(v, entry.id));
        return {};
      case m_op_id: PSWIRE_TRY(reader.read_optional_int64(v, entry.op_id)); return {};
      case m_tx_id: PSWIRE_TRY(reader.read_optional_int64(v, entry.tx_id)); return {};
      case m_data: PSWIRE_TRY(reader.read_optional_raw_object(v, data)); return {};
      case m_old: PSWIRE_TRY(reader.read_optional_raw_object(v, entry.old)); return {};
      default: {  // m_metadata
        json_kind kind{};
        PSWIRE_TRY_ASSIGN(kind, reader.type_of(v));
        if (kind == json_kind::string) {
          PSWIRE_TRY(reader.read_string(v, entry.metadata));
          return {};
        }
        // Core 0.4.0/0.4.1 wrote a non-TEXT _metadata as a JSON number; every
        // core since drops it, and so do we (docs/crud.md). Null is absent.
        const bool dropped = kind == json_kind::null || (kind == json_kind::number && dialect == crud_dialect::ps_crud);
        if (!dropped) return reader.fail_type(detail::expected::string, v);
        return reader.skip(v);
      }
    }
  };
  PSWIRE_TRY(reader.read_object(value, crud_member_tables[static_cast<std::size_t>(dialect)], member));
  switch (op) {
    case op_type::put: entry.op = put_op<raw_object>{data}; break;
    case op_type::patch: entry.op = patch_op<raw_object>{data}; break;
    case op_type::del: entry.op = delete_op<raw_object>{data}; break;  // kept, not refused (docs/crud.md)
  }
  return {};
}

}  // namespace wire

struct encode_options {
  // The PoC write API required CrudEntry.client_id (the ps_crud id); the
  // current reference does not define it, so it is left out by default.
  bool upload_client_id = false;
};

namespace detail {
template <class Data>
constexpr bool has_data(const Data& data) noexcept {
  if constexpr (std::is_same_v<Data, raw_object>) return data.present();
  else return true;
}
}  // namespace detail

namespace detail {
template <class Keys, class Sink, class Row>
void write_crud_entry_with(basic_json_writer<Sink>& w, const crud_entry<Row>& e, crud_dialect dialect, const encode_options& options) {
  auto optional_int = [&](const auto& key, const std::optional<std::int64_t>& v) {
    if (!v) return;
    w.key(key);
    w.int_value(*v);
  };
  w.begin_object();
  if constexpr (Keys::has_ids) {
    if (dialect == crud_dialect::sdk || options.upload_client_id) optional_int(Keys::op_id, e.op_id);
  }
  w.key(Keys::op);
  w.string_value(to_string(e.type()));
  if (dialect == crud_dialect::ps_crud && e.key_order == ps_crud_key_order::id_then_type) {
    w.key(Keys::id);
    w.string_value(e.id);
    w.key(Keys::table);
    w.string_value(e.table);
  } else {
    w.key(Keys::table);
    w.string_value(e.table);
    w.key(Keys::id);
    w.string_value(e.id);
    if constexpr (Keys::has_ids) optional_int(Keys::tx_id, e.tx_id);
  }
  std::visit(
      [&](const auto& op) {
        if constexpr (requires { op.data; }) {
          if (has_data(op.data)) {
            w.key(Keys::data);
            write_row(w, op.data);
          }
        }
      },
      e.op);
  if (e.old.present()) {
    w.key(Keys::old);
    w.raw_value(e.old);
  }
  if (e.metadata) {
    w.key(Keys::metadata);
    w.string_value(*e.metadata);
  }
  w.end_object();
}
}  // namespace detail

// Writes one entry in the reference form of a dialect: the core's key order
// for ps_crud, JS toJSON() for sdk, the reference client's for upload;
// absent optional members are left out.
template <class Sink, class Row>
void write_crud_entry(basic_json_writer<Sink>& w, const crud_entry<Row>& e, crud_dialect dialect,
                      const encode_options& options = {}) {
  switch (dialect) {
    case crud_dialect::ps_crud: return detail::write_crud_entry_with<detail::ps_crud_keys>(w, e, dialect, options);
    case crud_dialect::sdk: return detail::write_crud_entry_with<detail::sdk_keys>(w, e, dialect, options);
    case crud_dialect::upload: return detail::write_crud_entry_with<detail::upload_keys>(w, e, dialect, options);
  }
}

// Writes a ps_crud row as {"id":N,"tx_id":N,"data":"<ps_crud JSON>"}.
// `scratch` holds the inner JSON while it is embedded (reuse it).
template <class Sink, class Row>
void write_crud_row(basic_json_writer<Sink>& w, const crud_entry<Row>& e, std::string& scratch) {
  scratch.clear();
  json_writer inner{string_sink(scratch)};
  write_crud_entry(inner, e, crud_dialect::ps_crud);
  w.begin_object();
  w.key("id");
  if (e.op_id) w.int_value(*e.op_id);
  else w.null_value();
  w.key("tx_id");
  if (e.tx_id) w.int_value(*e.tx_id);
  else w.null_value();
  w.key("data");
  w.string_value(std::string_view(scratch));  // the data column holds JSON as text
  w.end_object();
}

// One row of the ps_crud table: its id and tx_id columns and its data column
// (ps_crud.data JSON), as read from SQLite.
struct ps_crud_row {
  std::int64_t id = 0;
  std::optional<std::int64_t> tx_id;
  std::string_view data;
};

// Decodes single entries. Reuse one decoder: once its buffers have grown,
// decoding allocates nothing. What a result refers to stays valid until the
// next decode with the same decoder (and while the input buffer lives).
class crud_decoder {
 public:
  explicit crud_decoder(const limits& lim = {}) : reader_(lim), inner_(lim) {}

  // One entry of the sdk or upload dialect, or a bare ps_crud.data object.
  template <class Row = raw_object>
  result<crud_entry<Row>> decode(json_input json PSWIRE_LIFETIMEBOUND, crud_dialect dialect) PSWIRE_LIFETIMEBOUND {
    return typed<Row>(decode_raw(reader_, json, dialect));
  }
  // Written out because Row is given explicitly (decode<todo>(...)).
  template <class Row = raw_object, owning_temporary Temporary>
  void decode(Temporary&&, crud_dialect) = delete;

  // The ps_crud.data JSON of a row, with that row's id and tx_id columns.
  template <class Row = raw_object>
  result<crud_entry<Row>> decode_ps_crud(std::int64_t id, std::optional<std::int64_t> tx_id,
                                         json_input data_json PSWIRE_LIFETIMEBOUND) PSWIRE_LIFETIMEBOUND {
    auto entry = decode_raw(reader_, data_json, crud_dialect::ps_crud);
    if (entry) {
      entry->op_id = id;
      entry->tx_id = tx_id;
    }
    return typed<Row>(std::move(entry));
  }
  template <class Row = raw_object, owning_temporary Temporary>
  void decode_ps_crud(std::int64_t, std::optional<std::int64_t>, Temporary&&) = delete;

  // A whole ps_crud row as JSON: {"id":N,"tx_id":N|null,"data":"<JSON text>"}.
  // Errors inside the embedded JSON have paths "data.<path>" and the offset
  // of the "data" string. Nothing in the entry views row_json: the data
  // column is a JSON string, unescaped into this decoder before it is read,
  // so a temporary row_json is fine (and not deleted), a temporary decoder is not.
  template <class Row = raw_object>
  result<crud_entry<Row>> decode_crud_row(std::string_view row_json) PSWIRE_LIFETIMEBOUND {
    return typed<Row>(decode_row_raw(row_json));
  }

  // Rows of ps_crud in id order, each decoded as decode_ps_crud would and
  // handed to `on_entry(index, entry)` (which returns result<void>) before
  // the next is read; stops at the first error, of a row or of on_entry,
  // with `done` rows handed over. Rows go through stage 1 in blocks of about
  // 64 KiB, so that a 200-byte row does not pay a whole message's fixed cost.
  // Entries view this decoder: valid during on_entry only.
  template <class OnEntry>
  result<void> decode_ps_crud_rows(std::span<const ps_crud_row> rows, OnEntry&& on_entry, std::size_t& done) {
    constexpr std::size_t block_bytes = 64u << 10;
    done = 0;
    while (done < rows.size()) {
      std::size_t end = done, bytes = 0;
      while (end < rows.size() && bytes + rows[end].data.size() + 1 <= block_bytes) bytes += rows[end++].data.size() + 1;
      if (end == done) {  // a row larger than a block: alone
        PSWIRE_TRY(decode_row_alone(rows[done], done, on_entry));
        ++done;
        continue;
      }
      char* block = reader_.block_buffer(bytes);
      std::size_t at = 0;
      for (std::size_t k = done; k < end; ++k) {
        std::memcpy(block + at, rows[k].data.data(), rows[k].data.size());
        at += rows[k].data.size();
        block[at++] = ' ';
      }
      bool in_block = reader_.start_block(bytes);
      for (std::size_t k = done, begin = 0; k < end; ++k) {
        const std::size_t row_end = begin + rows[k].data.size();
        crud_entry<raw_object> entry;
        in_block = in_block && reader_.decode_in_block(begin, row_end, [&] {
          json_value root = reader_.root_value();
          return wire::read_crud_entry(reader_, root, crud_dialect::ps_crud, entry);
        });
        if (in_block) {
          entry.op_id = rows[k].id;
          entry.tx_id = rows[k].tx_id;
          PSWIRE_TRY(on_entry(k, std::as_const(entry)));
        } else {
          // Refused in the block, or after a refusal: the row alone decides.
          PSWIRE_TRY(decode_row_alone(rows[k], k, on_entry));
        }
        ++done;
        begin = row_end + 1;
      }
    }
    return {};
  }

  const limits& limits_in_use() const noexcept { return reader_.limits_in_use(); }

 private:
  template <class OnEntry>
  result<void> decode_row_alone(const ps_crud_row& row, std::size_t index, OnEntry& on_entry) {
    auto entry = decode_ps_crud(row.id, row.tx_id, row.data);
    if (!entry) return entry.error_info();
    return on_entry(index, std::as_const(*entry));
  }

  static result<crud_entry<raw_object>> decode_raw(json_reader& reader, json_input json, crud_dialect dialect) {
    crud_entry<raw_object> entry;
    PSWIRE_TRY(reader.run(json, [&]() -> result<void> {
      entry = {};
      json_value root = reader.root_value();
      return wire::read_crud_entry(reader, root, dialect, entry);
    }));
    return entry;
  }

  enum row_member : std::size_t { m_row_id, m_row_tx_id, m_row_data, m_row_members };
  static constexpr std::string_view row_member_names[m_row_members] = {"id", "tx_id", "data"};
  static constexpr member_table<m_row_members> row_members = make_members(row_member_names, {m_row_id, m_row_data});

  result<crud_entry<raw_object>> decode_row_raw(json_input row_json) {
    std::int64_t id = 0;
    std::optional<std::int64_t> tx_id;
    std::string_view data;
    std::size_t data_at = 0;
    PSWIRE_TRY(reader_.run(row_json, [&]() -> result<void> {
      json_value root = reader_.root_value();
      return reader_.read_object(root, row_members, [&](std::size_t which, json_value& v) -> result<void> {
        switch (which) {
          case m_row_id:
            if (reader_.type_of(v).value_or(json_kind::object) == json_kind::null) {
              return reader_.fail(errc::wrong_type, reader_.offset_of(v), "the ps_crud id is never null");
            }
            PSWIRE_TRY(reader_.read_int64(v, id));
            return {};
          case m_row_tx_id: PSWIRE_TRY(reader_.read_optional_int64(v, tx_id)); return {};
          default:
            data_at = reader_.offset_of(v);
            PSWIRE_TRY(reader_.read_string(v, data));
            return {};
        }
      });
    }));
    auto entry = decode_raw(inner_, data, crud_dialect::ps_crud);
    if (!entry) {
      error e = entry.error_info();
      error outer = make_error(e.code, data_at, e.detail);
      outer.path.append_key("data");
      if (!e.path.empty()) outer.path.append_key(e.path.view());
      return outer;
    }
    entry->op_id = id;
    entry->tx_id = tx_id;
    return entry;
  }

  template <class Row>
  static result<crud_entry<Row>> typed(result<crud_entry<raw_object>> raw) {
    if constexpr (std::is_same_v<Row, raw_object>) {
      return raw;
    } else {
      if (!raw) return raw.error_info();
      return to_typed<Row>(*raw);
    }
  }

  json_reader reader_;
  json_reader inner_;  // the JSON embedded in a ps_crud row's data string
};

}  // namespace pswire
