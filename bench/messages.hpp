// Benchmark data: todo-list shaped ps_crud rows and the messages built from
// them, generated deterministically (a fixed seed), so every run and every
// library sees the same bytes.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <pswire/pswire.hpp>

namespace bench {

// splitmix64: tiny, fast and the same everywhere.
class rng {
 public:
  explicit rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }

 private:
  std::uint64_t state_;
};

inline std::string uuid_v4(rng& r) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) out += '-';
    unsigned nibble = static_cast<unsigned>(r.next() & 15u);
    if (i == 12) nibble = 4;                 // version 4
    if (i == 16) nibble = 8 | (nibble & 3);  // RFC 4122 variant
    out += hex[nibble];
  }
  return out;
}

// Todo descriptions as people type them: accents, CJK, emoji, quotes, newlines, tabs.
inline constexpr std::string_view descriptions[] = {
    "Buy milk",
    "Eggs (a dozen)",
    "Caf\xC3\xA9 cr\xC3\xA8me \xE2\x98\x95 for the team",
    "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E\xE3\x81\xAE\xE3\x83\xA1\xE3\x83\xA2 \xE2\x80\x94 \xE8\xB2\xB7\xE3\x81\x84\xE7\x89\xA9",
    "Call Zo\xC3\xAB re: \"tickets\" before Friday",
    "Line one\nline two of the note",
    "Party \xF0\x9F\x8E\x89 \xE2\x9C\x93 balloons, cake & candles",
    "Pay rent \xF0\x9F\x92\xB6 \xE2\x82\xAC" "1,200\tdue on the 1st",
    "Read \xC2\xABWar and Peace\xC2\xBB chapter 3",
    "Fix the C:\\temp path in the backup script",
};
inline constexpr std::string_view list_names[] = {"Groceries", "Work", "M\xC3\xBCnchen trip", "Books \xF0\x9F\x93\x9A"};

struct crud_row {
  std::int64_t id;
  std::optional<std::int64_t> tx_id;
  std::string data;  // the ps_crud.data column: JSON text
};

inline std::string timestamp(std::int64_t seconds) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "2024-05-%02lldT%02lld:%02lld:%02lld.000Z", static_cast<long long>(1 + seconds / 86400 % 28),
                static_cast<long long>(seconds / 3600 % 24), static_cast<long long>(seconds / 60 % 60),
                static_cast<long long>(seconds % 60));
  return buf;
}

// Row i of a ps_crud table (id i + 1, `ops_per_tx` consecutive rows per
// transaction) whose data JSON `write_data` writes inside the outer object.
template <class WriteData>
crud_row make_crud_row(std::size_t i, std::size_t ops_per_tx, WriteData&& write_data) {
  crud_row row{static_cast<std::int64_t>(i + 1), static_cast<std::int64_t>(i / ops_per_tx + 1), {}};
  pswire::json_writer w{pswire::string_sink(row.data)};
  w.begin_object();
  write_data(w);
  w.end_object();
  return row;
}

// The members of ps_crud.data that say what the op is.
inline void write_op(pswire::json_writer& w, std::string_view op, std::string_view id, std::string_view type) {
  w.key("op"), w.string_value(op), w.key("id"), w.string_value(id), w.key("type"), w.string_value(type);
}

