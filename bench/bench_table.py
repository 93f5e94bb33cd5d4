#!/usr/bin/env python3
"""Prints the median table of Google Benchmark JSON results (scripts/bench.sh calls this).

    bench/bench_table.py RESULT.json...

Names follow BM_<operation>/<implementation>[/<arg>...]: `parley` is our wrapper, any other
implementation a direct library call, and the direct call labelled "backend" is the one the wrapper
rests on. Each row of an operation shows its median CPU time per op, its rate when the benchmark
reports one (MB/s for SetBytesProcessed, per second for SetItemsProcessed) and its ratio to that
backend row, so `parley` rows show the wrapper's overhead and other rows show the backend choice.
A row labelled "peer" instead is the floor an issue measures a whole Parley operation against (a
handshake against its X25519 work, the transport against the raw cipher): ratios are taken to it
the same way, and its counter `max_ratio` is the budget for the `parley` row of its operation.
Runs with repetitions and --benchmark_report_aggregates_only=true (the `median` aggregate is used).

Session workloads (BM_session_<workload>/<impl>, bench/session/) are compared differently: their
other implementations are peers (libolm, libsignal-protocol-c), not backends, so a section of their
own shows, per workload, Parley's median against each peer's ("parley vs olm: 3.1x faster"), the
time per message for the message workloads, Parley's per-message burst cost over the sum of the
primitives that message needs (BM_session_primitives_*), messages lost and the serialized state
size, each against the issue's targets.
"""
import json
import sys

BACKEND_LABEL = "backend"
PEER_LABEL = "peer"
MAX_RATIO_COUNTER = "max_ratio"
# The budget for the wrapper over its backend; operations it binds are listed.
MAX_OVERHEAD = 0.10
BOUND_OPERATIONS = ("BM_x25519_", "BM_xeddsa_", "BM_hkdf_")


SESSION_PREFIX = "BM_session_"
PARLEY = "parley"
# The targets: Parley's speed-up over each peer, per workload ("*": every timed workload).
SESSION_TARGETS = {
    "libsignal_c": {"*": 1.5},
    "olm": {"burst_encrypt": 2.5, "burst_decrypt": 2.5, "pingpong": 2.5},
}
# Parley's per-message burst time over the sum of the primitives a message needs.
PRIMITIVE_BUDGET = 1.5
PRIMITIVES = {"burst_encrypt": "primitives_encrypt", "burst_decrypt": "primitives_decrypt"}
# Workloads reported by their counters, not their time.
UNTIMED_WORKLOADS = ("state_size",)
# Keys of a benchmark JSON entry that are not user counters.
STANDARD_KEYS = {
    "name", "family_index", "per_family_instance_index", "run_name", "run_type", "repetitions",
    "repetition_index", "threads", "aggregate_name", "aggregate_unit", "iterations", "real_time",
    "cpu_time", "time_unit", "label", "error_occurred", "error_message", "bytes_per_second",
    "items_per_second",
}


def split_name(run_name):
    """BM_op/impl/arg -> (group key "BM_op/arg", impl); a name without impl is its own group.

    Run options the library appends (iterations:3, min_time:...) are not arguments: they are dropped."""
    parts = [p for p in run_name.split("/") if ":" not in p]
    if len(parts) < 2:
        return run_name, ""
    return "/".join([parts[0]] + parts[2:]), parts[1]


def display_name(run_name):
    return "/".join(p for p in run_name.split("/") if ":" not in p)


def load(paths):
    rows = {}
    order = []
    position = {}  # registration order, which random interleaving does not keep in the output
    for file_index, path in enumerate(paths):
        with open(path) as f:
            data = json.load(f)
        for b in data.get("benchmarks", []):
            errored = b.get("error_occurred", False)
            if not errored and (b.get("run_type") != "aggregate" or b.get("aggregate_name") not in ("median", "cv")):
                continue
            name = b.get("run_name", b["name"])
            if name not in rows:
                rows[name] = {"label": b.get("label", ""), "counters": {}}
                order.append(name)
                position[name] = (file_index, b.get("family_index", 0), b.get("per_family_instance_index", 0))
            if errored:  # every repetition of a benchmark that called SkipWithError
                rows[name]["error"] = b.get("error_message", "error")
                continue
            if b.get("label"):
                rows[name]["label"] = b["label"]
            # A benchmark that asked for real time (UseRealTime: it waits on the disk, like the
            # store's synced commits) is judged by it; the others by CPU time.
            clock = "real_time" if name.endswith("/real_time") else "cpu_time"
            if b["aggregate_name"] == "median":
                scale = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}[b.get("time_unit", "ns")]
                rows[name]["ns"] = b[clock] * scale
                rows[name]["counters"] = {k: v for k, v in b.items() if k not in STANDARD_KEYS}
                for rate in ("bytes_per_second", "items_per_second"):
                    if rate in b:
                        rows[name][rate] = b[rate]
            else:
                rows[name]["cv"] = b[clock]  # cv is reported as a fraction
    order.sort(key=lambda name: position[name])
    return rows, order


