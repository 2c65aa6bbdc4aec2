// Issue 16's fault-injection harness over the whole write path: the client
// example's upload logic (examples/upload_client.hpp) reads ps_crud rows from
// a real SQLite database and uploads them through a faulty transport
// (fault_transport.hpp) to the write API handler over the Postgres backend,
// whose connection is killed mid-transaction or loses the answer to its
// COMMIT (through reply_dropping_proxy.hpp), and whose cluster is
// restarted. Per seed, once the queue drains, the invariants of
// docs/fault-test.md are checked against the workload's oracle
// (fault_workload.hpp).
//
//   PSWIRE_FAULT_SEEDS=N         how many seeds (default 200)
//   PSWIRE_FAULT_SEED_START=S    the first seed (default 1): replay one with PSWIRE_FAULT_SEEDS=1
//   PSWIRE_FAULT_VERBOSE=1       the server's log and every client decision, on stderr
#include "../doctest_config.hpp"

#include <doctest/doctest.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "../../examples/postgres_server/postgres_backend.hpp"
#include "../../examples/upload_client.hpp"
#include "../../examples/write_api_handler.hpp"
#include "example_schema.hpp"
#include "fault_transport.hpp"
#include "fault_workload.hpp"
#include "pg_cluster.hpp"
#include "reply_dropping_proxy.hpp"

namespace {

using faults::fault_counts;

std::uint64_t env_number(const char* name, std::uint64_t fallback) {
  const char* text = std::getenv(name);
  return text != nullptr && *text != '\0' ? std::strtoull(text, nullptr, 10) : fallback;
}

bool verbose() { return env_number("PSWIRE_FAULT_VERBOSE", 0) != 0; }

// ---- Postgres, as the harness sees it: a second session that truncates,
// kills the backend's session and reads every row back as text. Unlike
// pg_session.hpp's it takes parameters, returns all rows and comes back
// after a restart (the harness restarts the cluster under it).

using pg_rows = std::vector<std::vector<std::optional<std::string>>>;

class reconnecting_session {
 public:
  explicit reconnecting_session(std::string conninfo) : conninfo_(std::move(conninfo)) {}

  // The rows, or the error text in `error`. A session lost to a restart is
  // opened again once.
  std::optional<pg_rows> query(const std::string& sql, const std::vector<std::optional<std::string>>& params, std::string& error) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (!connected() && !connect(error)) return std::nullopt;
      std::vector<const char*> values;
      values.reserve(params.size());
      for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
      // Without parameters, several statements may go in one string (the schema).
      std::unique_ptr<PGresult, decltype(&PQclear)> res(
          values.empty() ? PQexec(conn_.get(), sql.c_str())
                         : PQexecParams(conn_.get(), sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(),
                                        nullptr, nullptr, 0),
          &PQclear);
      const ExecStatusType status = PQresultStatus(res.get());
      if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) {
        pg_rows rows;
        for (int i = 0; i < PQntuples(res.get()); ++i) {
          auto& out = rows.emplace_back();
          for (int j = 0; j < PQnfields(res.get()); ++j) {
            if (PQgetisnull(res.get(), i, j)) {
              out.emplace_back(std::nullopt);
            } else {
              out.emplace_back(PQgetvalue(res.get(), i, j));
            }
          }
        }
        return rows;
      }
      error = PQerrorMessage(conn_.get());
      if (PQstatus(conn_.get()) == CONNECTION_OK) return std::nullopt;  // the statement failed, not the session
      conn_.reset();
    }
    return std::nullopt;
  }

 private:
  bool connected() const { return conn_ && PQstatus(conn_.get()) == CONNECTION_OK; }
  bool connect(std::string& error) {
    conn_.reset(PQconnectdb(conninfo_.c_str()));
    if (connected()) return true;
    error = "cannot connect: " + std::string(PQerrorMessage(conn_.get()));
    return false;
  }

  std::string conninfo_;
  std::unique_ptr<PGconn, decltype(&PQfinish)> conn_{nullptr, &PQfinish};
};

// ---- the client's upload queue: the core's ps_crud table in SQLite

