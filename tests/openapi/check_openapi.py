#!/usr/bin/env python3
"""Checks docs/openapi.json against the codec.

1. Every example of every request and response body validates against its
   schema (a JSON-Schema subset validator: the keywords the document uses).
2. Every example decodes with `pswire decode KIND FILE`, KIND taken from the
   example's x-pswire-kind, and its canonical re-encoding means the same JSON
   (the example without null members, or its x-pswire-canonical).
3. Every entry of x-pswire-invalid-examples is rejected by the CLI with the
   documented error name, and the schema gives the documented verdict.

usage: check_openapi.py OPENAPI.json PSWIRE_TOOL
Standard library only.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

# Keywords that describe without constraining.
ANNOTATIONS = {"description", "summary", "title", "format", "discriminator", "examples"}
CHECKED = {"type", "properties", "required", "additionalProperties", "items", "enum", "const", "oneOf", "anyOf",
           "pattern", "minimum", "maximum", "minItems", "maxItems", "$ref"}


def json_type_matches(value, name):
    if name == "null":
        return value is None
    if name == "boolean":
        return isinstance(value, bool)
    if name == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if name == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if name == "string":
        return isinstance(value, str)
    if name == "array":
        return isinstance(value, list)
    if name == "object":
        return isinstance(value, dict)
    raise ValueError("unknown type " + name)


class Validator:
    def __init__(self, document):
        self.document = document

    def resolve(self, ref):
        if not ref.startswith("#/"):
            raise ValueError("only local references are supported: " + ref)
        node = self.document
        for part in ref[2:].split("/"):
            node = node[part]
        return node

    def errors(self, value, schema, path="$"):
        """The list of problems of `value` against `schema` (empty: valid)."""
        unknown = set(schema) - CHECKED - ANNOTATIONS
        if unknown:
            raise ValueError(f"schema at {path} uses keywords the validator does not check: {sorted(unknown)}")
        found = []
        if "$ref" in schema:
            found += self.errors(value, self.resolve(schema["$ref"]), path)
        if "type" in schema:
            types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
            if not any(json_type_matches(value, t) for t in types):
                return found + [f"{path}: {json.dumps(value)[:40]} is not of type {types}"]
        if "const" in schema and not (value == schema["const"] and type(value) is type(schema["const"])):
            found.append(f"{path}: expected {json.dumps(schema['const'])}")
        if "enum" in schema and value not in schema["enum"]:
            found.append(f"{path}: {json.dumps(value)} not in {schema['enum']}")
        if isinstance(value, str) and "pattern" in schema and not re.search(schema["pattern"], value):
            found.append(f"{path}: {value!r} does not match {schema['pattern']}")
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if "minimum" in schema and value < schema["minimum"]:
                found.append(f"{path}: {value} < minimum {schema['minimum']}")
            if "maximum" in schema and value > schema["maximum"]:
                found.append(f"{path}: {value} > maximum {schema['maximum']}")
        if isinstance(value, list):
            if "minItems" in schema and len(value) < schema["minItems"]:
                found.append(f"{path}: fewer than {schema['minItems']} items")
            if "maxItems" in schema and len(value) > schema["maxItems"]:
                found.append(f"{path}: more than {schema['maxItems']} items")
            if "items" in schema:
                for i, item in enumerate(value):
                    found += self.errors(item, schema["items"], f"{path}[{i}]")
        if isinstance(value, dict):
            properties = schema.get("properties", {})
            for name in schema.get("required", []):
                if name not in value:
                    found.append(f"{path}: required member {name} is missing")
            for name, member in value.items():
                if name in properties:
                    found += self.errors(member, properties[name], f"{path}.{name}")
                elif schema.get("additionalProperties") is False:
                    found.append(f"{path}: member {name} is not allowed")
                elif isinstance(schema.get("additionalProperties"), dict):
                    found += self.errors(member, schema["additionalProperties"], f"{path}.{name}")
        if "anyOf" in schema and not any(not self.errors(value, s, path) for s in schema["anyOf"]):
            found.append(f"{path}: matches none of anyOf")
        if "oneOf" in schema:
            matching = sum(1 for s in schema["oneOf"] if not self.errors(value, s, path))
            if matching != 1:
                found.append(f"{path}: matches {matching} of oneOf, expected exactly 1")
        return found


def without_nulls(value):
    """pswire omits absent members; null means absent on input."""
    if isinstance(value, dict):
        return {k: without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_nulls(v) for v in value]
    return value


def run_tool(tool, kind, text):
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as f:
        f.write(text)
        path = f.name
    try:
        done = subprocess.run([tool, "decode", kind, path], capture_output=True, text=True, timeout=60)
    finally:
        os.unlink(path)
    return done.returncode, done.stdout, done.stderr


def bodies(document):
    """(where, schema, examples) of every request and response body."""
    for route, item in document["paths"].items():
        for method, operation in item.items():
            where = f"{method.upper()} {route}"
            request = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if request:
                yield where + " request", request["schema"], request.get("examples", {})
            for status, response in operation["responses"].items():
                content = response.get("content", {}).get("application/json")
                if content:
                    yield f"{where} {status}", content["schema"], content.get("examples", {})


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    with open(sys.argv[1], encoding="utf-8") as f:
        document = json.load(f)
    tool = sys.argv[2]
    assert document["openapi"].startswith("3.1."), "an OpenAPI 3.1 document"
    validator = Validator(document)
    failures, checked = [], 0

    for name, schema in document["components"]["schemas"].items():
        validator.errors({}, schema, f"#/components/schemas/{name}")  # raises on unsupported keywords

    for where, schema, examples in bodies(document):
        if not examples:
            failures.append(f"{where}: no example")
        for name, example in examples.items():
            label = f"{where} example {name}"
            checked += 1
            for problem in validator.errors(example["value"], schema):
                failures.append(f"{label}: schema: {problem}")
            kind = example.get("x-pswire-kind")
            if kind is None:
                failures.append(f"{label}: no x-pswire-kind")
                continue
            code, out, err = run_tool(tool, kind, json.dumps(example["value"], ensure_ascii=False))
            if code != 0:
                failures.append(f"{label}: pswire decode {kind} failed: {err.strip()}")
            elif json.loads(out) != example.get("x-pswire-canonical", without_nulls(example["value"])):
                failures.append(f"{label}: the canonical re-encoding means something else: {out.strip()}")

    for case in document["x-pswire-invalid-examples"]:
        label = f"invalid example '{case['name']}'"
        checked += 1
        code, _, err = run_tool(tool, case["kind"], case["text"])
        if code != 1 or f"pswire: {case['error']} " not in err:
            failures.append(f"{label}: expected error {case['error']}, got exit {code}: {err.strip()}")
        verdict = case["schema_verdict"]
        if verdict in ("rejects",) or verdict.startswith("accepts"):
            problems = validator.errors(json.loads(case["text"]), {"$ref": case["schema"]})
            if bool(problems) != (verdict == "rejects"):
                failures.append(f"{label}: the schema was expected to {verdict.split(':')[0]} it: {problems}")
        else:  # not JSON, or not expressible as a parsed value: only the codec can tell
            try:
                json.loads(case["text"])
                if verdict == "not JSON":
                    failures.append(f"{label}: documented as not JSON, but it parses")
            except json.JSONDecodeError:
                if verdict != "not JSON":
                    failures.append(f"{label}: does not parse as JSON")

    for failure in failures:
        print("FAIL", failure)
    print(f"openapi: {checked} examples checked, {len(failures)} failures")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