// `count` rows, `ops_per_tx` consecutive rows per transaction: list PUTs,
// todo PUTs, PATCHes and DELETEs in the core's ps_crud.data form.
inline std::vector<crud_row> make_rows(std::size_t count, std::size_t ops_per_tx, std::uint64_t seed = 42) {
  rng r(seed);
  std::vector<crud_row> rows;
  std::vector<std::string> lists{uuid_v4(r)}, todos;
  const std::string owner = uuid_v4(r);
  for (std::size_t i = 0; i < count; ++i) {
    rows.push_back(make_crud_row(i, ops_per_tx, [&](pswire::json_writer& w) {
      const std::size_t dice = r.below(100);
      const auto when = static_cast<std::int64_t>(i * 37);
      if (dice < 5 || todos.empty()) {  // a new list
        lists.push_back(uuid_v4(r));
        write_op(w, "PUT", lists.back(), "lists");
        w.key("data"), w.begin_object();
        w.key("created_at"), w.string_value(timestamp(when));
        w.key("name"), w.string_value(list_names[r.below(std::size(list_names))]);
        w.key("owner_id"), w.string_value(owner);
        w.end_object();
      } else if (dice < 65) {  // a new todo
        todos.push_back(uuid_v4(r));
        write_op(w, "PUT", todos.back(), "todos");
        w.key("data"), w.begin_object();
        w.key("completed"), w.int_value(0);
        w.key("created_at"), w.string_value(timestamp(when));
        w.key("description"), w.string_value(descriptions[r.below(std::size(descriptions))]);
        w.key("list_id"), w.string_value(lists[r.below(lists.size())]);
        w.key("priority"), w.double_value(static_cast<double>(r.below(1000)) / 8.0);
        w.end_object();
      } else if (dice < 90) {  // an edit
        write_op(w, "PATCH", todos[r.below(todos.size())], "todos");
        w.key("data"), w.begin_object();
        if (dice < 78) {
          w.key("completed"), w.int_value(1);
          w.key("completed_at"), w.string_value(timestamp(when + 5));
        } else {
          w.key("description"), w.string_value(descriptions[r.below(std::size(descriptions))]);
        }
        w.end_object();
      } else {
        write_op(w, "DELETE", todos[r.below(todos.size())], "todos");
      }
    }));
  }
  return rows;
}

inline constexpr std::string_view order_statuses[] = {"new", "paid", "packed", "shipped", "returned"};
inline constexpr std::string_view currencies[] = {"EUR", "USD", "GBP", "CHF"};
inline constexpr std::string_view warehouses[] = {"FRA-1", "FRA-2", "AMS-1", "DUB-3", "WAW-1"};
inline constexpr std::string_view coupons[] = {"SPRING24", "WELCOME10", "VIP"};

// A number with two decimals (prices, totals), so every parser reads the same double.
inline double cents(std::uint64_t n) { return static_cast<double>(n) / 100.0; }

// A coordinate in [-limit, limit) with six decimals, as GPS fixes are stored.
inline double micro_degrees(rng& r, std::int64_t limit) {
  const std::int64_t micro = static_cast<std::int64_t>(r.below(static_cast<std::size_t>(2 * limit * 1000000))) - limit * 1000000;
  return static_cast<double>(micro) / 1e6;
}

// Wide typed rows: an orders table of 20 columns, integers, floats (as
// SQLite's REAL), short strings and nulls; mostly PUTs, some PATCHes of
// several columns, a few DELETEs.
inline std::vector<crud_row> make_wide_rows(std::size_t count, std::size_t ops_per_tx, std::uint64_t seed = 20) {
  rng r(seed);
  std::vector<crud_row> rows;
  std::vector<std::string> orders;
  const auto maybe_null_string = [&](pswire::json_writer& w, std::string_view name, std::span<const std::string_view> values) {
    w.key(name);
    if (r.below(3) == 0) w.string_value(values[r.below(values.size())]);
    else w.null_value();
  };
  const auto weight_kg = [&] { return static_cast<double>(1 + r.below(50000)) / 1000.0; };
  for (std::size_t i = 0; i < count; ++i) {
    rows.push_back(make_crud_row(i, ops_per_tx, [&](pswire::json_writer& w) {
      const std::size_t dice = r.below(100);
      const auto when = static_cast<std::int64_t>(i * 61);
      if (dice < 85 || orders.empty()) {
        orders.push_back(uuid_v4(r));
        write_op(w, "PUT", orders.back(), "orders");
        const std::uint64_t quantity = 1 + r.below(50), unit_cents = 50 + r.below(100000);
        w.key("data"), w.begin_object();
        w.key("order_number"), w.int_value(static_cast<std::int64_t>(100000 + i));
        w.key("customer_id"), w.string_value(uuid_v4(r));
        w.key("status"), w.string_value(order_statuses[r.below(std::size(order_statuses))]);
        w.key("created_at"), w.string_value(timestamp(when));
        w.key("shipped_at");
        if (r.below(2) == 0) w.string_value(timestamp(when + 86000));
        else w.null_value();
        w.key("quantity"), w.int_value(static_cast<std::int64_t>(quantity));
        w.key("unit_price"), w.double_value(cents(unit_cents));
        w.key("discount");
        if (r.below(4) == 0) w.double_value(cents(5 * (1 + r.below(6))));
        else w.null_value();
        w.key("tax_rate"), w.double_value(cents(r.below(2) == 0 ? 19 : 7));
        w.key("total"), w.double_value(cents(quantity * unit_cents));
        w.key("currency"), w.string_value(currencies[r.below(std::size(currencies))]);
        w.key("weight_kg"), w.double_value(weight_kg());
        w.key("warehouse"), w.string_value(warehouses[r.below(std::size(warehouses))]);
        w.key("latitude"), w.double_value(micro_degrees(r, 90));
        w.key("longitude"), w.double_value(micro_degrees(r, 180));
        w.key("is_gift"), w.int_value(r.below(10) == 0 ? 1 : 0);
        w.key("priority"), w.int_value(static_cast<std::int64_t>(r.below(4)));
        maybe_null_string(w, "notes", descriptions);
        maybe_null_string(w, "coupon", coupons);
        w.key("version"), w.int_value(1);
        w.end_object();
      } else if (dice < 97) {  // a status change touching several columns
        write_op(w, "PATCH", orders[r.below(orders.size())], "orders");
        w.key("data"), w.begin_object();
        w.key("status"), w.string_value(order_statuses[r.below(std::size(order_statuses))]);
        w.key("shipped_at"), w.string_value(timestamp(when));
        w.key("discount"), w.null_value();
        w.key("weight_kg"), w.double_value(weight_kg());
        w.key("warehouse"), w.string_value(warehouses[r.below(std::size(warehouses))]);
        w.key("version"), w.int_value(static_cast<std::int64_t>(2 + r.below(5)));
        w.end_object();
      } else {
        write_op(w, "DELETE", orders[r.below(orders.size())], "orders");
      }
    }));
  }
  return rows;
}