class sqlite_queue {
 public:
  sqlite_queue() {
    if (sqlite3_open(":memory:", &db_) != SQLITE_OK) fail("open");
    exec("CREATE TABLE ps_crud (id INTEGER PRIMARY KEY AUTOINCREMENT, tx_id INTEGER, data TEXT)");
  }
  // The first SQLite error, empty when there was none.
  const std::string& error() const { return error_; }
  ~sqlite_queue() { sqlite3_close(db_); }
  sqlite_queue(const sqlite_queue&) = delete;
  sqlite_queue& operator=(const sqlite_queue&) = delete;
  sqlite_queue(sqlite_queue&&) = delete;
  sqlite_queue& operator=(sqlite_queue&&) = delete;

  // The rows the core's triggers write for each local transaction.
  void enqueue(const faults::workload& w) {
    exec("BEGIN");
    for (const auto& tx : w.transactions) {
      for (const auto& op : tx.ops) {
        sqlite3_stmt* insert = prepare("INSERT INTO ps_crud (tx_id, data) VALUES (?, ?)");
        const std::string data = faults::ps_crud_data(op);
        sqlite3_bind_int64(insert, 1, tx.tx_id);
        sqlite3_bind_text(insert, 2, data.data(), static_cast<int>(data.size()), SQLITE_TRANSIENT);
        step_done(insert);
      }
    }
    exec("COMMIT");
  }

  // SELECT id, tx_id, data FROM ps_crud ORDER BY id: owned rows and their views.
  struct head {
    std::vector<std::string> data;
    std::vector<pswire::ps_crud_row> rows;
  };
  head read() {
    head out;
    sqlite3_stmt* select = prepare("SELECT id, tx_id, data FROM ps_crud ORDER BY id");
    std::vector<std::pair<std::int64_t, std::optional<std::int64_t>>> keys;
    while (sqlite3_step(select) == SQLITE_ROW) {
      const auto tx = sqlite3_column_type(select, 1) == SQLITE_NULL ? std::nullopt
                                                                   : std::optional<std::int64_t>(sqlite3_column_int64(select, 1));
      keys.emplace_back(sqlite3_column_int64(select, 0), tx);
      const void* data = sqlite3_column_blob(select, 2);  // the bytes of the TEXT, without a cast from unsigned char
      out.data.emplace_back(static_cast<const char*>(data), static_cast<std::size_t>(sqlite3_column_bytes(select, 2)));
    }
    if (sqlite3_finalize(select) != SQLITE_OK) fail("SELECT");
    for (std::size_t i = 0; i < keys.size(); ++i) out.rows.push_back({keys[i].first, keys[i].second, out.data[i]});
    return out;
  }

  // The completed prefix leaves the queue, as the SDKs' complete() does.
  void delete_through(std::int64_t id) {
    sqlite3_stmt* del = prepare("DELETE FROM ps_crud WHERE id <= ?");
    sqlite3_bind_int64(del, 1, id);
    step_done(del);
  }

 private:
  void exec(const char* sql) {
    if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) fail(sql);
  }
  sqlite3_stmt* prepare(const char* sql) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql, -1, &stmt, nullptr) != SQLITE_OK) fail(sql);
    return stmt;
  }
  void step_done(sqlite3_stmt* stmt) {
    if (sqlite3_step(stmt) != SQLITE_DONE) fail(sqlite3_sql(stmt));
    sqlite3_finalize(stmt);
  }
  void fail(const char* what) {
    if (error_.empty()) error_ = std::string(what) + ": " + sqlite3_errmsg(db_);
  }
  sqlite3* db_ = nullptr;
  std::string error_;
};

// ---- one seed

constexpr std::string_view client_key = "fault-harness-user";
constexpr std::string_view client_id = "fault-harness-client";
constexpr std::int64_t timeout_ms = 30000;       // the reference client's request timeout
constexpr std::int64_t server_error_pause_ms = 1000;
constexpr std::size_t max_requests = 400;       // a queue that has not drained by then never will

struct seed_outcome {
  fault_counts faults;
  std::size_t retried = 0;  // transactions sent again after a first send
  std::size_t requests = 0;
  std::size_t transactions = 0, operations = 0;  // the workload's
  std::int64_t virtual_ms = 0;
  std::vector<std::string> violations;
};

