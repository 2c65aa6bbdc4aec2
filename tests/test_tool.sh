#!/usr/bin/env bash
# CLI tests for tools/pswire: canonical output, error lines, exit codes.
# Usage: test_tool.sh PSWIRE_BINARY SOURCE_DIR
set -uo pipefail
bin=$1 src=$2
passed=0 failed=0
expect() {  # expect NAME WANT_EXIT WANT_STDOUT WANT_STDERR_PREFIX -- command...
  local name=$1 want_exit=$2 want_out=$3 want_err=$4; shift 5
  local out err status
  out=$("$@" 2>/tmp/pswire-tool-err.$$); status=$?
  err=$(cat /tmp/pswire-tool-err.$$)
  if [ "$status" = "$want_exit" ] && [ "$out" = "$want_out" ] && [[ "$err" == "$want_err"* ]]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    printf 'FAIL %s\n  exit %s (want %s)\n  stdout: %s\n  want:   %s\n  stderr: %s\n' "$name" "$status" "$want_exit" "$out" "$want_out" "$err"
  fi
}
run() { printf '%s' "$1" | "$bin" "${@:2}"; }

expect batch 0 '{"transactions":[{"crud":[{"op":"PUT","table":"w","id":"1","op_data":{"a":1}}]}]}' '' -- \
  run '{ "transactions" : [ {"crud":[{"id":"1","table":"w","op":"PUT","op_data":{"a":1}}]} ] }' decode batch
expect transaction 0 '{"crud":[{"client_id":42,"op":"PATCH","table":"todos","id":"u","transaction_id":7,"op_data":{"completed":1}}],"transaction_id":7}' '' -- \
  run '{"crud":[{"client_id":42,"id":"u","op":"PATCH","table":"todos","transaction_id":7,"op_data":{"completed":1}}],"transaction_id":7}' decode transaction
expect sdk-entry 0 '{"op_id":3,"op":"DELETE","type":"t","id":"x","tx_id":4}' '' -- \
  run '{"op_id":3,"op":"DELETE","type":"t","id":"x","tx_id":4,"data":null,"metadata":null,"old":null}' decode sdk-entry
expect upload-entry 0 '{"op":"DELETE","table":"t","id":"x"}' '' -- run '{"op":"DELETE","table":"t","id":"x"}' decode upload-entry
expect crud-row 0 '{"id":1,"tx_id":2,"data":"{\"op\":\"PUT\",\"id\":\"a\",\"type\":\"t\",\"data\":{}}"}' '' -- \
  run '{"data":"{\"data\":{},\"id\":\"a\",\"type\":\"t\",\"op\":\"PUT\"}","tx_id":2,"id":1}' decode crud-row
expect error-line 1 '' 'pswire: unknown_op at byte 6 (op): op must be PUT, PATCH or DELETE' -- \
  run '{"op":"MOVE","table":"t","id":"x"}' decode upload-entry
expect batch-empty 1 '' 'pswire: batch_empty at byte 16 (transactions)' -- run '{"transactions":[]}' decode batch
expect lines 1 $'{"op":"DELETE","table":"t","id":"x"}\n!error invalid_json at byte 1 (): expected a member name' '' -- \
  run $'{"op":"DELETE","table":"t","id":"x"}\n{]\n' decode upload-entry --lines
expect file-arg 0 '{"op":"DELETE","table":"t","id":"x"}' '' -- \
  bash -c "printf '%s' '{\"op\":\"DELETE\",\"table\":\"t\",\"id\":\"x\"}' > /tmp/pswire-tool-in.$$ && '$bin' decode upload-entry /tmp/pswire-tool-in.$$"
expect unknown-kind 2 '' "pswire: unknown kind 'nope'" -- run '{}' decode nope
expect usage 2 '' $'pswire: no command\nusage: pswire decode' -- "$bin"
expect unknown-command 2 '' "pswire: unknown command 'encode'" -- "$bin" encode batch
expect unknown-option 2 '' "pswire: unknown option '--pretty' for detect" -- run '{}' detect --pretty
expect decode-no-kind 2 '' 'pswire: decode takes KIND [FILE]' -- "$bin" decode
expect unreadable-file 2 '' 'pswire: cannot read /nonexistent/x.json' -- "$bin" decode batch /nonexistent/x.json
expect convert-wrong-args 2 '' 'pswire: convert takes crud-rows batch [FILE]' -- "$bin" convert crud-rows transaction

