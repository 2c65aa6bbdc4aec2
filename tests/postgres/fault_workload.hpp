// The fault harness's workload: per seed, transactions of PUT/PATCH/DELETE
// on the Postgres example's lists and todos, written as the core's ps_crud
// rows, and the oracle: the rows they leave behind and the transactions that
// must come back fatal. Deterministic from the seed (splitmix64, no std::
// distributions), so a seed replays exactly.
#pragma once

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <pswire/pswire.hpp>

#include "../../bench/messages.hpp"

namespace faults {

using bench::rng;

// ---- the schema the workload writes (examples/postgres_server/schema.sql)

enum class column_kind : std::uint8_t { text, integer, real, boolean01, timestamp, json, list_ref };

struct column {
  std::string_view name;
  column_kind kind;
  bool not_null;
  std::string_view pg_type;  // what a value is cast to so Postgres prints it the way it prints the column
};

struct table {
  std::string_view name;
  std::span<const column> columns;
};

inline constexpr column list_columns[] = {
    {"created_at", column_kind::timestamp, false, "timestamptz"},
    {"name", column_kind::text, true, "varchar(100)"},  // UNIQUE (owner_id, name)
    {"owner_id", column_kind::text, false, "text"},
};
inline constexpr column todo_columns[] = {
    {"completed", column_kind::boolean01, true, "boolean"},
    {"created_at", column_kind::timestamp, false, "timestamptz"},
    {"description", column_kind::text, true, "text"},
    {"list_id", column_kind::list_ref, false, "text"},
    {"position", column_kind::integer, false, "integer"},  // CHECK (position >= 0)
    {"priority", column_kind::real, false, "double precision"},
    {"tags", column_kind::json, false, "jsonb"},
};
inline constexpr table lists_table{"lists", list_columns};
inline constexpr table todos_table{"todos", todo_columns};
inline constexpr const table* tables[] = {&lists_table, &todos_table};

// ---- values

// One column value as the client sends it and as Postgres reads it.
struct value {
  std::string json;      // in op_data
  std::string pg_input;  // the text Postgres parses for the column (compared after a cast back to text)
  friend bool operator==(const value&, const value&) = default;
};
using row = std::map<std::string_view, std::optional<value>>;  // every column of the table; nullopt is NULL

inline value text_value(std::string_view text) {
  value v;
  pswire::json_writer w{pswire::string_sink(v.json)};
  w.string_value(text);
  (void)w.finish();
  v.pg_input = std::string(text);
  return v;
}

inline value number_value(const std::string& digits) { return {digits, digits}; }

// Shortest round-trip text: what the backend receives must parse back to the same double.
inline std::string shortest(double d) {
  char buf[32];
  char* const end = std::to_chars(buf, buf + sizeof buf, d).ptr;
  return {buf, end};
}

// Texts with what breaks naive quoting: quotes, backslashes, newlines, tabs, non-ASCII.
inline std::string random_text(rng& r, std::string_view prefix) {
  static constexpr std::string_view extras[] = {"", " \"quoted\"", " back\\slash", "\nnext line", "\ttab", " caf\xC3\xA9",
                                                " \xF0\x9F\x8E\x89", " it's"};
  return std::string(prefix) + std::string(bench::descriptions[r.below(std::size(bench::descriptions))]) +
         std::string(extras[r.below(std::size(extras))]);
}

// A valid value for `c`; list_ref columns take `lists_present` (never empty when asked).
inline value random_value(rng& r, const column& c, const std::vector<std::string>& lists_present, std::uint64_t& serial) {
  switch (c.kind) {
    case column_kind::text:
      // A serial in every text: a UNIQUE column never sees the same value twice.
      return text_value(random_text(r, "#" + std::to_string(++serial) + " "));
    case column_kind::integer: {
      // An integer column with CHECK (position >= 0): its edges, and values in between.
      static constexpr std::int64_t edges[] = {0, 1, 2147483647};
      if (r.below(4) == 0) return number_value(std::to_string(edges[r.below(std::size(edges))]));
      return number_value(std::to_string(r.below(1000000)));
    }
    case column_kind::real: {
      static constexpr double edges[] = {0.1, 1e-300, 5e-324, 1.7976931348623157e308, 123456.789, 2.5};
      if (r.below(4) == 0) return number_value(shortest(edges[r.below(std::size(edges))]));
      return number_value(shortest((static_cast<double>(r.below(1601)) - 800.0) / 8.0));
    }
    case column_kind::boolean01: {
      const std::string bit = r.below(2) ? "1" : "0";
      return {bit, bit};  // SQLite has no booleans: the client sends 0 / 1, Postgres reads '0' / '1' as boolean
    }
    case column_kind::timestamp: {
      std::string iso = bench::timestamp(static_cast<std::int64_t>(r.below(std::size_t{28} * 86400)));
      iso.replace(20, 3, std::to_string(100 + r.below(900)));  // milliseconds
      return text_value(iso);
    }
    case column_kind::json: {
      // A JSON column is TEXT in the client's SQLite, so its value travels as a string holding JSON.
      std::string doc;
      pswire::json_writer w{pswire::string_sink(doc)};
      w.begin_object();
      w.key("n"), w.int_value(static_cast<std::int64_t>(r.below(100)));
      w.key("tags"), w.begin_array();
      for (std::size_t i = r.below(3); i > 0; --i) w.string_value(bench::list_names[r.below(std::size(bench::list_names))]);
      w.end_array();
      w.end_object();
      (void)w.finish();
      return text_value(doc);
    }
    case column_kind::list_ref:
      return text_value(lists_present[r.below(lists_present.size())]);
  }
  return {};
}

// ---- the workload

enum class fatal_kind : std::uint8_t { not_null, check, invalid_text };

inline std::string_view expected_code(fatal_kind k) {
  namespace codes = pswire::error_codes;
  switch (k) {
    case fatal_kind::not_null: return codes::not_null_violation;
    case fatal_kind::check: return codes::check_violation;
    case fatal_kind::invalid_text: return codes::invalid_data;
  }
  return {};
}

struct operation {
  std::string_view op;  // PUT, PATCH, DELETE
  const table* on = nullptr;
  std::string id;
  std::vector<std::pair<std::string_view, std::optional<value>>> data;  // sorted by column name, as the core writes
};

struct transaction {
  std::int64_t tx_id = 0;
  std::vector<operation> ops;
  std::optional<fatal_kind> fatal;  // set: the transaction fails whatever the state, and is rolled back
};

// The core's ps_crud.data text for one operation.
inline std::string ps_crud_data(const operation& op) {
  std::string out;
  pswire::json_writer w{pswire::string_sink(out)};
  w.begin_object();
  bench::write_op(w, op.op, op.id, op.on->name);
  if (op.op != "DELETE") {
    w.key("data");
    w.begin_object();
    for (const auto& [name, v] : op.data) {
      w.key(name);
      if (v) {
        w.raw_value(pswire::raw_value(v->json));
      } else {
        w.null_value();
      }
    }
    w.end_object();
  }
  w.end_object();
  (void)w.finish();
  return out;
}

// Rows per table and id: the state of Postgres that the client's writes intend.
class model {
 public:
  using table_rows = std::map<std::string, row>;