class seed_run {
 public:
  // `backend` reaches Postgres through `proxy`; `racer` serves the copies that race the original on it.
  seed_run(std::uint64_t seed, pswire_test::pg_cluster& cluster, pswire_test::reply_dropping_proxy& proxy,
           example::postgres_backend& backend, example::postgres_backend& racer, reconnecting_session& admin)
      : seed_(seed), cluster_(cluster), proxy_(proxy), backend_(backend), racer_(racer), admin_(admin),
        work_(faults::workload_generator(seed).generate()) {}

  seed_outcome run() {
    out_.transactions = work_.transactions.size(), out_.operations = work_.operations;
    reset_database();
    queue_.enqueue(work_);
    // The transport's stream is drawn from the seed, not the seed itself: splitmix64 streams
    // seeded a multiple of its increment apart are the same stream shifted.
    faults::rng derived(seed_);
    faults::faulty_transport transport(server(), derived.next(), out_.faults);
    backend_.set_before_operation([&transport] { transport.before_operation(); });
    backend_.set_before_commit([&transport] { transport.before_commit(); });
    const std::size_t replies_lost_before = proxy_.replies_lost();
    pswire::limits lim;
    lim.max_batch_transactions = 1 + derived.below(4);  // small batches: more requests to fault, more to reorder

    upload(transport, lim);
    transport.flush();
    request_checkpoints(transport);
    transport.flush();
    backend_.set_before_operation({});
    backend_.set_before_commit({});
    if (const std::size_t lost = proxy_.replies_lost() - replies_lost_before; lost != out_.faults.lost_commit_reply) {
      violation(example::concat("the proxy lost ", std::to_string(lost), " answers, the transport asked for ",
                                std::to_string(out_.faults.lost_commit_reply)));
    }
    if (!queue_.error().empty()) violation("the client's SQLite queue failed: " + queue_.error());

    check_rows("after the queue drained");
    check_decisions();
    check_marks();
    replay_everything();
    check_rows("after every batch was delivered once more");
    return std::move(out_);
  }

 private:
  static example::http_response handle(example::postgres_backend& backend, faults::endpoint to, std::string_view body) {
    const example::request_context ctx{client_key, verbose() ? stderr : nullptr};
    return to == faults::endpoint::batch ? example::handle_batch(backend, body, ctx)
                                         : example::handle_checkpoint_request(backend, body, ctx);
  }

  faults::server_side server() {
    return {[this](faults::endpoint to, std::string_view body) { return handle(backend_, to, body); },
            [this](faults::endpoint to, std::string_view body) { return handle(racer_, to, body); },
            [this] {
              std::string error;
              const std::string pid = std::to_string(backend_.backend_pid());
              // Waits (up to 5 s) until the session is gone, so the next operation meets a dead connection.
              if (!admin_.query("SELECT pg_terminate_backend($1::int, 5000)", {pid}, error)) violation("cannot kill the backend: " + error);
            },
            [this] { proxy_.lose_next_reply(); }, [this] { proxy_.disarm(); },
            [this] {
              if (!cluster_.restart()) violation("cannot restart Postgres: " + cluster_.error());
            }};
  }

  void violation(std::string what) { out_.violations.push_back("seed " + std::to_string(seed_) + ": " + std::move(what)); }

  void reset_database() {
    std::string error;
    const auto truncate = example::concat("TRUNCATE todos, lists, ", example::number_tables(example::stored_number::applied_transaction).table,
                                          ", ", example::number_tables(example::stored_number::checkpoint_request).table);
    if (!admin_.query(truncate, {}, error)) {
      violation("cannot truncate: " + error);
    }
  }

