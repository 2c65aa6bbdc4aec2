#!/usr/bin/env bash
# The client and server examples against each other: the captured ps_crud
# rows are uploaded batch by batch to the SQLite-backed server until the
# queue is empty, then a checkpoint request is made and the sync stream is
# followed. Checks the decisions both sides print and the final database.
#   run_examples.sh CLIENT SERVER SOURCE_DIR WORK_DIR
set -euo pipefail
client=$1 server=$2 source=$3 work=$4
rm -rf "$work"
mkdir -p "$work"
queue=$work/queue.jsonl db=$work/store.sqlite log=$work/log.txt
cp "$source/examples/data/ps_crud_rows.jsonl" "$queue"

rounds=0
while [ -s "$queue" ]; do
  rounds=$((rounds + 1))
  [ $rounds -le 10 ] || { echo "the queue did not drain in 10 rounds"; cat "$log"; exit 1; }
  "$client" upload "$queue" "$work/batch.json" >>"$log"
  "$server" apply "$db" "$work/batch.json" "$work/response.json" >>"$log"
  "$client" complete "$queue" "$work/response.json" >>"$log"
done
echo "queue drained in $rounds rounds" >>"$log"
"$client" checkpoint-request "c2d9b4e0-client" 7 "$work/checkpoint_request.json" >>"$log"
"$server" checkpoint "$db" "$work/checkpoint_request.json" "$work/checkpoint_response.json" >>"$log"
"$client" checkpoint-response "$queue" "$work/checkpoint_response.json" "$source/examples/data/sync_stream.ndjson" >>"$log"

# Refusals: a body the server cannot decode is answered 400 {"message":...}
# and the client retains everything; a checkpoint request id of 0 is answered
# with the service's validation error.
head -n 4 "$source/examples/data/ps_crud_rows.jsonl" >"$work/queue2.jsonl"
cp "$work/queue2.jsonl" "$work/queue2.before"
printf '%s' '{"transactions":[]}' >"$work/empty_batch.json"
"$server" apply "$db" "$work/empty_batch.json" "$work/refused.json" >>"$log"
"$client" complete "$work/queue2.jsonl" "$work/refused.json" >>"$log"
cmp -s "$work/queue2.jsonl" "$work/queue2.before" || { echo "a refused batch changed the queue"; exit 1; }
printf '%s' '{"client_id":"c2d9b4e0-client","checkpoint_request_id":"0"}' >"$work/bad_checkpoint_request.json"
"$server" checkpoint "$db" "$work/bad_checkpoint_request.json" "$work/bad_checkpoint_response.json" >>"$log"
if "$client" checkpoint-response "$queue" "$work/bad_checkpoint_response.json" "$source/examples/data/sync_stream.ndjson" >>"$log"; then
  echo "a refused checkpoint request was taken for an answer"; exit 1
fi
cat "$log"

expect() {
  grep -qF -- "$1" "$log" || { echo "MISSING: $1"; exit 1; }
}
# 112 rows in 65 transactions; a batch holds 50. Transaction 6 (rows 10-13)
# puts a todo without a description (row 12): SQLite refuses it, and the
# client drops the transaction, list "Work" included. So the 20 todos of
# transaction 7 reference a list that does not exist: the next batch fails
# on the foreign key and that transaction is dropped as well.
expect "client: upload 50 transactions, 94 operations"
expect "server: transaction 5 (tx_id 6): NOT NULL constraint failed: todos.description -> fatal NOT_NULL_VIOLATION at operation 2"
expect "server: results: 5 success, 1 fatal_error, 0 retryable_error, 44 not_attempted"
expect "client: complete 6 of 50 transactions (up to op_id 13), retain 44; 99 rows left in the queue"
expect "server: transaction 0 (tx_id 7): FOREIGN KEY constraint failed -> fatal FOREIGN_KEY_VIOLATION at operation 0"
expect "client: complete 1 of 50 transactions (up to op_id 33), retain 49; 79 rows left in the queue"
expect "server: results: 50 success, 0 fatal_error, 0 retryable_error, 0 not_attempted"
expect "client: complete 8 of 8 transactions (up to op_id 112), retain 0; 0 rows left in the queue"
expect "queue drained in 4 rounds"
expect 'client: POST /sync/checkpoint-request {"client_id":"c2d9b4e0-client","checkpoint_request_id":"7"}'
expect "server: checkpoint request 7 from c2d9b4e0-client: stored 7"
expect "client: checkpoint held back (write checkpoint 5 < target 7, queue empty)"
expect "client: checkpoint applied at write checkpoint 7: request 7 reached"
expect 'server: HTTP 400 {"message":"invalid request body: batch_empty at byte 16 (transactions): a batch holds at least one transaction"}'
expect "client: the server refused the batch (invalid request body: batch_empty at byte 16 (transactions): a batch holds at least one transaction); retain the 1 transactions sent"
expect 'server: HTTP 400 {"error":{"code":"PSYNC_S2001","description":"Validation failed: number_out_of_range at byte 55 (checkpoint_request_id): checkpoint_request_id must be between 1 and 9223372036854775807","status":400}}'
expect "client: the service refused the request: PSYNC_S2001"

# The store holds what the rows leave behind without the two dropped transactions.
python3 - "$db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = lambda sql: db.execute(sql).fetchall()
# "Groceries" and its todos were deleted by transaction 10; "Work" and its todos were dropped.
assert rows("SELECT * FROM lists") == [], rows("SELECT * FROM lists")
assert rows("SELECT * FROM todos") == [], rows("SELECT * FROM todos")
assert rows("SELECT type, count(*) FROM documents GROUP BY type") == [("edge_cases", 25), ("insert_only_log", 3)]
# PATCH through json_patch: {"i":null,"r":5e-324} removed i and set r; int64 edges stored exactly.
assert rows("SELECT data FROM documents WHERE id = 'int-min'") == [('{"r":5e-324}',)]
assert rows("SELECT data FROM documents WHERE id = 'int-max'") == [('{"i":-9223372036854775808}',)]
assert rows("SELECT json_extract(data, '$.qty') FROM documents WHERE type = 'insert_only_log' AND json_extract(data, '$.title') LIKE 'big%'") == [(9223372036854775807,)]
print("store checks passed")
PY