# Unreadable input is a usage error (exit 2) with the reason, never a crash and
# never a silent end of input: a directory as FILE, and as standard input.
dir=$(mktemp -d)
expect directory-file 2 '' "pswire: cannot read $dir: Is a directory" -- "$bin" decode batch "$dir"
expect directory-stdin 2 '' 'pswire: cannot read standard input: Is a directory' -- bash -c "'$bin' decode batch < '$dir'"
expect directory-stdin-lines 2 '' 'pswire: cannot read standard input: Is a directory' -- \
  bash -c "'$bin' decode upload-entry --lines < '$dir'"
expect directory-convert 2 '' "pswire: cannot read $dir: Is a directory" -- "$bin" convert crud-rows batch "$dir"
rmdir "$dir"

# Input beyond the 16 MiB message limit is refused without being read whole:
# 200 MB in, a bounded peak (it was 413-618 MB when all of stdin was read first).
# `peak_kb OUT CMD...` runs CMD on its stdin, output to OUT, and prints CMD's peak RSS.
peak_kb() {
  python3 -c 'import resource, subprocess, sys
subprocess.run(sys.argv[2:], stdout=open(sys.argv[1], "w"), stderr=subprocess.STDOUT)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' "$@"
}
big() { head -c 200000000 /dev/zero | tr '\0' "$1"; }
bounded_memory() {  # bounded_memory NAME WANT_OUTPUT_PREFIX FILLER -- command...
  local name=$1 want=$2 filler=$3; shift 4
  local kb out log=/tmp/pswire-tool-peak.$$
  kb=$(big "$filler" | peak_kb "$log" "$@" 2>/dev/null)
  out=$(cat "$log" 2>/dev/null); rm -f "$log"
  if [ -n "$kb" ] && [ "$kb" -lt 150000 ] && [[ "$out" == "$want"* ]]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1)); printf 'FAIL %s: peak %s KB (want < 150000), output: %.200s\n' "$name" "$kb" "$out"
  fi
}
too_large='message_too_large at byte 16777216 (): message larger than limits.max_message_bytes'
bounded_memory big-message "pswire: $too_large" ' ' -- "$bin" decode batch
bounded_memory big-line "!error $too_large" a -- "$bin" decode upload-entry --lines
bounded_memory big-row "pswire: line 1: $too_large" a -- "$bin" convert crud-rows batch
# A line past the limit is refused alone; the next line is still read.
expect big-line-then-good 1 $'!error '"$too_large"$'\n{"op":"DELETE","table":"t","id":"x"}' '' -- \
  bash -c "{ head -c 17000000 /dev/zero | tr '\0' a; echo; echo '{\"op\":\"DELETE\",\"table\":\"t\",\"id\":\"x\"}'; } | '$bin' decode upload-entry --lines"

# help: the manual on stdout with every section, per-command parts, exit 0.
manual=$("$bin" --help); status=$?
sections_ok=1
for section in NAME SYNOPSIS DESCRIPTION COMMANDS KINDS OPTIONS 'EXIT STATUS' EXAMPLES; do
  grep -qx "$section" <<<"$manual" || { sections_ok=0; echo "FAIL manual lacks section $section"; }
done
# every kind the tool decodes has its line in KINDS
for kind in crud-row ps-crud sdk-entry upload-entry transaction batch checkpoint-request checkpoint-response \
  write-checkpoint-response custom-checkpoint-request custom-checkpoint-response service-error sync-line result \
  poc-result batch-result message-response; do
  grep -qE "^    $kind +[a-z]" <<<"$manual" || { sections_ok=0; echo "FAIL manual lacks kind $kind"; }
  printf '{}' | "$bin" decode "$kind" >/dev/null 2>&1; [ $? = 1 ] || { sections_ok=0; echo "FAIL kind $kind is not decoded"; }
done
if [ $status = 0 ] && [ $sections_ok = 1 ] && [ "$("$bin" -h)" = "$manual" ] && [ "$("$bin" help)" = "$manual" ]; then
  passed=$((passed + 1))
else
  failed=$((failed + 1)); echo "FAIL --help / -h / help (exit $status)"
fi
expect help-decode 0 "$("$bin" help decode)" '' -- "$bin" decode --help
expect help-detect 0 "$("$bin" help detect)" '' -- "$bin" detect -h
expect help-convert-head 0 'pswire convert crud-rows batch [FILE]' '' -- bash -c "'$bin' convert --help | head -n 1"
expect help-unknown 2 '' "pswire: no help on 'nope'" -- "$bin" help nope
grep -q -- '--pretty' <<<"$("$bin" help decode)" && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL help decode lacks --pretty"; }