// Pieces of long free text (notes, pasted logs, documents): words, and at
// least as often what JSON must escape (newlines, quotes, backslashes, tabs,
// control characters as \u00XX) or what is not ASCII.
inline constexpr std::string_view text_pieces[] = {
    "the ", "meeting ", "notes ", "from ", "Tuesday ", "say ", "we ", "ship ", "on ", "time ",
    "\n", "\n\n", "\t", "\r\n", "\"quoted\" ", "said \"no\", ", "C:\\Users\\zo\xC3\xAB\\notes.txt ",
    "a\\b\\c ", "\x1b[1mbold\x1b[0m ", "\x01\x02\x1f ", "bell\x07 ", "\b\f ",
    "caf\xC3\xA9 ", "na\xC3\xAFve ", "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E ", "\xF0\x9F\x8E\x89 ", "\xE2\x80\x94 ",
    "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82 ",
};

// About `bytes` bytes of text (before escaping) from text_pieces.
inline std::string long_text(rng& r, std::size_t bytes) {
  std::string text;
  while (text.size() < bytes) text += text_pieces[r.below(std::size(text_pieces))];
  return text;
}

// Rows carrying long text: notes of 2 to 8 KB, created (PUT) or rewritten (PATCH).
inline std::vector<crud_row> make_long_text_rows(std::size_t count, std::size_t ops_per_tx, std::uint64_t seed = 30) {
  rng r(seed);
  std::vector<crud_row> rows;
  std::vector<std::string> notes;
  const std::string author = uuid_v4(r);
  for (std::size_t i = 0; i < count; ++i) {
    rows.push_back(make_crud_row(i, ops_per_tx, [&](pswire::json_writer& w) {
      const auto when = static_cast<std::int64_t>(i * 600);
      const std::string body = long_text(r, 2048 + r.below(6144));
      if (notes.empty() || r.below(5) != 0) {
        notes.push_back(uuid_v4(r));
        write_op(w, "PUT", notes.back(), "notes");
        w.key("data"), w.begin_object();
        w.key("author_id"), w.string_value(author);
        w.key("body"), w.string_value(body);
        w.key("created_at"), w.string_value(timestamp(when));
        w.key("title"), w.string_value(descriptions[r.below(std::size(descriptions))]);
        w.key("word_count"), w.int_value(static_cast<std::int64_t>(body.size() / 6));
        w.end_object();
      } else {
        write_op(w, "PATCH", notes[r.below(notes.size())], "notes");
        w.key("data"), w.begin_object();
        w.key("body"), w.string_value(body);
        w.key("updated_at"), w.string_value(timestamp(when));
        w.end_object();
      }
    }));
  }
  return rows;
}