  // PUT replaces the whole row ("insert or replace", NULL columns absent),
  // PATCH sets the columns it carries, DELETE removes the row.
  void apply(const operation& op) {
    table_rows& rows = rows_[op.on->name];
    if (op.op == "DELETE") {
      rows.erase(op.id);
      return;
    }
    if (op.op == "PATCH") {
      auto found = rows.find(op.id);
      if (found == rows.end()) return;  // UPDATE of no row
      for (const auto& [name, v] : op.data) found->second[name] = v;
      return;
    }
    row fresh;
    for (const column& c : op.on->columns) fresh[c.name] = std::nullopt;
    for (const auto& [name, v] : op.data) fresh[name] = v;
    rows[op.id] = std::move(fresh);
  }

  const table_rows& rows(const table& t) const {
    static const table_rows none;
    auto found = rows_.find(t.name);
    return found == rows_.end() ? none : found->second;
  }
  std::vector<std::string> ids(const table& t) const {
    std::vector<std::string> out;
    for (const auto& entry : rows(t)) out.push_back(entry.first);
    return out;
  }
  bool referenced(const std::string& list_id) const {
    // std::any_of, not std::ranges::any_of: libc++ 14 lacks the ranges algorithms.
    const auto& todos = rows(todos_table);
    return std::any_of(todos.begin(), todos.end(), [&](const auto& entry) {
      const auto& ref = entry.second.at("list_id");
      return ref && ref->pg_input == list_id;
    });
  }

 private:
  std::map<std::string_view, table_rows> rows_;
};

struct workload {
  std::vector<transaction> transactions;
  model expected;                        // after every non-fatal transaction, in order
  std::map<std::int64_t, fatal_kind> fatal;  // tx_id -> why it must fail
  std::size_t operations = 0;
};

class workload_generator {
 public:
  explicit workload_generator(std::uint64_t seed) : r_(seed) {
    // A few ids per table, reused throughout: later writes overwrite earlier
    // ones, so a stale re-application would show in the final rows.
    for (int i = 0; i < 3; ++i) list_ids_.push_back(bench::uuid_v4(r_));
    for (int i = 0; i < 5; ++i) todo_ids_.push_back(bench::uuid_v4(r_));
  }