# decode --pretty: indented, and the same values as the compact form.
expect pretty 0 $'{\n  "transactions": [\n    {\n      "crud": [\n        {\n          "op": "PUT",\n          "table": "w",\n          "id": "1",\n          "op_data": {}\n        }\n      ]\n    }\n  ]\n}' '' -- \
  run '{"transactions":[{"crud":[{"op":"PUT","table":"w","id":"1","op_data":{}}]}]}' decode batch --pretty
expect pretty-error 1 '' 'pswire: batch_empty at byte 16 (transactions)' -- run '{"transactions":[]}' decode --pretty batch
expect pretty-lines 1 $'{\n  "message": "a"\n}\n!error missing_field at byte 0 (message): required member is absent' '' -- \
  run $'{"message":"a"}\n{}\n' decode message-response --lines --pretty

# detect: the kind's name, ambiguities settled as documented, a named error when none fits.
expect detect-batch 0 'batch' '' -- run '{"transactions":[{"crud":[]}]}' detect
expect detect-crud-row 0 'crud-row' '' -- run '{"id":1,"tx_id":2,"data":"{\"op\":\"DELETE\",\"type\":\"t\",\"id\":\"a\"}"}' detect
expect detect-ps-crud 0 'ps-crud' '' -- run '{"op":"PUT","type":"t","id":"a","data":{"x":1}}' detect
expect detect-sdk-entry 0 'sdk-entry' '' -- run '{"op_id":3,"op":"DELETE","type":"t","id":"x","tx_id":4}' detect
expect detect-upload-entry 0 'upload-entry' '' -- run '{"op":"DELETE","table":"t","id":"x"}' detect
expect detect-result 0 'result' '' -- run '{"status":"success"}' detect
expect detect-poc-result 0 'poc-result' '' -- run '{"status":"fatal_error","message":"m","failed_operation":{"error_code":"X"}}' detect
expect detect-message 0 'message-response' '' -- run '{"message":"x"}' detect
expect detect-custom-checkpoint 0 'custom-checkpoint-response' '' -- run '{"checkpoint":"3"}' detect
expect detect-write-checkpoint 0 'write-checkpoint-response' '' -- run '{"data":{"write_checkpoint":"1"}}' detect
expect detect-unknown-line 0 'sync-line' '' -- run '{"unknown":{}}' detect
expect detect-bad-batch 1 '' 'pswire: no kind fits; closest batch: unknown_op at byte 32 (transactions[0].crud[0].op)' -- \
  run '{"transactions":[{"crud":[{"op":"X"}]}]}' detect
expect detect-not-json 1 '' 'pswire: no kind fits; closest batch: invalid_json at byte 2' -- run '[1' detect
printf '%s\n' '{"crud":[]}' '{"client_id":"c","checkpoint_request_id":"4"}' '{"a":1,"b":2}' > /tmp/pswire-tool-in.$$
expect detect-lines 1 $'transaction\ncheckpoint-request\n!error no kind fits; closest sync-line: ambiguous_sync_line at byte 7 (b): a sync line has exactly one member' '' -- \
  "$bin" detect --lines /tmp/pswire-tool-in.$$
if [ "$("$bin" detect --lines "$src/examples/data/ps_crud_rows.jsonl" | sort -u)" = crud-row ] &&
   [ "$("$bin" detect --lines "$src/examples/data/sync_stream.ndjson" | sort -u)" = sync-line ]; then
  passed=$((passed + 1))
else
  failed=$((failed + 1)); echo "FAIL detect --lines over the sample data"
fi

expect checkpoint-request 0 '{"client_id":"c","checkpoint_request_id":"42"}' '' -- \
  run '{"checkpoint_request_id":42,"client_id":"c"}' decode checkpoint-request
expect checkpoint-request-zero 1 '' 'pswire: number_out_of_range at byte 41 (checkpoint_request_id)' -- \
  run '{"client_id":"c","checkpoint_request_id":"0"}' decode checkpoint-request
