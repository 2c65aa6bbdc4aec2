#!/usr/bin/env python3
"""Differential test: pswire against Python's json, an independent parser.

Generates valid messages of each kind, mutates them (byte flips, insertions,
deletions, duplicated keys, number edge cases, escapes, truncation), and runs
them all through `pswire decode KIND --lines`. For every input:

  * pswire accepts  -> Python's json accepts it too, and both it and pswire's
                       canonical re-encoding mean the same message (the
                       projections below, which apply the normalisations
                       docs/crud.md, checkpoints.md and results.md document);
  * Python rejects  -> pswire rejects it, with a syntax error name;
  * Python accepts, pswire rejects -> the name is a protocol or limit error,
                       never a syntax one, except for the documented
                       disagreements in EXPECTED_DISAGREEMENTS; and the
                       projection agrees that the protocol does not allow it.

Python's json is made strict where it is lax by default: NaN/Infinity are
refused (parse_constant), integers are exact (int, no digit limit), other
numbers are Decimal, objects keep every member in order (duplicates too).

Usage: differential.py PATH_TO_PSWIRE [--cases-per-kind N] [--seed S]
Standard library only; deterministic for a given seed.
"""
import argparse
import json
import random
import subprocess
import sys
from decimal import Decimal, InvalidOperation

if hasattr(sys, "set_int_max_str_digits"):
    sys.set_int_max_str_digits(0)

SYNTAX_ERRORS = {"empty_input", "invalid_json", "invalid_utf8", "invalid_string", "invalid_number",
                 "trailing_content", "depth_exceeded"}

# Inputs Python's json accepts and pswire rejects on purpose, by JSON syntax.
EXPECTED_DISAGREEMENTS = {
    # RFC 8259 section 8.2: a lone UTF-16 surrogate escape is not a Unicode
    # string; pswire outputs UTF-8 and refuses it. Python decodes it into a str
    # holding the surrogate code point.
    "lone_surrogate": "invalid_string",
}


class Obj(list):
    """A JSON object as Python's json sees it: (key, value) pairs in order."""


class NotProtocol(Exception):
    """The projection found a message the protocol does not allow."""


REJECTED = object()
NOT_PROTOCOL = "not protocol"
ABSENT = object()


def _refuse_constant(name):
    raise ValueError("not JSON: " + name)


class NumberText(str):
    """A number beyond Decimal's exponent range, kept as its spelling."""


def exact_number(text):
    try:
        return Decimal(text)
    except InvalidOperation:
        return NumberText(text)