def fmt_time(ns):
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("us", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.3g} {unit}" if ns / scale < 100 else f"{ns / scale:.0f} {unit}"
    return f"{ns:.0f} ns"


def fmt_rate(row):
    """MB/s (10^6 bytes) for a benchmark that set bytes processed, operations per second for items."""
    if "bytes_per_second" in row:
        return f"{row['bytes_per_second'] / 1e6:.0f} MB/s"
    if "items_per_second" in row:
        rate = row["items_per_second"]
        return f"{rate / 1e3:.3g}k/s" if rate >= 1e4 else f"{rate:.0f}/s"
    return ""


def session_rows(rows, order):
    """{workload: {impl: row}} for the BM_session_ benchmarks, in first-seen order."""
    workloads = {}
    for name in order:
        if not name.startswith(SESSION_PREFIX):
            continue
        group, impl = split_name(name)
        workloads.setdefault(group[len(SESSION_PREFIX):], {})[impl] = rows[name]
    return workloads


def per_message_ns(row):
    """Median CPU time per message of a message workload, per operation otherwise."""
    msgs = row.get("counters", {}).get("msgs")
    return row["ns"] / msgs if msgs else row["ns"]


def print_session_section(rows, order):
    """Parley against each peer, per workload; returns the missed targets."""
    workloads = session_rows(rows, order)
    if not workloads:
        return []
    missed = []
    peers = []
    for impls in workloads.values():
        peers += [i for i in impls if i != PARLEY and i not in peers]

    print("session workloads (bench/session): median CPU time per message (per setup for setup);")
    print("speed-up = peer time / parley time, > 1 means parley is faster")
    header = (f"{'workload':<16} {'parley':>10} {'cv':>6}  {'peer':<12} {'peer time':>10} {'cv':>6}  "
              f"{'parley vs peer':<16} target")
    print(header)
    print("-" * len(header))
    for workload, impls in workloads.items():
        if workload.startswith("primitives_") or workload in UNTIMED_WORKLOADS:
            continue
        ours = impls.get(PARLEY, {})
        if "ns" in ours:
            ours_text = fmt_time(per_message_ns(ours))
        else:
            ours_text = "error" if "error" in ours else "missing"
        ours_cv = f"{100 * ours['cv']:5.1f}%" if "cv" in ours else f"{'':>6}"
        lead = f"{workload:<16} {ours_text:>10} {ours_cv}"
        blank = " " * len(lead)
        first = True
        for peer in peers:
            theirs = impls.get(peer)
            if theirs is None:
                continue
            target = SESSION_TARGETS.get(peer, {})
            bound = target.get(workload, target.get("*"))
            peer_text = fmt_time(per_message_ns(theirs)) if "ns" in theirs else "error"
            cv_text = f"{100 * theirs['cv']:5.1f}%" if "cv" in theirs else f"{'':>6}"
            peer_lost = theirs.get("counters", {}).get("lost", 0)
            if "ns" in ours and "ns" in theirs:
                speedup = per_message_ns(theirs) / per_message_ns(ours)
                verdict = f"{speedup:.2f}x faster" if speedup >= 1 else f"{1 / speedup:.2f}x slower"
                if peer_lost:  # the peer gave up on most messages: its time is not for the same work
                    verdict += "*"
                if bound is None:
                    target_text = f"- (*{peer} lost {peer_lost:.0f})" if peer_lost else "-"
                elif speedup >= bound:
                    target_text = f">= {bound}x: met"
                else:
                    target_text = f">= {bound}x: MISSED"
                    missed.append(f"{workload}: parley {speedup:.2f}x {peer}, target {bound}x")
            else:
                verdict, target_text = "n/a", (f">= {bound}x: not measured" if bound else "-")
                if bound:
                    missed.append(f"{workload}: parley vs {peer} not measured")
            print(f"{lead if first else blank}  {peer:<12} {peer_text:>10} {cv_text}  {verdict:<16} {target_text}")
            first = False
        if first:  # no peer ran this workload
            print(f"{lead}  (no peer)")
        for impl, row in impls.items():
            lost = row.get("counters", {}).get("lost")
            if lost is not None:
                print(f"{blank}  lost by {impl}: {lost:.0f} of {row['counters'].get('msgs', 0):.0f}")
            if "error" in row:
                print(f"{blank}  {impl}: {row['error']}")

    print()
    print(f"parley per burst message over the sum of its primitives (target: within {PRIMITIVE_BUDGET}x)")
    for workload, primitives in PRIMITIVES.items():
        ours = workloads.get(workload, {}).get(PARLEY, {})
        floor = workloads.get(primitives, {}).get(PARLEY, {})
        if "ns" not in ours or "ns" not in floor:
            print(f"  {workload:<16} not measured")
            missed.append(f"{workload}: primitive ratio not measured")
            continue
        ratio = per_message_ns(ours) / floor["ns"]
        ok = ratio <= PRIMITIVE_BUDGET
        mac = floor.get("counters", {}).get("mac_input_bytes")
        mac_text = f", MAC over {mac:.0f} B" if mac else ""
        print(f"  {workload:<16} {fmt_time(per_message_ns(ours)):>9}/msg  primitives {fmt_time(floor['ns']):>9}"
              f"{mac_text}  {ratio:.2f}x  {'met' if ok else 'MISSED'}")
        if not ok:
            missed.append(f"{workload}: {ratio:.2f}x the primitive sum, budget {PRIMITIVE_BUDGET}x")

    sizes = workloads.get("state_size")
    if sizes:
        print()
        print("serialized session state of the receiver (bytes): fresh / after a 1000-message gap (skipped keys held)")
        for impl, row in sizes.items():
            c = row.get("counters", {})
            if "state_bytes" in c:
                gap = f"{c['state_bytes_gap']:.0f}" if "state_bytes_gap" in c else "?"
                print(f"  {impl:<12} {c['state_bytes']:.0f} / {gap}")
            else:
                print(f"  {impl:<12} not available: {row.get('error', 'no counters')}")
    return missed