// The rows as examples/data/ps_crud_rows.jsonl holds them: {"id":N,"tx_id":N,"data":"<JSON text>"}.
inline std::string to_jsonl(const std::vector<crud_row>& rows) {
  std::string out;
  pswire::json_writer w{pswire::string_sink(out)};
  for (const crud_row& row : rows) {
    w.begin_object();
    w.key("id"), w.int_value(row.id);
    w.key("tx_id"), w.int_value(*row.tx_id);
    w.key("data"), w.string_value(row.data);
    w.end_object();
    out += '\n';
  }
  return out;
}

// One upload batch (TransactionBatch) from the rows, the way a client sends it.
inline std::string make_upload_batch(const std::vector<crud_row>& rows) {
  std::string out;
  pswire::json_writer w{pswire::string_sink(out)};
  pswire::upload_batch_builder builder(w);
  for (const crud_row& row : rows) {
    if (!builder.add_row(row.id, row.tx_id, row.data)) std::abort();
  }
  if (!builder.finish()) std::abort();
  return out;
}

// Results of a batch; the details of its fatal error live here.
struct batch_result_source {
  std::string details = R"({"constraint":"todos_list_id_fkey","table":"todos","detail":"Key (list_id)=(7f0c) is not present in table \"lists\"."})";
  std::vector<pswire::transaction_result> results;
};

// The foreign key violation a server reports for the 8th op of a transaction.
inline pswire::fatal_error foreign_key_violation(const batch_result_source& s) {
  pswire::fatal_error fatal;
  fatal.requires_client_handling = true;
  fatal.message = "insert or update on table \"todos\" violates foreign key constraint";
  fatal.failed = {"FOREIGN_KEY_VIOLATION", "violates foreign key constraint \"todos_list_id_fkey\"", pswire::raw_value(s.details), 7};
  return fatal;
}

// The answer to a 50-transaction batch: 40 applied, a fatal one, 9 not attempted.
inline void make_batch_result_source(batch_result_source& s) {
  for (int i = 0; i < 40; ++i) s.results.push_back(pswire::success_result{});
  s.results.push_back(foreign_key_violation(s));
  for (int i = 0; i < 9; ++i) s.results.push_back(pswire::not_attempted{});
}

// Every kind of result in one answer of the maximum 50: 44 applied (every
// third with the PoC's message), one to retry later, a fatal one, 4 not attempted.
inline void make_batch_result_many_source(batch_result_source& s) {
  for (int i = 0; i < 44; ++i) {
    pswire::success_result ok;
    if (i % 3 == 0) ok.message = "Transaction completed";
    s.results.push_back(ok);
  }
  s.results.push_back(pswire::retryable_error{"could not serialize access due to concurrent update", 250});
  s.results.push_back(foreign_key_violation(s));
  for (int i = 0; i < 4; ++i) s.results.push_back(pswire::not_attempted{});
}

// Sync lines and the data they point into (buckets, oplog entries, row data).
struct sync_stream_source {
  std::vector<std::string> names, ids, row_data;
  std::vector<pswire::bucket_checksum> buckets;
  std::vector<std::vector<pswire::oplog_entry>> oplogs;
  std::vector<pswire::sync_line> lines;
};

inline void add_bucket_names(sync_stream_source& s, rng& r, std::size_t count) {
  for (std::size_t b = 0; b < count; ++b) s.names.push_back("user_lists[\"" + uuid_v4(r) + "\"]");
}

// Todo rows as the service sends them (raw_data mode): ids, and the row
// JSON (the encoder writes it as a JSON string).
inline void add_todo_rows(sync_stream_source& s, rng& r, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) {
    s.ids.push_back(uuid_v4(r));
    std::string data;
    pswire::json_writer w{pswire::string_sink(data)};
    w.begin_object();
    w.key("completed"), w.int_value(static_cast<std::int64_t>(r.below(2)));
    w.key("description"), w.string_value(descriptions[r.below(std::size(descriptions))]);
    w.key("list_id"), w.string_value(s.ids[r.below(s.ids.size())]);
    w.key("priority"), w.double_value(static_cast<double>(r.below(1000)) / 8.0);
    w.end_object();
    w.flush();
    s.row_data.push_back(std::move(data));
  }
}

