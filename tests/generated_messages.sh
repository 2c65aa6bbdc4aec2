#!/usr/bin/env bash
# `pswire generate` against `pswire decode --lines`, for every kind:
#   - COUNT (10,000) valid messages: every one accepted;
#   - COUNT near-valid messages as vectors (--invalid --vectors): every one
#     refused, with exactly the error its vector names;
#   - COUNT/10 near-valid messages as raw lines (--invalid: invalid UTF-8 too,
#     which a vector cannot carry): every one refused;
#   - COUNT/10 valid vectors: decode prints exactly their canonical output.
# Usage: generated_messages.sh PSWIRE_BINARY [COUNT]
set -uo pipefail
bin=$1 count=${2:-10000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0
fail() { failed=$((failed + 1)); printf 'FAIL %s\n' "$*"; }

# Feeds each vector's input to `pswire decode KIND --lines` and compares the
# answers line by line: a refused line reads "!error NAME at byte N (PATH):
# detail", and NAME must be the vector's error; an accepted one must be its output.
check_vectors() {  # check_vectors KIND VECTORS
  python3 - "$bin" "$1" "$2" <<'PY'
import json, subprocess, sys
bin, kind, path = sys.argv[1:4]
vectors = [json.loads(line) for line in open(path, encoding="utf-8")]
inputs = "".join(v["input"] + "\n" for v in vectors).encode()
decoded = subprocess.run([bin, "decode", kind, "--lines"], input=inputs, stdout=subprocess.PIPE).stdout
answers = decoded.decode("utf-8", "surrogateescape").split("\n")[:-1]
if len(answers) != len(vectors):
    sys.exit(f"  {len(vectors)} vectors, {len(answers)} answers")
bad = 0
for v, answer in zip(vectors, answers):
    if "error" in v:
        ok = answer.startswith("!error ") and answer.split(" ")[1] == v["error"]
    else:
        ok = answer == v["output"]
    if not ok:
        bad += 1
        if bad <= 5:
            print(f"  {v['name']}: want {v.get('error', v.get('output'))!r}, decode gave {answer[:200]!r}")
sys.exit(1 if bad else 0)
PY
}

kinds=(crud-row ps-crud sdk-entry upload-entry transaction batch checkpoint-request checkpoint-response
  write-checkpoint-response custom-checkpoint-request custom-checkpoint-response service-error sync-line result
  poc-result batch-result message-response)
for kind in "${kinds[@]}"; do
  "$bin" generate "$kind" --count "$count" > "$work/valid" || fail "$kind: generate exit $?"
  "$bin" decode "$kind" --lines < "$work/valid" > "$work/decoded" ||
    fail "$kind: a valid message was refused: $(grep -m1 '^!error' "$work/decoded")"
  [ "$(wc -l < "$work/decoded")" = "$count" ] || fail "$kind: $(wc -l < "$work/decoded") answers for $count messages"

  # Each pass from its own seeds, apart from the valid messages'.
  "$bin" generate "$kind" --invalid --vectors --seed 1000000 --count "$count" > "$work/vectors" ||
    fail "$kind: generate --invalid --vectors exit $? (a message did not decode as its vector says)"
  check_vectors "$kind" "$work/vectors" || fail "$kind: near-valid vectors"

  "$bin" generate "$kind" --invalid --seed 2000000 --count $((count / 10)) > "$work/invalid"
  "$bin" decode "$kind" --lines < "$work/invalid" > "$work/decoded"
  accepted=$(grep -vc '^!error ' "$work/decoded")
  { [ "$accepted" = 0 ] && [ "$(wc -l < "$work/decoded")" = $((count / 10)) ]; } || fail "$kind: $accepted near-valid lines accepted"

  "$bin" generate "$kind" --vectors --seed 3000000 --count $((count / 10)) > "$work/vectors" || fail "$kind: generate --vectors exit $?"
  check_vectors "$kind" "$work/vectors" || fail "$kind: valid vectors"
done
echo "${#kinds[@]} kinds, $count valid and $count near-valid messages each: $failed failed"
[ "$failed" = 0 ]