  // The client's loop: the head of the queue as a batch, sent until an
  // answer comes, its completed prefix removed, until the queue is empty.
  void upload(faults::faulty_transport& transport, const pswire::limits& lim) {
    while (out_.requests < max_requests) {
      auto head = queue_.read();
      if (head.rows.empty()) return;
      auto plan = example::plan_batch(head.rows, lim);
      if (!plan) return violation("the client cannot build a batch: " + example::describe(plan.error_info()));
      for (const auto& tx : plan->transactions) {
        if (sends_[*tx.transaction_id]++ > 0) ++out_.retried;
      }
      if (std::find(sent_bodies_.begin(), sent_bodies_.end(), plan->body) == sent_bodies_.end()) sent_bodies_.push_back(plan->body);
      ++out_.requests;
      auto reply = transport.post(faults::endpoint::batch, plan->body);
      if (!reply) {
        out_.virtual_ms += timeout_ms;
        continue;
      }
      if (reply->status == 500) {  // the reference client retries any non-2xx
        out_.virtual_ms += server_error_pause_ms;
        continue;
      }
      auto done = example::complete_batch(*plan, reply->body);
      if (!done) return violation("the client cannot read the response: " + example::describe(done.error_info()) + ": " + reply->body);
      if (done->refusal) return violation("the server refused a valid batch: HTTP " + std::to_string(reply->status) + " " + reply->body);
      record(*plan, *done);
      if (done->completed_up_to) queue_.delete_through(*done->completed_up_to);
      out_.virtual_ms += done->retry_delay_ms;
    }
    violation("the queue did not drain in " + std::to_string(max_requests) + " requests");
  }

  void record(const example::planned_batch& plan, const example::batch_completion& done) {
    for (std::size_t i = 0; i < done.decisions.size(); ++i) {
      const auto& d = done.decisions[i];
      const std::int64_t tx_id = *plan.transactions[i].transaction_id;
      if (verbose() && !d.explanation.empty()) std::fprintf(stderr, "client: tx_id %lld: %s\n", static_cast<long long>(tx_id), d.explanation.c_str());
      if (!d.completed) continue;
      if (completed_.contains(tx_id)) violation("tx_id " + std::to_string(tx_id) + " completed twice");
      completed_[tx_id] = d.fatal_code;
    }
  }

  // Two checkpoint requests, through the same transport, each until
  // answered: the service stores max(stored, supplied), so a late copy of
  // the first must not take the stored id back.
  void request_checkpoints(faults::faulty_transport& transport) {
    checkpoint_id_ = 1 + static_cast<std::int64_t>(seed_ % 1000);
    request_checkpoint(transport, checkpoint_id_);
    request_checkpoint(transport, ++checkpoint_id_);
  }

  void request_checkpoint(faults::faulty_transport& transport, std::int64_t id) {
    const std::string body = example::checkpoint_request_body(client_id, id);
    while (out_.requests < max_requests) {
      ++out_.requests;
      auto reply = transport.post(faults::endpoint::checkpoint_request, body);
      if (!reply || reply->status == 500) {
        out_.virtual_ms += reply ? server_error_pause_ms : timeout_ms;
        continue;
      }
      auto answer = example::read_checkpoint_answer(reply->body);
      if (!answer || !answer->target || *answer->target != id) {
        violation("checkpoint request " + std::to_string(id) + " answered " + reply->body);
      }
      return;
    }
    violation("checkpoint request " + std::to_string(id) + " was never answered");
  }

  // Postgres's rows, every column as Postgres prints it, against the
  // oracle's values cast to the column's type and printed the same way.
  void check_rows(const std::string& when) {
    for (const faults::table* t : faults::tables) {
      std::string select = "SELECT id";
      for (const auto& c : t->columns) select += ", " + std::string(c.name) + "::text";
      select += " FROM " + std::string(t->name) + " ORDER BY id COLLATE \"C\"";
      std::string error;
      auto actual = admin_.query(select, {}, error);
      if (!actual) return violation("cannot read " + std::string(t->name) + ": " + error);
      pg_rows expected;
      for (const auto& [id, values] : work_.expected.rows(*t)) {
        auto normalized = normalize(*t, id, values);
        if (!normalized) return;
        expected.push_back(std::move(*normalized));
      }
      compare(*t, when, *actual, expected);
    }
  }

  std::optional<std::vector<std::optional<std::string>>> normalize(const faults::table& t, const std::string& id,
                                                                   const faults::row& values) {
    std::string sql = "SELECT $1::text";
    std::vector<std::optional<std::string>> params{id};
    for (const auto& c : t.columns) {
      const auto& v = values.at(c.name);
      params.push_back(v ? std::optional<std::string>(v->pg_input) : std::nullopt);
      sql += ", $" + std::to_string(params.size()) + "::" + std::string(c.pg_type) + "::text";
    }
    std::string error;
    auto row = admin_.query(sql, params, error);
    if (!row || row->size() != 1) {
      violation("the oracle's row " + id + " does not parse: " + error);
      return std::nullopt;
    }
    return std::move(row->front());
  }

