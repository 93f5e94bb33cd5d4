#!/usr/bin/env python3
"""Prints the median table of Google Benchmark JSON results (scripts/bench.sh calls this).

    bench/bench_table.py RESULT.json...

Names follow BM_<operation>/<implementation>[/<arg>...]: `parley` is our wrapper, any other
implementation a direct library call, and the direct call labelled "backend" is the one the wrapper
rests on. Each row of an operation shows its median CPU time per op and its ratio to that backend
row, so `parley` rows show the wrapper's overhead and other rows show the backend choice.
Runs with repetitions and --benchmark_report_aggregates_only=true (the `median` aggregate is used).
"""
import json
import sys

BACKEND_LABEL = "backend"
# The budget for the wrapper over its backend; operations it binds are listed.
MAX_OVERHEAD = 0.10
BOUND_OPERATIONS = ("BM_x25519_", "BM_xeddsa_", "BM_hkdf_")


def split_name(run_name):
    """BM_op/impl/arg -> (group key "BM_op/arg", impl); a name without impl is its own group."""
    parts = run_name.split("/")
    if len(parts) < 2:
        return run_name, ""
    return "/".join([parts[0]] + parts[2:]), parts[1]


def load(paths):
    rows = {}
    order = []
    for path in paths:
        with open(path) as f:
            data = json.load(f)
        for b in data.get("benchmarks", []):
            if b.get("run_type") != "aggregate" or b.get("aggregate_name") not in ("median", "cv"):
                continue
            name = b["run_name"]
            if name not in rows:
                rows[name] = {"label": b.get("label", "")}
                order.append(name)
            if b.get("label"):
                rows[name]["label"] = b["label"]
            if b["aggregate_name"] == "median":
                scale = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}[b.get("time_unit", "ns")]
                rows[name]["ns"] = b["cpu_time"] * scale
            else:
                rows[name]["cv"] = b["cpu_time"]  # cv is reported as a fraction
    return rows, order


def main(paths):
    if not paths:
        print(__doc__, file=sys.stderr)
        return 2
    rows, order = load(paths)
    backends = {}
    for name in order:
        group, _ = split_name(name)
        if rows[name]["label"] == BACKEND_LABEL and "ns" in rows[name]:
            backends[group] = rows[name]["ns"]

    header = f"{'benchmark':<40} {'median ns/op':>13} {'cv':>6}  {'vs backend':>10}  role"
    print(header)
    print("-" * len(header))
    over = []
    for name in order:
        row = rows[name]
        if "ns" not in row:
            continue
        group, impl = split_name(name)
        role = "backend" if row["label"] == BACKEND_LABEL else ("wrapper" if impl.startswith("parley") else "peer")
        ratio = row["ns"] / backends[group] if group in backends else None
        ratio_text = f"{ratio:9.2f}x" if ratio is not None else f"{'-':>10}"
        cv_text = f"{100 * row['cv']:5.1f}%" if "cv" in row else f"{'':>6}"
        flag = ""
        if role == "wrapper" and ratio is not None and ratio > 1 + MAX_OVERHEAD:
            bound = name.startswith(BOUND_OPERATIONS)
            flag = "  > 10% over backend" + (" (budget: within 10%)" if bound else "")
            over.append((name, ratio, bound))
        print(f"{name:<40} {row['ns']:13.0f} {cv_text}  {ratio_text}  {role}{flag}")

    print()
    if over:
        print("wrappers more than 10% over their backend:")
        for name, ratio, bound in over:
            print(f"  {name}: {100 * (ratio - 1):.0f}% over" + ("  <- the issue requires within 10%" if bound else ""))
    else:
        print("every wrapper is within 10% of its backend")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