expect checkpoint-response 0 '{"data":{"checkpoint_request_id":"43"}}' '' -- run '{"data":{"checkpoint_request_id":"43"}}' decode checkpoint-response
expect write-checkpoint-response 0 '{"data":{"write_checkpoint":"1"}}' '' -- run '{"data":{"write_checkpoint":"1"}}' decode write-checkpoint-response
expect custom-checkpoint-request 0 '{"user_id":"u","client_id":"c"}' '' -- run '{"client_id":"c","user_id":"u"}' decode custom-checkpoint-request
expect custom-checkpoint-response 0 '{"checkpoint":"3"}' '' -- run '{"checkpoint":"3"}' decode custom-checkpoint-response
expect service-error 0 '{"error":{"code":"PSYNC_S2001","description":"Validation failed","status":400}}' '' -- \
  run '{"error":{"status":400,"code":"PSYNC_S2001","description":"Validation failed"}}' decode service-error
expect sync-stream 1 $'{"checkpoint":{"last_op_id":"1","write_checkpoint":"1","buckets":[]}}\n{"checkpoint_complete":{"last_op_id":"1"}}\n{"unknown":{}}\n!error ambiguous_sync_line at byte 7 (b): a sync line has exactly one member' '' -- \
  run $'{"checkpoint":{"last_op_id":"1","write_checkpoint":"1","buckets":[]}}\n{"checkpoint_complete":{"last_op_id":"1"}}\n{"unknown":{}}\n{"a":1,"b":2}\n' decode sync-line --lines

expect result 0 '{"status":"fatal_error","requires_client_handling":false,"message":"m","failed_operation":{"error_code":"X","details":{"a":1},"operation_index":0}}' '' -- \
  run '{"failed_operation":{"operation_index":0,"details":{"a":1},"error_code":"X"},"message":"m","requires_client_handling":false,"status":"fatal_error"}' decode result
expect result-unknown 0 '{"status":"dead_lettered","message":"M"}' '' -- run '{"status":"dead_lettered","message":"M"}' decode result
expect result-malformed 1 '' 'pswire: wrong_type at byte 51 (requires_client_handling)' -- \
  run '{"status":"fatal_error","requires_client_handling":"no","failed_operation":{"error_code":"X"}}' decode result
expect poc-result 0 '{"status":"fatal_error","message":"m","failed_operation":{"error_code":"UNIQUE_VIOLATION","message":"m"}}' '' -- \
  run '{"status":"fatal_error","message":"m","failed_operation":{"error_code":"UNIQUE_VIOLATION","message":"m"}}' decode poc-result
expect batch-result 1 $'{"results":[{"status":"success"},{"status":"not_attempted"}]}\n!error wrong_type at byte 43 (results[1].status): expected a string' '' -- \
  run $'{"results":[{"status":"success"},{"status":"not_attempted"}]}\n{"results":[{"status":"success"},{"status":7}]}\n' decode batch-result --lines
expect message-response 0 '{"message":"Invalid token"}' '' -- run '{"message":"Invalid token"}' decode message-response

# convert: the captured rows become batches that decode as batches.
batches=$("$bin" convert crud-rows batch "$src/examples/data/ps_crud_rows.jsonl"); status=$?
if [ $status = 0 ] && [ "$(printf '%s\n' "$batches" | wc -l)" -ge 2 ] &&
   printf '%s\n' "$batches" | "$bin" decode batch --lines >/dev/null; then
  passed=$((passed + 1))
else
  failed=$((failed + 1)); echo "FAIL convert crud-rows batch (exit $status)"
fi
# every captured row decodes as a crud-row
if "$bin" decode crud-row --lines "$src/examples/data/ps_crud_rows.jsonl" >/dev/null; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL crud-row --lines"; fi
expect convert-bad-row 1 '' 'pswire: line 1: unknown_op' -- run '{"id":1,"tx_id":1,"data":"{\"op\":\"X\",\"id\":\"a\",\"type\":\"t\"}"}' convert crud-rows batch

# sync streams: both framings, BSON lines, conversion both ways.
session="$src/tests/interop/sync_session.ndjson"
bson_stream=/tmp/pswire-tool-stream.$$
ndjson_canonical=$("$bin" decode sync-stream --framing ndjson "$session")
expect convert-sync-stream 0 '' '' -- bash -c "'$bin' convert sync-stream ndjson bson '$session' > $bson_stream"
# Back from BSON, a row string has pswire's escaping ("é" where the input had "\u00e9"): the same
# lines, so the stream converts to the same BSON again.
from_bson=$("$bin" decode sync-stream --framing bson "$bson_stream")
expect decode-bson-stream 0 "$(printf '%s\n' "$ndjson_canonical" | wc -l)" '' -- bash -c "printf '%s\n' '$from_bson' | wc -l"
expect convert-back 0 '' '' -- bash -c "'$bin' convert sync-stream bson ndjson $bson_stream | '$bin' convert sync-stream ndjson bson | cmp - $bson_stream"
expect ndjson-idempotent 0 "$from_bson" '' -- bash -c "printf '%s\n' '$from_bson' | '$bin' decode sync-stream --framing ndjson"
expect decode-sync-line-bson 0 '{"token_expires_in":60}' '' -- \
  bash -c "printf '\x1b\x00\x00\x00\x10token_expires_in\x00\x3c\x00\x00\x00\x00' | '$bin' decode sync-line --bson"
