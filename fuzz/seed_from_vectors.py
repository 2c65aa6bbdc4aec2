#!/usr/bin/env python3
"""Writes the input of every conformance vector (tests/vectors/*.jsonl) into a seed folder per
fuzz target, named by content hash. Merge them into the committed corpora with libFuzzer, which
keeps only inputs that add coverage:

    python3 fuzz/seed_from_vectors.py tests/vectors /tmp/seeds
    ./build-fuzz/fuzz/fuzz_crud -merge=1 fuzz/corpus/crud /tmp/seeds/crud   # and so on per target
"""
import hashlib
import json
import pathlib
import sys

TARGET_OF_KIND = {
    "crud-row": "crud", "ps-crud": "crud", "sdk-entry": "crud", "upload-entry": "crud",
    "transaction": "batch", "batch": "batch",
    "result": "results", "poc-result": "results", "batch-result": "results", "message-response": "results",
    "sync-line": "sync_lines",
}  # every other kind (checkpoint messages, service errors) goes to "checkpoints"


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    vectors, seeds = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    for file in sorted(vectors.glob("*.jsonl")):
        for line in filter(None, file.read_text(encoding="utf-8").split("\n")):  # not splitlines: U+2028
            vector = json.loads(line)
            data = vector["input"].encode("utf-8")
            folder = seeds / TARGET_OF_KIND.get(vector["kind"], "checkpoints")
            folder.mkdir(parents=True, exist_ok=True)
            (folder / hashlib.sha1(data).hexdigest()).write_bytes(data)


if __name__ == "__main__":
    main()