def python_parse(data):
    """The value of `data` (bytes) per Python's json, or REJECTED."""
    try:
        text = data.decode("utf-8")
        return json.loads(text, object_pairs_hook=Obj, parse_float=exact_number, parse_int=int,
                          parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        return REJECTED


def has_lone_surrogate(value):
    if isinstance(value, str):
        return any(0xD800 <= ord(c) <= 0xDFFF for c in value)
    if isinstance(value, Obj):
        return any(has_lone_surrogate(k) or has_lone_surrogate(v) for k, v in value)
    if isinstance(value, list):
        return any(has_lone_surrogate(v) for v in value)
    return False


# ---------------------------------------------------------------- projections
# Each maps a parsed message to what it means to the protocol, so that the
# input and pswire's re-encoding of it can be compared.

def members(value, names):
    if not isinstance(value, Obj):
        raise NotProtocol("expected an object")
    seen = {}
    for key, v in value:
        if key in names:
            if key in seen:
                raise NotProtocol("duplicate " + key)
            seen[key] = v
    return seen


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def integer_value(v):
    """The value of a JSON number that is an integer (1.0 and 1e2 too, as JSON
    Schema's integer), or None."""
    if is_int(v):
        return v
    if isinstance(v, NumberText):
        # Beyond Decimal's exponent range: an integer only if it is zero.
        significand = v.lstrip("-").split("e")[0].split("E")[0]
        return 0 if set(significand) <= set("0.") else None
    if isinstance(v, Decimal) and v == v.to_integral_value():
        # int() only within 64 bits: 1e999999 would be a million digits.
        return int(v) if -2**64 < v < 2**64 else v
    return None


def int64(v):
    n = integer_value(v)
    if n is None or not -2**63 <= n < 2**63:
        raise NotProtocol("expected an int64")
    return int(n)


def int32(v):  # the core's i32 fields (token_expires_in)
    n = int64(v)
    if not -2**31 <= n < 2**31:
        raise NotProtocol("expected an int32")
    return n


def string(v):
    if not isinstance(v, str):
        raise NotProtocol("expected a string")
    return v


def optional(m, key, read, null_is_absent=True):
    v = m.get(key, ABSENT)
    if v is ABSENT or (v is None and null_is_absent):
        return ABSENT
    return read(v)


def raw_object(v):
    if not isinstance(v, Obj):
        raise NotProtocol("expected an object")
    return v


def crud_entry(value, dialect):
    names = {"ps_crud": ("", "op", "type", "id", "", "data", "old", "metadata"),
             "sdk": ("op_id", "op", "type", "id", "tx_id", "data", "old", "metadata"),
             "upload": ("client_id", "op", "table", "id", "transaction_id", "op_data", "previous_values", "metadata")}
    op_id, op, table, row_id, tx_id, data, old, metadata = names[dialect]
    m = members(value, {n for n in names[dialect] if n})
    for required in (op, table, row_id):
        if required not in m:
            raise NotProtocol("missing " + required)
    if m[op] not in ("PUT", "PATCH", "DELETE"):
        raise NotProtocol("unknown op")
    meta = m.get(metadata, ABSENT)
    if meta is None or (dialect == "ps_crud" and (is_int(meta) or isinstance(meta, Decimal))):
        meta = ABSENT
    elif meta is not ABSENT:
        meta = string(meta)
    # A DELETE's data is kept like any other op's (docs/crud.md).
    return (optional(m, op_id, int64) if op_id else ABSENT, m[op], string(m[table]), string(m[row_id]),
            optional(m, tx_id, int64) if tx_id else ABSENT, optional(m, data, raw_object),
            optional(m, old, raw_object), meta)


def crud_row(value):
    m = members(value, {"id", "tx_id", "data"})
    if "id" not in m or "data" not in m:
        raise NotProtocol("missing id or data")
    inner = python_parse(string(m["data"]).encode("utf-8", "surrogatepass"))
    if inner is REJECTED:
        raise NotProtocol("data is not JSON")
    return (int64(m["id"]), optional(m, "tx_id", int64), crud_entry(inner, "ps_crud"))


def array(v, read):
    if not isinstance(v, list) or isinstance(v, Obj):
        raise NotProtocol("expected an array")
    return [read(e) for e in v]


def transaction(value):
    m = members(value, {"crud", "transaction_id"})
    if "crud" not in m:
        raise NotProtocol("missing crud")
    return (array(m["crud"], lambda e: crud_entry(e, "upload")), optional(m, "transaction_id", int64))


def batch(value):
    m = members(value, {"transactions"})
    if "transactions" not in m or not 1 <= len(m["transactions"]) <= 50:
        raise NotProtocol("transactions missing, empty or too many")
    return array(m["transactions"], transaction)


def decimal_id(v):
    """Checkpoint ids: a string of digits on the wire (a JSON integer also accepted)."""
    if isinstance(v, str):
        if not v.isascii() or not v.isdigit():
            raise NotProtocol("not a decimal id")
        return int64(int(v))
    return int64(v)


def checkpoint_request_id(v):
    """Positive; as a JSON number also a safe integer (checkpoints.md)."""
    n = None if isinstance(v, str) else integer_value(v)
    # integer_value keeps a Decimal only beyond 64 bits: not safe either.
    if n is not None and (isinstance(n, Decimal) or abs(n) > 2**53 - 1):
        raise NotProtocol("not a safe integer")
    n = decimal_id(v)
    if n < 1:
        raise NotProtocol("checkpoint_request_id below 1")
    return n


def checkpoint_request(value):
    m = members(value, {"client_id", "checkpoint_request_id"})
    if len(m) != 2:
        raise NotProtocol("missing member")
    return (string(m["client_id"]), checkpoint_request_id(m["checkpoint_request_id"]))


def checkpoint_response(value):
    m = members(value, {"data"})
    d = members(m.get("data"), {"checkpoint_request_id"})
    return checkpoint_request_id(d["checkpoint_request_id"])


def checksum(v):
    """int32, uint32 or an integral double, held mod 2^32. A number with a
    fraction or exponent is read as the nearest double, as the peers do
    (checkpoints.md): 1e-400 is 0.0, an integral double, so checksum 0."""
    if isinstance(v, (Decimal, NumberText)):
        d = float(v)
        if d in (float("inf"), float("-inf")) or d != int(d):
            raise NotProtocol("not an integral double")
        v = int(d)
    if not is_int(v) or not -2**31 <= v < 2**32:
        raise NotProtocol("checksum out of range")
    return v % 2**32


def bucket(value):
    m = members(value, {"bucket", "checksum", "count", "priority", "subscriptions"})
    priority = optional(m, "priority", int64)
    if priority is not ABSENT and not 0 <= priority < 2**31 - 1:
        raise NotProtocol("priority out of range")
    return (string(m["bucket"]), checksum(m["checksum"]), optional(m, "count", int64),
            3 if priority is ABSENT else priority, optional(m, "subscriptions", lambda v: v))


def oplog(value):
    m = members(value, {"op_id", "op", "object_type", "object_id", "subkey", "checksum", "data"})
    if m["op"] not in ("PUT", "REMOVE", "MOVE", "CLEAR"):
        raise NotProtocol("unknown oplog op")
    return (decimal_id(m["op_id"]), m["op"], optional(m, "object_type", string),
            optional(m, "object_id", string), optional(m, "subkey", string), checksum(m["checksum"]),
            optional(m, "data", lambda v: v))


def sync_line(value):
    if not isinstance(value, Obj) or len(value) != 1:
        raise NotProtocol("a sync line has one member")
    kind, body = value[0]
    if kind == "checkpoint":
        m = members(body, {"last_op_id", "write_checkpoint", "buckets", "streams"})
        return (kind, decimal_id(m["last_op_id"]), optional(m, "write_checkpoint", decimal_id),
                array(m["buckets"], bucket), optional(m, "streams", lambda v: v))
    if kind == "checkpoint_complete":
        m = members(body, {"last_op_id"})
        return (kind, optional(m, "last_op_id", decimal_id))
    if kind == "data":
        m = members(body, {"bucket", "after", "next_after", "has_more", "data"})
        return (kind, string(m["bucket"]), optional(m, "after", decimal_id), optional(m, "next_after", decimal_id),
                optional(m, "has_more", lambda v: v), array(m["data"], oplog))
    if kind == "token_expires_in":
        return (kind, int32(body))
    return ("unknown", kind, body)


def boolean(v):
    if not isinstance(v, bool):
        raise NotProtocol("expected a boolean")
    return v


def operation_index(v):
    if int64(v) < 0:
        raise NotProtocol("operation_index is zero-based")
    return v


def failed_operation(value):
    m = members(value, {"error_code", "message", "details", "operation_index"})
    return (string(m["error_code"]), optional(m, "message", string, False), m.get("details", ABSENT),
            optional(m, "operation_index", operation_index, False))


# The members each status gives meaning to (results.md), with their readers;
# `None` marks a required member (the reference dialect).
RESULT_MEMBERS = {
    "success": {"message": string},
    "retryable_error": {"message": string, "retry_after_ms": int64},
    "fatal_error": {"requires_client_handling": None, "message": string, "failed_operation": None},
    "not_attempted": {},
}


def transaction_result(value):
    status = string(members(value, {"status"})["status"])
    if status not in RESULT_MEMBERS:
        return ("unknown", value)  # re-encoded byte for byte
    m = members(value, set(RESULT_MEMBERS[status]) | {"status"})
    if status == "fatal_error":
        return (status, boolean(m["requires_client_handling"]), optional(m, "message", string, False),
                failed_operation(m["failed_operation"]))
    return (status,) + tuple(optional(m, key, read, False) for key, read in sorted(RESULT_MEMBERS[status].items()))


def batch_result(value):
    m = members(value, {"results"})
    return array(m["results"], transaction_result)


KINDS = {
    "ps-crud": lambda v: crud_entry(v, "ps_crud"),
    "sdk-entry": lambda v: crud_entry(v, "sdk"),
    "upload-entry": lambda v: crud_entry(v, "upload"),
    "crud-row": crud_row,
    "transaction": transaction,
    "batch": batch,
    "checkpoint-request": checkpoint_request,
    "checkpoint-response": checkpoint_response,
    "sync-line": sync_line,
    "result": transaction_result,
    "batch-result": batch_result,
}

# ---------------------------------------------------------------- generation
# Values are built as Python trees whose numbers are Num (their spelling) and
# whose objects are Obj, then written with write() so spellings survive.


class Num(str):
    pass


INT64_EDGES = ["0", "-0", "1", "-1", "9223372036854775807", "-9223372036854775808", "9007199254740993"]
NUMBER_EDGES = ["-0", "1e400", "-1e400", "1e-400", "01", "1.", ".1", "+1", "NaN", "Infinity", "-Infinity", "1.0",
                "1E2", "0e0", "-0.0", "9223372036854775808", "-9223372036854775809", "4294967295", "4294967296",
                "-2147483648", "-2147483649", "123456789012345678901234567890", "1e", "-", "0x1F", "1.5e+3"]
STRING_PIECES = ["a", "todo", "é", "日本", "😀", "\u2028", "\x7f", "\"", "\\", "/", "\n", "\t", "\x00", "\x1f", " ",
                 "user_lists[\"u-1\"]", ""]


def random_string(rng):
    return "".join(rng.choice(STRING_PIECES) for _ in range(rng.randint(0, 4)))


def random_scalar(rng):
    return rng.choice([None, True, False, Num(rng.choice(INT64_EDGES)), Num(str(rng.randint(-10**6, 10**6))),
                       Num(rng.choice(["0.5", "-1.5e-7", "3.14159", "1e10", "2E-3"])), random_string(rng)])


def random_value(rng, depth=0):
    roll = rng.random()
    if depth < 3 and roll < 0.2:
        return Obj((random_string(rng), random_value(rng, depth + 1)) for _ in range(rng.randint(0, 3)))
    if depth < 3 and roll < 0.3:
        return [random_value(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    return random_scalar(rng)


def row_data(rng):
    return Obj((rng.choice(["name", "done", "rank", "list_id", "é", "x"]) + str(i), random_value(rng, 1))
               for i in range(rng.randint(0, 4)))


def maybe(rng, pairs, p=0.5):
    return [pair for pair in pairs if rng.random() < p]


def int_id(rng):
    return Num(rng.choice(INT64_EDGES[:1] + INT64_EDGES[2:] + [str(rng.randint(1, 10**6))]))


def gen_crud(rng, dialect):
    names = {"ps_crud": ("", "op", "type", "id", "", "data", "old", "metadata"),
             "sdk": ("op_id", "op", "type", "id", "tx_id", "data", "old", "metadata"),
             "upload": ("client_id", "op", "table", "id", "transaction_id", "op_data", "previous_values", "metadata")}
    op_id, op, table, row_id, tx_id, data, old, metadata = names[dialect]
    kind = rng.choice(["PUT", "PATCH", "DELETE"])
    pairs = [(op, kind), (table, rng.choice(["todos", "lists", "é"])), (row_id, random_string(rng) or "1")]
    optional_pairs = [(old, row_data(rng)), (metadata, random_string(rng))]
    if kind != "DELETE" or rng.random() < 0.3:  # a DELETE with data is rare (manual writes) but valid
        optional_pairs.append((data, row_data(rng)))
    if op_id:
        optional_pairs += [(op_id, int_id(rng)), (tx_id, rng.choice([int_id(rng), None]))]
    pairs += maybe(rng, optional_pairs, 0.7)
    if rng.random() < 0.2:
        pairs.append(("unknown_member", random_value(rng)))
    rng.shuffle(pairs)
    return Obj(pairs)


def gen_crud_row(rng):
    return Obj([("id", int_id(rng)), ("tx_id", rng.choice([int_id(rng), None])),
                ("data", write(gen_crud(rng, "ps_crud"), rng))])


def gen_transaction(rng):
    pairs = [("crud", [gen_crud(rng, "upload") for _ in range(rng.randint(0, 3))])]
    pairs += maybe(rng, [("transaction_id", rng.choice([int_id(rng), None]))])
    return Obj(pairs)


def gen_batch(rng):
    pairs = [("transactions", [gen_transaction(rng) for _ in range(rng.randint(1, 3))])]
    pairs += maybe(rng, [("on_fatal_error", "skip")], 0.2)
    return Obj(pairs)


def decimal_id_text(rng):
    return rng.choice(["1", "42", "9223372036854775807", str(rng.randint(1, 10**9))])


def gen_checkpoint_request(rng):
    request_id = rng.choice([decimal_id_text(rng), Num(str(rng.randint(1, 2**53 - 1)))])
    return Obj([("client_id", random_string(rng) or "c"), ("checkpoint_request_id", request_id)])


def gen_checkpoint_response(rng):
    return Obj([("data", Obj([("checkpoint_request_id", decimal_id_text(rng))]))])


def gen_bucket(rng):
    pairs = [("bucket", random_string(rng)), ("checksum", Num(rng.choice(["-1712802421", "0", "4294967295", "-1.0",
                                                                           str(rng.randint(-2**31, 2**31 - 1))])))]
    pairs += maybe(rng, [("count", Num(str(rng.randint(0, 1000)))), ("priority", Num(str(rng.randint(0, 3)))),
                         ("subscriptions", [Obj([("sub", Num("0"))])])])
    return Obj(pairs)


def gen_sync_line(rng):
    kind = rng.choice(["checkpoint", "checkpoint_complete", "data", "token_expires_in", "unknown"])
    if kind == "checkpoint":
        body = Obj([("last_op_id", decimal_id_text(rng)), ("buckets", [gen_bucket(rng) for _ in range(rng.randint(0, 3))])]
                   + maybe(rng, [("write_checkpoint", rng.choice([decimal_id_text(rng), None]))]))
    elif kind == "checkpoint_complete":
        body = Obj(maybe(rng, [("last_op_id", decimal_id_text(rng))], 0.8))
    elif kind == "data":
        ops = [Obj([("op_id", decimal_id_text(rng)), ("op", rng.choice(["PUT", "REMOVE", "MOVE", "CLEAR"])),
                    ("checksum", Num(str(rng.randint(0, 2**32 - 1))))]
                   + maybe(rng, [("object_type", "todos"), ("object_id", random_string(rng)), ("subkey", None),
                                 ("data", rng.choice([write(row_data(rng), rng), row_data(rng)]))], 0.7))
               for _ in range(rng.randint(0, 3))]
        body = Obj([("bucket", random_string(rng)), ("data", ops)]
                   + maybe(rng, [("after", decimal_id_text(rng)), ("next_after", rng.choice([None, "3"])),
                                 ("has_more", rng.choice([True, False]))]))
    elif kind == "token_expires_in":
        body = Num(str(rng.randint(-10, 3600)))
    else:
        kind, body = "some_future_line", random_value(rng)
    return Obj([(kind, body)])


def gen_result(rng):
    status = rng.choice(["success", "retryable_error", "fatal_error", "not_attempted", "dead_lettered"])
    pairs = [("status", status)]
    if status == "fatal_error":
        failed = Obj([("error_code", rng.choice(["NOT_NULL_VIOLATION", "E"]))]
                     + maybe(rng, [("message", random_string(rng)), ("details", random_value(rng)),
                                   ("operation_index", Num(str(rng.randint(0, 9))))]))
        pairs += [("requires_client_handling", rng.choice([True, False])), ("failed_operation", failed)]
    pairs += maybe(rng, [("message", random_string(rng))], 0.4)
    if status == "retryable_error":
        pairs += maybe(rng, [("retry_after_ms", Num(str(rng.randint(-5, 10**6))))])
    return Obj(pairs)


def gen_batch_result(rng):
    return Obj([("results", [gen_result(rng) for _ in range(rng.randint(0, 3))])])


GENERATORS = {
    "ps-crud": lambda rng: gen_crud(rng, "ps_crud"),
    "sdk-entry": lambda rng: gen_crud(rng, "sdk"),
    "upload-entry": lambda rng: gen_crud(rng, "upload"),
    "crud-row": gen_crud_row,
    "transaction": gen_transaction,
    "batch": gen_batch,
    "checkpoint-request": gen_checkpoint_request,
    "checkpoint-response": gen_checkpoint_response,
    "sync-line": gen_sync_line,
    "result": gen_result,
    "batch-result": gen_batch_result,
}


def write_string(s, rng):
    """JSON string text, sometimes with \\u escapes for characters that need none."""
    out = json.dumps(s, ensure_ascii=rng.random() < 0.3)
    if rng.random() < 0.2 and len(s) > 0:
        i = rng.randrange(len(s))
        if s[i] not in "\"\\" and ord(s[i]) < 0x10000 and not 0xD800 <= ord(s[i]) <= 0xDFFF:
            out = json.dumps(s[:i])[:-1] + "\\u%04x" % ord(s[i]) + json.dumps(s[i + 1:])[1:]
    return out


def write(value, rng):
    if isinstance(value, Obj):
        return "{" + ",".join(write_string(k, rng) + ":" + write(v, rng) for k, v in value) + "}"
    if isinstance(value, list):
        return "[" + ",".join(write(v, rng) for v in value) + "]"
    if isinstance(value, Num):
        return str(value)
    if isinstance(value, str):
        return write_string(value, rng)
    return {None: "null", True: "true", False: "false"}[value]


# ---------------------------------------------------------------- mutation

INSERTIONS = [b",", b":", b"{", b"}", b"[", b"]", b"\"", b"\\", b"\x00", b"\x1f", b"\xff", b"\xc0\xaf", b"\xed\xa0\x80",
              b"\\ud800", b"\\udc00", b"\\u0000", b" ", b"\t", b"\r", b"1e400", b"-0", b"01", b"NaN", b"null", b"\"x\":1,",
              b"\"op\":\"PUT\",", b"\xe2\x82"]


def duplicate_member(value, rng):
    """Repeats one member of a random object of the tree (protocol keys included)."""
    objects = []

    def walk(v):
        if isinstance(v, Obj):
            if v:
                objects.append(v)
            for _, child in v:
                walk(child)
        elif isinstance(v, list):
            for child in v:
                walk(child)
    walk(value)
    if objects:
        target = rng.choice(objects)
        target.insert(rng.randrange(len(target) + 1), rng.choice(target))


def replace_number(value, rng):
    """Respells one number of the tree as an edge case."""
    spots = []

    def walk(container):
        items = enumerate(container) if not isinstance(container, Obj) else enumerate(v for _, v in container)
        for i, v in list(items):
            if isinstance(v, Num):
                spots.append((container, i))
            elif isinstance(v, list):
                walk(v)
    if isinstance(value, list):
        walk(value)
    if spots:
        container, i = rng.choice(spots)
        edge = Num(rng.choice(NUMBER_EDGES))
        if isinstance(container, Obj):
            container[i] = (container[i][0], edge)
        else:
            container[i] = edge


def mutate_bytes(data, rng):
    roll = rng.random()
    if not data:
        return data
    i = rng.randrange(len(data))
    if roll < 0.25:  # flip
        b = rng.randrange(256)
        return data[:i] + bytes([b if b != 0x0A else 0x0D]) + data[i + 1:]
    if roll < 0.5:
        return data[:i] + rng.choice(INSERTIONS) + data[i:]
    if roll < 0.7:
        return data[:i] + data[i + rng.randint(1, 4):]
    if roll < 0.85:
        return data[:i]  # truncation
    return data + rng.choice([b"x", b" {}", b"\x00", b",", b"  "])  # trailing content or whitespace


def make_cases(kind, count, rng):
    cases = []
    for n in range(count):
        tree = GENERATORS[kind](rng)
        style = n % 4
        if style == 1:
            duplicate_member(tree, rng)
        elif style == 2:
            replace_number(tree, rng)
        data = write(tree, rng).encode("utf-8")
        if style == 3:
            for _ in range(rng.randint(1, 3)):
                data = mutate_bytes(data, rng)
        cases.append(data.replace(b"\n", b" "))
    return cases


# ---------------------------------------------------------------- checking

def run_pswire(tool, kind, inputs):
    out = subprocess.run([tool, "decode", kind, "--lines"], input=b"\n".join(inputs) + b"\n",
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False, timeout=120)
    if out.returncode not in (0, 1):
        sys.exit("pswire decode %s exited with %d: %s" % (kind, out.returncode, out.stderr.decode(errors="replace")))
    lines = out.stdout.split(b"\n")[:-1]  # error lines escape control characters in their paths
    if len(lines) != len(inputs):
        sys.exit("pswire decode %s: %d inputs, %d output lines" % (kind, len(inputs), len(lines)))
    return lines


def project(kind, value):
    try:
        return KINDS[kind](value)
    except (NotProtocol, KeyError, TypeError, ValueError) as e:
        return NOT_PROTOCOL, type(e).__name__, str(e)


def embedded_data(row):
    """Python's parse of the JSON text in a crud-row's data column, or None when there is no such text."""
    m = members(row, {"data"}) if isinstance(row, Obj) else {}
    text = m.get("data")
    return python_parse(text.encode("utf-8", "surrogatepass")) if isinstance(text, str) else None


def embedded_data_rejected(row):
    """Does Python's json reject the JSON text in a crud-row's data column?"""
    return embedded_data(row) is REJECTED


def check(kind, data, line, tally):
    """Returns a failure description, or None."""
    expected = python_parse(data)
    if not line.startswith(b"!error "):
        tally["accepted"] += 1
        if expected is REJECTED:
            return "pswire accepts what Python's json rejects"
        output = python_parse(line)
        if output is REJECTED:
            return "pswire's re-encoding is not JSON: %r" % line
        a, b = project(kind, expected), project(kind, output)
        if a != b:
            return "input and re-encoding differ:\n    input  %r\n    output %r" % (a, b)
        if isinstance(a, tuple) and a and a[0] is NOT_PROTOCOL:
            return "pswire accepts a message the protocol model rejects: %r" % (a,)
        return None
    name = line.split()[1].decode()
    if expected is REJECTED:
        tally["both reject"] += 1
        if name not in SYNTAX_ERRORS:
            return "not JSON, but pswire names a protocol error: %s" % name
        return None
    if name in SYNTAX_ERRORS:
        # In a crud-row the surrogate can be escaped twice: inside the data column's own JSON.
        lone_surrogate = has_lone_surrogate(expected) or (kind == "crud-row" and has_lone_surrogate(embedded_data(expected)))
        if lone_surrogate and name == EXPECTED_DISAGREEMENTS["lone_surrogate"]:
            tally["documented disagreement: lone surrogate"] += 1
            return None
        if kind == "crud-row" and line.split(b"(", 1)[1].startswith(b"data") and embedded_data_rejected(expected):
            # docs/crud.md: the data column's own JSON errors, path data.<path>.
            tally["embedded data not JSON"] += 1
            return None
        return "valid JSON rejected with a syntax error: %s" % line.decode(errors="replace")
    tally["protocol reject"] += 1
    meaning = project(kind, expected)
    if not (isinstance(meaning, tuple) and meaning and meaning[0] is NOT_PROTOCOL):
        return "a valid message rejected: %s\n    it means %r" % (line.decode(errors="replace"), meaning)
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pswire")
    parser.add_argument("--cases-per-kind", type=int, default=400)
    parser.add_argument("--seed", type=int, default=20261123)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    tally = {"accepted": 0, "both reject": 0, "protocol reject": 0, "embedded data not JSON": 0,
             "documented disagreement: lone surrogate": 0}
    failures = []
    for kind in KINDS:
        inputs = make_cases(kind, args.cases_per_kind, rng)
        for data, line in zip(inputs, run_pswire(args.pswire, kind, inputs)):
            problem = check(kind, data, line, tally)
            if problem:
                failures.append("%s %r\n  %s" % (kind, data, problem))
    total = sum(tally.values())
    print("%d cases over %d kinds: %s" % (total, len(KINDS), ", ".join("%s %d" % kv for kv in tally.items())))
    for failure in failures[:40]:
        print("FAIL " + failure)
    if failures:
        print("%d failures" % len(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
