#!/usr/bin/env python3
"""Turns what the real peers produced (peers.mjs capture/session/service-lines) into conformance vectors.

usage: make_vectors.py PEER_OUTPUT_DIR VECTOR_DIR PSWIRE_TOOL

Every vector is one JSON object per line: {"name", "kind", "input", "output"} where output is the
expected canonical re-encoding. For peer bytes the peer is the reference, so output == input: pswire
must reproduce what the core and the JS SDK wrote, byte for byte.
The BSON documents js-bson wrote are bytes, so bson/js_bson_sync_lines.jsonl carries each as hex:
{"name", "kind", "hex", "output", "source"}, output being what `pswire decode sync-line --bson` prints
(run.sh has checked that it equals the decoding of the line's JSON) and source the serialiser.
"""
import json
import pathlib
import subprocess
import sys


def write_vectors(path, vectors):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for v in vectors:
            f.write(json.dumps(v, ensure_ascii=False, separators=(",", ":")) + "\n")


def lines(path):
    return [line for line in path.read_text(encoding="utf-8").split("\n") if line]


def bson_documents(stream):
    """Splits a BSON stream into its documents: each starts with its int32 little-endian total length."""
    documents = []
    at = 0
    while at < len(stream):
        length = int.from_bytes(stream[at:at + 4], "little", signed=True)
        documents.append(stream[at:at + length])
        at += length
    return documents


def canonical_sync_line(tool, document):
    decoded = subprocess.run([tool, "decode", "sync-line", "--bson"], input=document, capture_output=True)
    if decoded.returncode != 0:
        sys.exit(f"pswire refuses the js-bson document {document.hex()}: {decoded.stderr.decode()}")
    return decoded.stdout.decode("utf-8").removesuffix("\n")


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    peers, out, tool = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), sys.argv[3]
    out.mkdir(parents=True, exist_ok=True)

    for source, rows_out, entries_out, what in [
            ("ps_crud_rows.jsonl", "core_ps_crud_rows.jsonl", "js_sdk_entries.jsonl", "row"),
            ("ps_crud_matrix.jsonl", "core_ps_crud_matrix.jsonl", "js_sdk_matrix_entries.jsonl", "matrix row")]:
        rows = lines(peers / source)
        write_vectors(out / rows_out,
                      [{"name": f"core ps_crud {what} {i + 1}", "kind": "crud-row", "input": r, "output": r}
                       for i, r in enumerate(rows)])
        entries = lines(peers / ("sdk_entries.jsonl" if what == "row" else "sdk_matrix_entries.jsonl"))
        write_vectors(out / entries_out,
                      [{"name": f"JS CrudEntry.fromRow({what} {i + 1}).toJSON()", "kind": "sdk-entry", "input": e,
                        "output": e} for i, e in enumerate(entries)])

    session = [json.loads(s) for s in lines(peers / "session.jsonl")]
    messages = []
    for n, step in enumerate(session, 1):
        if step["step"] == "line_text":
            messages.append({"name": f"session step {n}: sync line the core accepted", "kind": "sync-line",
                             "input": step["sent"], "output": step["sent"]})
        elif step["step"].startswith("post "):
            messages.append({"name": f"session step {n}: body the JS SDK posts", "kind": "checkpoint-request",
                             "input": step["body"], "output": step["body"]})
            messages.append({"name": f"session step {n}: response the JS SDK reads", "kind": "checkpoint-response",
                             "input": step["response"], "output": step["response"]})
    write_vectors(out / "peer_checkpoint_messages.jsonl", messages)
    source = (peers / "service_lines.serializer").read_text(encoding="utf-8").strip()
    bson_vectors = []
    for n, document in enumerate(bson_documents((peers / "service_lines.bson").read_bytes()), 1):
        output = canonical_sync_line(tool, document)
        line_type = next(iter(json.loads(output)))
        bson_vectors.append({"name": f"service line {n} ({line_type}) as {source} serializes it", "kind": "sync-line",
                             "hex": document.hex(), "output": output, "source": source})
    (out / "bson").mkdir(exist_ok=True)
    write_vectors(out / "bson" / "js_bson_sync_lines.jsonl", bson_vectors)
    transcripts = out / "transcripts"
    transcripts.mkdir(exist_ok=True)
    (transcripts / "core_sync_session.jsonl").write_text((peers / "session.jsonl").read_text(encoding="utf-8"),
                                                          encoding="utf-8", newline="\n")


if __name__ == "__main__":
    main()
