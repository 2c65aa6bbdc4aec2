#!/usr/bin/env python3
"""Turns pswire_bench JSON output (--benchmark_format=json, with repetitions and
--benchmark_report_aggregates_only) into the ratio tables of bench/README.md.
Usage: ratios.py LABEL=FILE.json [LABEL=FILE.json ...]"""
import json
import sys
from collections import defaultdict

DECODE_PEERS = ["nlohmann", "rapidjson", "simdjson_dom", "ondemand_walk"]
ENCODE_PEERS = ["nlohmann", "rapidjson"]
MB = 1e6
# Report order (the run interleaves benchmarks, so its output order is random).
LINEAR_CASES = ["nested_at_limit", "nesting_past_limit", "digit_run", "many_elements", "escaped_string"]


def in_order(found, preferred):
    return [x for x in preferred if x in found] + sorted(x for x in found if x not in preferred)


def load(path):
    with open(path) as f:
        doc = json.load(f)
    runs = {}
    for b in doc["benchmarks"]:
        if b.get("aggregate_name") in ("BigO", "RMS"):  # the complexity fit of a linear/ case
            runs[b["name"]] = b
            continue
        # Medians of the repetitions (or the single run of a smoke test).
        if b.get("aggregate_name", "median") != "median" or b.get("run_type") == "aggregate" and b.get("aggregate_name") != "median":
            continue
        runs[b.get("run_name", b["name"])] = b
    return doc["context"], runs


def fmt_ratio(value, target):
    return f"{value:.2f}× {'✔' if value >= target else '✘'}"


def table(label, context, runs):
    out = []
    kernel = context.get("ondemand_kernel_of_our_tu", "?")
    runtime = context.get("libsimdjson_runtime_kernel", "?")
    out.append(f"### {label}: On-Demand kernel of our TU `{kernel}`, libsimdjson run-time kernel `{runtime}`\n")
    out.append(f"load average at start: {context.get('load_avg', '?')}; medians of the repetitions, CPU time.\n")
    found = set()
    for name in runs:
        op, msg, lib = (name.split("/") + ["", ""])[:3]
        if op == "decode" and lib == "pswire":
            found.add(msg)
    # The binary lists its messages in corpus order; any message it does not list goes last.
    msgs = in_order(found, context.get("messages", "").split(","))
    speed = lambda op, msg, lib: runs.get(f"{op}/{msg}/{lib}", {}).get("bytes_per_second", float("nan"))
    allocs = lambda op, msg, lib: runs.get(f"{op}/{msg}/{lib}", {}).get("allocs_per_msg", float("nan"))

    out.append("Decode, MB/s (ratio = pswire / peer; targets: ≥10× nlohmann, ≥2× RapidJSON, ≥0.6× On-Demand walk):\n")
    out.append("pswire parses the padded buffers the simdjson peers get; *unpadded* is the same decode from a std::string, copied first.\n")
    out.append("| message | bytes | pswire | unpadded | nlohmann | RapidJSON | simdjson DOM | On-Demand walk | ×nlohmann | ×RapidJSON | ×DOM | ×walk | unpadded ×walk | pswire allocs/msg |")
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for msg in msgs:
        p = speed("decode", msg, "pswire")
        unpadded = speed("decode", msg, "pswire_unpadded")
        peers = [speed("decode", msg, lib) for lib in DECODE_PEERS]
        out.append(f"| {msg} | {context.get('bytes/' + msg, '?')} | {p / MB:.0f} | {unpadded / MB:.0f} | "
                   + " | ".join(f"{x / MB:.0f}" for x in peers) + " | "
                   + " | ".join([fmt_ratio(p / peers[0], 10), fmt_ratio(p / peers[1], 2), f"{p / peers[2]:.2f}×",
                                 fmt_ratio(p / peers[3], 0.6), f"{unpadded / peers[3]:.2f}×"])
                   + f" | {allocs('decode', msg, 'pswire'):g} |")
    out.append("")
    out.append("Encode, MB/s of the message (targets: ≥10× nlohmann dump, ≥1.5× RapidJSON Writer):\n")
    out.append("| message | pswire | nlohmann | RapidJSON | ×nlohmann | ×RapidJSON | pswire allocs/msg |")
    out.append("|---|---:|---:|---:|---:|---:|---:|")
    for msg in msgs:
        p = speed("encode", msg, "pswire")
        peers = [speed("encode", msg, lib) for lib in ENCODE_PEERS]
        out.append(f"| {msg} | {p / MB:.0f} | " + " | ".join(f"{x / MB:.0f}" for x in peers) + " | "
                   + fmt_ratio(p / peers[0], 10) + " | " + fmt_ratio(p / peers[1], 1.5)
                   + f" | {allocs('encode', msg, 'pswire'):g} |")
    out.append("")
    out.append("1000 ps_crud rows → one upload batch, MB/s of output (target ≥1000 MB/s):\n")
    out.append("| builder | MB/s | target | allocs/batch |")
    out.append("|---|---:|---|---:|")
    for lib in ["pswire", "pswire_own_decoder", "pswire_add_rows"]:
        r = runs.get(f"convert/rows_1000_to_batch/{lib}")
        if r:
            v = r["bytes_per_second"]
            out.append(f"| {lib} | {v / MB:.0f} | {'met' if v >= 1e9 else 'not met'} | {r.get('allocs_per_msg', float('nan')):g} |")
    out.append("")
    linear = defaultdict(dict)
    for name, r in runs.items():
        parts = name.split("/")
        if parts[0] == "linear" and len(parts) == 4:
            linear[parts[1]][int(parts[3])] = 1e9 / r["bytes_per_second"]
    if linear:
        sizes = sorted({n for case in linear.values() for n in case})
        out.append("Hostile input, decode time per byte (ns/B) by hostile value size N (linear: the column stays flat):\n")
        out.append("| case | " + " | ".join(f"N={n}" for n in sizes) + " | largest/smallest | fit (ns/B × N), RMS |")
        out.append("|---|" + "---:|" * len(sizes) + "---:|---|")
        for case in in_order(set(linear), LINEAR_CASES):
            by_size = linear[case]
            cells = [f"{by_size[n]:.2f}" if n in by_size else "" for n in sizes]
            spread = by_size[max(by_size)] / by_size[min(by_size)]
            big_o = runs.get(f"linear/{case}/pswire_BigO", {})
            rms = runs.get(f"linear/{case}/pswire_RMS", {})
            fit = f"O({big_o.get('big_o', '?')}) {big_o.get('cpu_coefficient', float('nan')):.2f}, {100 * rms.get('rms', float('nan')):.0f} %"
            out.append(f"| {case} | " + " | ".join(cells) + f" | {spread:.2f} | {fit} |")
        out.append("")
    return "\n".join(out)


def main():
    for arg in sys.argv[1:]:
        label, path = arg.rsplit("=", 1)
        context, runs = load(path)
        print(table(label, context, runs))


if __name__ == "__main__":
    main()