def print_wrapper_table(rows, order):
    """The wrapper-versus-backend table of every non-session benchmark, with the peer budgets."""
    references = {}  # group -> (label, ns, max_ratio)
    for name in order:
        group, _ = split_name(name)
        label = rows[name]["label"]
        if label in (BACKEND_LABEL, PEER_LABEL) and "ns" in rows[name] and group not in references:
            references[group] = (label, rows[name]["ns"], rows[name]["counters"].get(MAX_RATIO_COUNTER))

    header = f"{'benchmark':<44} {'median ns/op':>13} {'rate':>10} {'cv':>6}  {'vs ref':>8}  role"
    print(header)
    print("-" * len(header))
    over = []
    budgets = []
    for name in order:
        row = rows[name]
        if "ns" not in row:
            if "error" in row:
                print(f"{display_name(name):<44} error: {row['error']}")
            continue
        group, impl = split_name(name)
        label = row["label"]
        role = label if label in (BACKEND_LABEL, PEER_LABEL) else ("wrapper" if impl.startswith("parley") else "peer")
        reference = references.get(group)
        ratio = row["ns"] / reference[1] if reference else None
        ratio_text = f"{ratio:7.2f}x" if ratio is not None else f"{'-':>8}"
        cv_text = f"{100 * row['cv']:5.1f}%" if "cv" in row else f"{'':>6}"
        flag = ""
        if role == "wrapper" and ratio is not None:
            if reference[0] == BACKEND_LABEL and ratio > 1 + MAX_OVERHEAD:
                bound = name.startswith(BOUND_OPERATIONS)
                flag = "  > 10% over backend" + (" (budget: within 10%)" if bound else "")
                over.append((name, ratio, bound))
            elif reference[0] == PEER_LABEL and reference[2] is not None:
                met = ratio <= reference[2]
                flag = f"  budget {reference[2]:g}x: {'met' if met else 'MISSED'}"
                budgets.append((name, ratio, reference[2], met))
        print(f"{display_name(name):<44} {row['ns']:13.0f} {fmt_rate(row):>10} {cv_text}  {ratio_text}  {role}{flag}")

    print()
    if over:
        print("wrappers more than 10% over their backend:")
        for name, ratio, bound in over:
            print(f"  {name}: {100 * (ratio - 1):.0f}% over" + ("  <- the issue requires within 10%" if bound else ""))
    else:
        print("every wrapper is within 10% of its backend")
    missed = [b for b in budgets if not b[3]]
    if missed:
        print("operations over their budget against the peer:")
        for name, ratio, budget, _ in missed:
            print(f"  {name}: {ratio:.2f}x its peer, budget {budget:g}x")
    elif budgets:
        print("every operation with a peer budget is within it")


def main(paths):
    if not paths:
        print(__doc__, file=sys.stderr)
        return 2
    rows, order = load(paths)
    wrapper_order = [name for name in order if not name.startswith(SESSION_PREFIX)]
    if wrapper_order:
        print_wrapper_table(rows, wrapper_order)
    if len(wrapper_order) < len(order):
        if wrapper_order:
            print()
        missed = print_session_section(rows, order)
        print()
        if missed:
            print("session targets missed or not measured:")
            for line in missed:
                print(f"  {line}")
        else:
            print("every session target is met")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