  void compare(const faults::table& t, const std::string& when, const pg_rows& actual, const pg_rows& expected) {
    auto text = [](const std::optional<std::string>& v) { return v ? "'" + *v + "'" : std::string("NULL"); };
    auto report = [&](const std::string& id, const std::string& what) {
      std::string line = when;
      line += ": ", line += t.name, line += " ", line += id, line += what, line += writers(t, id);
      violation(std::move(line));
    };
    std::map<std::string, const std::vector<std::optional<std::string>>*> by_id;
    for (const auto& r : actual) by_id[*r[0]] = &r;
    for (const auto& want : expected) {
      const std::string& id = *want[0];
      auto found = by_id.find(id);
      if (found == by_id.end()) {
        report(id, " is missing (an op lost)");
        continue;
      }
      for (std::size_t j = 1; j < want.size(); ++j) {
        const auto& got = (*found->second)[j];
        if (got != want[j]) {
          report(id, example::concat(".", t.columns[j - 1].name, " is ", text(got), ", the client's writes leave ", text(want[j])));
        }
      }
      by_id.erase(found);
    }
    for (const auto& entry : by_id) report(entry.first, " should not exist (a stale or rolled-back write)");
  }

  // The transactions that wrote a row, for the report.
  std::string writers(const faults::table& t, const std::string& id) const {
    std::string out = "; written by tx_id";
    for (const auto& tx : work_.transactions) {
      for (const auto& op : tx.ops) {
        if (op.on == &t && op.id == id) {
          out += example::concat(" ", std::to_string(tx.tx_id), tx.fatal ? "(fatal)" : "", ":", op.op);
        }
      }
    }
    return out;
  }

  // Every transaction reached the client, once; the fatal ones as fatal_error
  // with the code their failure has, the others as success.
  void check_decisions() {
    for (const auto& tx : work_.transactions) {
      const std::string name = "tx_id " + std::to_string(tx.tx_id);
      auto found = completed_.find(tx.tx_id);
      if (found == completed_.end()) {
        violation(name + " was never completed");
        continue;
      }
      const auto& code = found->second;
      if (tx.fatal && code != std::string(faults::expected_code(*tx.fatal))) {
        violation(name + " should have been reported fatal " + std::string(faults::expected_code(*tx.fatal)) + ", the client got " +
                  (code ? "fatal " + *code : std::string("success")));
      }
      if (!tx.fatal && code) violation(name + " should have succeeded, the client got fatal " + *code);
    }
  }

  // What the backend recorded: the last transaction applied (fatal ones are
  // never recorded) and the checkpoint request id stored.
  void check_marks() {
    std::int64_t last_applied = 0;
    for (const auto& tx : work_.transactions) {
      if (!tx.fatal) last_applied = tx.tx_id;
    }
    const std::string mark = stored(example::stored_number::applied_transaction, client_key);
    const std::string expected_mark = last_applied > 0 ? std::to_string(last_applied) : "none";
    if (mark != expected_mark) violation("the idempotency mark is " + mark + ", the last transaction applied is " + expected_mark);
    const std::string checkpoint = stored(example::stored_number::checkpoint_request, client_id);
    if (checkpoint != std::to_string(checkpoint_id_)) {
      violation("the stored checkpoint request is " + checkpoint + ", the client asked for " + std::to_string(checkpoint_id_));
    }
  }

  // One of the backend's numbers per key, as text ("none" when absent).
  std::string stored(example::stored_number which, std::string_view key) {
    const example::number_table t = example::number_tables(which);
    std::string error;
    auto rows = admin_.query(example::concat("SELECT ", t.value, "::text FROM ", t.table, " WHERE ", t.key, " = $1"),
                             {std::string(key)}, error);
    if (!rows) return "unreadable (" + error + ")";
    return rows->empty() ? "none" : rows->front()[0].value_or("NULL");
  }