expect bson-trailing 1 '' 'pswire: trailing_content at byte 27' -- \
  bash -c "printf '\x1b\x00\x00\x00\x10token_expires_in\x00\x3c\x00\x00\x00\x00\x00' | '$bin' decode sync-line --bson"
expect bson-wrong-type 1 '' 'pswire: wrong_type at byte 4 (token_expires_in): expected an integer, found a string' -- \
  bash -c "printf '\x1e\x00\x00\x00\x02token_expires_in\x00\x03\x00\x00\x0060\x00\x00' | '$bin' decode sync-line --bson"
# U+2028 inside a line is not a line break; a bad line is reported in place; a cut stream ends with an error.
expect ndjson-u2028 1 $'{"future":"a\xe2\x80\xa8b"}\n!error invalid_json at byte 0 (): expected a value\n!error truncated_stream at byte 25 (): the stream ended inside a line' '' -- \
  run $'{"future":"a\xe2\x80\xa8b"}\r\nnope\n{"token_expires_in":1}' decode sync-stream --framing ndjson
expect bson-cut 1 '!error truncated_stream at byte 0 (): the stream ended inside a line' '' -- \
  bash -c "printf '\x1b\x00\x00\x00\x10token' | '$bin' decode sync-stream --framing bson"
expect framing-missing 2 '' 'pswire: decode sync-stream takes --framing ndjson|bson' -- run '' decode sync-stream
expect bson-lines 2 '' 'pswire: --bson decodes one sync-line document' -- run '' decode batch --bson
expect convert-sync-usage 2 '' 'pswire: convert takes sync-stream ndjson|bson ndjson|bson [FILE]' -- run '' convert sync-stream ndjson xml
rm -f "$bson_stream"

# generate: seeded, one message per line; --seed N+i --count 1 repeats message i;
# the lines decode (tests/generated_messages.sh runs 10,000 per kind).
expect generate-repeat 0 "$("$bin" generate batch --seed 12 --count 3 | sed -n 3p)" '' -- "$bin" generate batch --seed 14
expect generate-count 0 '25' '' -- bash -c "'$bin' generate sync-line --count 25 | wc -l"
expect generate-decodes 0 '' '' -- bash -c "'$bin' generate crud-row --count 50 | '$bin' decode crud-row --lines > /dev/null"
expect generate-invalid-refused 0 '0' '' -- bash -c "'$bin' generate result --invalid --count 50 | '$bin' decode result --lines | grep -vc '^!error ' || true"
expect generate-vector 0 '{"name":"generated custom-checkpoint-response seed 21","kind":"custom-checkpoint-response","input":"{ \"\\u0063\\u0068\\u0065\\u0063\\u006b\\u0070\\u006f\\u0069\\u006e\\u0074\": \"197\" }","output":"{\"checkpoint\":\"197\"}"}' '' -- \
  "$bin" generate custom-checkpoint-response --vectors --seed 21
expect generate-invalid-vector 0 '{"name":"generated message-response seed 16 bad_escape:message","kind":"message-response","input":"{ \"message\": \"a\\qb\" }","error":"invalid_string"}' '' -- \
  "$bin" generate message-response --invalid --vectors --seed 16
expect generate-unknown-kind 2 '' "pswire: unknown kind 'nope'" -- "$bin" generate nope
expect generate-bad-seed 2 '' 'pswire: --seed takes a non-negative integer' -- "$bin" generate batch --seed -1
expect generate-no-count 2 '' 'pswire: --count takes a non-negative integer' -- "$bin" generate batch --count
expect generate-lines 2 '' "pswire: unknown option '--lines' for generate" -- "$bin" generate batch --lines
expect help-generate-head 0 'pswire generate KIND [--seed N] [--count M] [--invalid] [--vectors]' '' -- bash -c "'$bin' generate --help | head -n 1"

rm -f /tmp/pswire-tool-err.$$ /tmp/pswire-tool-in.$$
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
