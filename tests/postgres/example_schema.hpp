// The Postgres example's tables (examples/postgres_server/schema.sql),
// dropped and created again: the empty store a test starts from.
#pragma once

#include <string>

#include "example_support.hpp"
#include "pg_session.hpp"

namespace pswire_test {

// The failure, if any: ok is false and message says why.
inline pg_reply reset_example_schema(const std::string& conninfo) {
  pg_session session(conninfo);
  if (!session.connected()) return {false, {}, {}, session.error()};
  const auto schema = example::read_file(PSWIRE_POSTGRES_SCHEMA);
  if (!schema) return {false, {}, {}, "cannot read " PSWIRE_POSTGRES_SCHEMA};
  const auto dropped = session.exec("SET client_min_messages = warning; "
                                    "DROP TABLE IF EXISTS todos, lists, checkpoint_requests, applied_transactions CASCADE");
  return dropped.ok ? session.exec(*schema) : dropped;
}

}  // namespace pswire_test