  workload generate() {
    workload w;
    const std::size_t count = 8 + r_.below(9);
    std::set<std::size_t> fatal_slots;
    for (std::size_t n = 1 + r_.below(3); fatal_slots.size() < n;) fatal_slots.insert(r_.below(count));
    for (std::size_t i = 0; i < count; ++i) {
      transaction tx;
      tx.tx_id = static_cast<std::int64_t>(i + 1);
      // A fatal transaction starts like any other (its first writes must be rolled back) and ends with a write no state accepts.
      model scratch = w.expected;
      const bool fails = fatal_slots.contains(i);
      const std::size_t valid_ops = fails ? r_.below(3) : 1 + r_.below(5);
      for (std::size_t k = 0; k < valid_ops; ++k) {
        tx.ops.push_back(valid_operation(scratch));
        scratch.apply(tx.ops.back());
      }
      if (fails) {
        tx.fatal = static_cast<fatal_kind>(r_.below(3));
        tx.ops.push_back(failing_operation(scratch, *tx.fatal));
        w.fatal[tx.tx_id] = *tx.fatal;
      } else {
        w.expected = std::move(scratch);
      }
      w.operations += tx.ops.size();
      w.transactions.push_back(std::move(tx));
    }
    return w;
  }

 private:
  operation valid_operation(const model& state) {
    const auto lists = state.ids(lists_table);
    const auto todos = state.ids(todos_table);
    const std::size_t dice = r_.below(100);
    if (dice < 20 || lists.empty()) return put(lists_table, pick(list_ids_), lists);
    if (dice < 45) return put(todos_table, pick(todo_ids_), lists);
    if (dice < 55) return patch(lists_table, pick(lists), lists);
    if (dice < 75 && !todos.empty()) return patch(todos_table, pick(todos), lists);
    if (dice < 85 && !todos.empty()) return remove(todos_table, pick(todos));
    if (dice < 90) return remove(todos_table, pick(todo_ids_));  // maybe absent: deletes nothing
    for (const std::string& id : lists) {
      if (!state.referenced(id)) return remove(lists_table, id);  // FK: only a list no todo points at
    }
    return put(lists_table, pick(list_ids_), lists);
  }

  // A PUT of every column: the required ones always, the others most of the time.
  operation put(const table& t, const std::string& id, const std::vector<std::string>& lists) {
    operation op{"PUT", &t, id, {}};
    for (const column& c : t.columns) {
      if (c.kind == column_kind::list_ref && lists.empty()) continue;
      if (c.not_null || r_.below(4) != 0) op.data.emplace_back(c.name, random_value(r_, c, lists, serial_));
    }
    return op;
  }

  // A PATCH of one to three columns; a nullable one is sometimes set to null.
  operation patch(const table& t, const std::string& id, const std::vector<std::string>& lists) {
    operation op{"PATCH", &t, id, {}};
    std::set<std::size_t> picked;
    for (std::size_t n = 1 + r_.below(3); picked.size() < std::min(n, t.columns.size());) picked.insert(r_.below(t.columns.size()));
    for (std::size_t i : picked) {
      const column& c = t.columns[i];
      if (!c.not_null && (r_.below(5) == 0 || (c.kind == column_kind::list_ref && lists.empty()))) {
        op.data.emplace_back(c.name, std::nullopt);
      } else {
        op.data.emplace_back(c.name, random_value(r_, c, lists, serial_));
      }
    }
    return op;
  }

  static operation remove(const table& t, const std::string& id) { return {"DELETE", &t, id, {}}; }

  // A PUT that no state accepts: NOT NULL and CHECK are checked on the row
  // to insert before any conflict, and a value of the wrong form never parses.
  operation failing_operation(const model& state, fatal_kind kind) {
    const auto lists = state.ids(lists_table);
    if (kind == fatal_kind::not_null) {
      operation op = put(lists_table, pick(list_ids_), lists);
      std::erase_if(op.data, [](const auto& member) { return member.first == "name"; });
      return op;
    }
    operation op = put(todos_table, pick(todo_ids_), lists);
    // Not a structured binding: clang 14 cannot capture one in the lambda.
    using column_value = std::pair<std::string_view, value>;
    column_value bad = kind == fatal_kind::check ? column_value{"position", number_value("-1")} : invalid_value();
    std::erase_if(op.data, [&](const auto& member) { return member.first == bad.first; });
    op.data.emplace_back(bad.first, std::move(bad.second));
    std::sort(op.data.begin(), op.data.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    return op;
  }

  // A value its todo column's type cannot read: text for an integer, a
  // boolean, a timestamp or JSON, or a fraction for the integer (SQLite lets
  // an app store 1.5 in an INTEGER column).
  std::pair<std::string_view, value> invalid_value() {
    static constexpr std::string_view columns[] = {"position", "completed", "created_at", "tags"};
    const std::string_view column = columns[r_.below(std::size(columns))];
    if (column == "position" && r_.below(2) == 0) return {column, number_value("1.5")};
    return {column, text_value("not a " + std::string(column))};
  }

  const std::string& pick(const std::vector<std::string>& ids) { return ids[r_.below(ids.size())]; }

  rng r_;
  std::vector<std::string> list_ids_, todo_ids_;
  std::uint64_t serial_ = 0;
};

}  // namespace faults