// One checksum per bucket name. The lines take spans of s.buckets: call once, before them.
inline void add_buckets(sync_stream_source& s, rng& r) {
  for (const std::string& name : s.names) {
    s.buckets.push_back({name, static_cast<pswire::checksum32>(r.next()), static_cast<std::int64_t>(r.below(5000)),
                         static_cast<std::int32_t>(r.below(4)), {}});
  }
}

// Oplog entries for rows [first, first + count): PUTs of their data, every 17th a REMOVE.
inline std::span<const pswire::oplog_entry> add_oplog(sync_stream_source& s, rng& r, std::size_t first, std::size_t count) {
  std::vector<pswire::oplog_entry> ops;
  for (std::size_t k = first; k < first + count; ++k) {
    pswire::oplog_entry e;
    e.op_id = 900001 + static_cast<std::int64_t>(k);
    e.op = k % 17 == 0 ? pswire::oplog_op::remove : pswire::oplog_op::put;
    e.object_type = "todos";
    e.object_id = s.ids[k];
    e.checksum = static_cast<pswire::checksum32>(r.next());
    if (e.op == pswire::oplog_op::put) e.data = s.row_data[k];
    ops.push_back(e);
  }
  s.oplogs.push_back(std::move(ops));
  return s.oplogs.back();
}

// A sync stream: a checkpoint over 20 buckets, 10 data lines of 100 oplog
// entries (row data as JSON text, the core's raw_data mode), a checkpoint_complete.
inline void make_sync_stream_source(sync_stream_source& s, std::uint64_t seed = 7) {
  rng r(seed);
  constexpr std::size_t bucket_count = 20, data_lines = 10, ops_per_line = 100;
  add_bucket_names(s, r, bucket_count);
  add_todo_rows(s, r, data_lines * ops_per_line);
  add_buckets(s, r);
  const std::int64_t last_op_id = 900000 + static_cast<std::int64_t>(data_lines * ops_per_line);
  s.lines.push_back(pswire::checkpoint_line{last_op_id, 5123, s.buckets, pswire::raw_value("[]")});
  std::vector<std::span<const pswire::oplog_entry>> oplogs;
  for (std::size_t l = 0; l < data_lines; ++l) oplogs.push_back(add_oplog(s, r, l * ops_per_line, ops_per_line));
  for (std::size_t l = 0; l < data_lines; ++l) {
    const auto after = 900000 + static_cast<std::int64_t>(l * ops_per_line);
    s.lines.push_back(pswire::data_line{s.names[l % bucket_count], after, after + static_cast<std::int64_t>(ops_per_line),
                                        l + 1 < data_lines, oplogs[l]});
  }
  s.lines.push_back(pswire::checkpoint_complete_line{last_op_id});
}

// One checkpoint line over `bucket_count` buckets with a write checkpoint,
// each bucket naming the stream subscription it belongs to, as the service
// sends it to a client subscribed to many parameterised buckets.
inline void make_checkpoint_many_buckets_source(sync_stream_source& s, std::size_t bucket_count = 500, std::uint64_t seed = 11) {
  rng r(seed);
  add_bucket_names(s, r, bucket_count);
  add_buckets(s, r);
  for (std::size_t b = 0; b < bucket_count; ++b) {
    s.buckets[b].subscriptions = pswire::raw_value(b % 10 == 0 ? R"([{"default":0}])" : R"([{"sub":0}])");
  }
  s.lines.push_back(pswire::checkpoint_line{
      4817263, 1873, s.buckets, pswire::raw_value(R"([{"name":"user_lists","is_default":true,"errors":[]}])")});
}

// One data line of `op_count` oplog entries (row data as JSON text), a bucket's initial sync.
inline void make_data_many_ops_source(sync_stream_source& s, std::size_t op_count = 2000, std::uint64_t seed = 13) {
  rng r(seed);
  add_bucket_names(s, r, 1);
  add_todo_rows(s, r, op_count);
  s.lines.push_back(pswire::data_line{s.names.front(), 900000, 900000 + static_cast<std::int64_t>(op_count), false,
                                      add_oplog(s, r, 0, op_count)});
}

}  // namespace bench
