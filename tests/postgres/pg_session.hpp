// A raw libpq session for tests: the second client that makes a conflict,
// kills a backend or holds a connection slot.
#pragma once

#include <libpq-fe.h>

#include <string>
#include <utility>

namespace pswire_test {

struct pg_reply {
  bool ok = false;
  std::string sqlstate;  // empty on success, or when libpq has none
  std::string value;     // the first column of the first row, if any
  std::string message;
};

class pg_session {
 public:
  explicit pg_session(const std::string& conninfo) : conn_(PQconnectdb(conninfo.c_str())) {}
  ~pg_session() { PQfinish(conn_); }
  pg_session(const pg_session&) = delete;
  pg_session& operator=(const pg_session&) = delete;
  pg_session(pg_session&&) = delete;
  pg_session& operator=(pg_session&&) = delete;

  bool connected() const { return PQstatus(conn_) == CONNECTION_OK; }
  std::string error() const { return PQerrorMessage(conn_); }

  pg_reply exec(const std::string& sql) { return reply_of(PQexec(conn_, sql.c_str())); }

  // A statement that will block (on a lock): sent now, its reply read by wait().
  bool send(const std::string& sql) { return PQsendQuery(conn_, sql.c_str()) == 1; }
  pg_reply wait() {
    pg_reply last{true, {}, {}, {}};
    while (PGresult* r = PQgetResult(conn_)) last = reply_of(r);
    return last;
  }

 private:
  static pg_reply reply_of(PGresult* r) {
    pg_reply reply;
    const ExecStatusType status = PQresultStatus(r);
    reply.ok = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
    if (const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE)) reply.sqlstate = state;
    if (const char* message = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY)) reply.message = message;
    if (reply.ok && PQntuples(r) > 0) reply.value = PQgetvalue(r, 0, 0);
    PQclear(r);
    return reply;
  }

  PGconn* conn_;
};

}  // namespace pswire_test