  // Every batch ever sent arrives once more, late, newest first so that the
  // stalest arrives last: each answer is success, a fatal result or
  // not_attempted, and nothing changes.
  void replay_everything() {
    for (std::size_t i = sent_bodies_.size(); i-- > 0;) {
      const std::string& body = sent_bodies_[i];
      const auto reply = example::handle_batch(backend_, body, {client_key, nullptr});
      pswire::result_decoder decoder;
      auto response = decoder.decode_batch_response(reply.body);
      if (reply.status != 200 || !response) {
        violation("a late duplicate was answered HTTP " + std::to_string(reply.status) + " " + reply.body);
        continue;
      }
      for (const auto& r : response->results) {
        const bool settled = r && (std::holds_alternative<pswire::success_result>(*r) || std::holds_alternative<pswire::fatal_error>(*r) ||
                                   std::holds_alternative<pswire::not_attempted>(*r));
        if (!settled) violation("a late duplicate was answered " + reply.body);
      }
    }
  }

  std::uint64_t seed_;
  pswire_test::pg_cluster& cluster_;
  pswire_test::reply_dropping_proxy& proxy_;
  example::postgres_backend& backend_;
  example::postgres_backend& racer_;
  reconnecting_session& admin_;
  faults::workload work_;
  sqlite_queue queue_;
  seed_outcome out_;
  std::map<std::int64_t, std::size_t> sends_;
  std::map<std::int64_t, std::optional<std::string>> completed_;  // tx_id -> the fatal code it was completed with
  std::vector<std::string> sent_bodies_;  // each distinct batch, in the order first sent
  std::int64_t checkpoint_id_ = 0;
};

}  // namespace

TEST_CASE("fault injection: the write path over Postgres converges under dropped, duplicated and delayed messages, killed sessions, lost COMMIT answers and restarts") {
  pswire_test::pg_cluster cluster;
  REQUIRE_MESSAGE(cluster.ok(), cluster.error());
  const pswire_test::pg_reply created = pswire_test::reset_example_schema(cluster.conninfo());
  REQUIRE_MESSAGE(created.ok, created.message);
  pswire_test::reply_dropping_proxy proxy(cluster.port());
  REQUIRE_MESSAGE(proxy.ok(), proxy.error());
  example::postgres_backend backend(proxy.conninfo());
  // A racing copy that needs a row the original holds waits 50 ms, then fails
  // (55P03): it must not wait for a transaction paused until it is done.
  example::postgres_backend racer(cluster.conninfo() + " options='-c lock_timeout=50'");
  reconnecting_session admin(cluster.conninfo());

  const std::uint64_t start = env_number("PSWIRE_FAULT_SEED_START", 1);
  const std::uint64_t seeds = env_number("PSWIRE_FAULT_SEEDS", 200);
  fault_counts faults;
  std::size_t retried = 0, requests = 0, transactions = 0, operations = 0;
  std::int64_t virtual_ms = 0;
  std::vector<std::string> violations;
  const auto began = std::chrono::steady_clock::now();
  for (std::uint64_t seed = start; seed < start + seeds; ++seed) {
    seed_run run(seed, cluster, proxy, backend, racer, admin);
    seed_outcome outcome = run.run();
    transactions += outcome.transactions, operations += outcome.operations;
    faults += outcome.faults;
    retried += outcome.retried, requests += outcome.requests, virtual_ms += outcome.virtual_ms;
    for (auto& v : outcome.violations) {
      std::printf("VIOLATION %s\n", v.c_str());
      violations.push_back(std::move(v));
    }
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  std::printf("%llu seeds, %zu faults (dropped_request=%zu, dropped_response=%zu, duplicate=%zu, late_duplicate=%zu, delayed=%zu, "
              "killed_connection=%zu, lost_commit_reply=%zu, postgres_restart=%zu), %zu transactions retried, %zu invariant violations\n",
              static_cast<unsigned long long>(seeds), faults.total(), faults.dropped_request, faults.dropped_response,
              faults.duplicate, faults.late_duplicate, faults.delayed, faults.killed_connection, faults.lost_commit_reply,
              faults.postgres_restart, retried,
              violations.size());
  std::printf("(%zu transactions, %zu operations, %zu requests, %.0f s of client timeouts and pauses (virtual); seeds %llu..%llu in %.1f s)\n",
              transactions, operations, requests, static_cast<double>(virtual_ms) / 1000.0, static_cast<unsigned long long>(start),
              static_cast<unsigned long long>(start + seeds - 1), seconds);
  std::fflush(stdout);
  CHECK(violations.empty());
}
