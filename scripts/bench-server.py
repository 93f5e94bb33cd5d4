#!/usr/bin/env python3
"""The server benchmark (spec §7.5), with its floor measured in the same run.

  scripts/bench-server.py [--build build/release] [--messages 200000] [--idle 19900]

1. Full load: parley-load with 16 devices sending as fast as their windows allow, against a
   parley-server with its rate limits lifted: durable end-to-end messages/s (send, commit, deliver,
   ack, delete), and from the server's /metrics the mean group-commit batch it used.
2. The floor: parley-bench-store's send-commit/fetch/delete path on SQLite at that batch size.
3. Half load: parley-load paced at half the full rate: latency percentiles.
4. Idle connections: a fresh server, N idle authenticated (registered, logged-in) connections over
   8 source addresses 127.0.0.x, and the server's resident memory per connection.

Prints one JSON object (also written to BUILD/bench-results/server.json) with each target and
whether it was met. `make bench-server` builds the release tree and runs this.
"""
import argparse
import json
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, binary, data, extra):
        self.metrics_port = free_port()
        self.process = subprocess.Popen(
            [binary, "--listen", "127.0.0.1:0", "--data", data, "--log-level", "warn",
             "--metrics", f"127.0.0.1:{self.metrics_port}"] + extra,
            stdout=subprocess.PIPE, text=True)
        line = self.process.stdout.readline().strip()
        if not line.startswith("listening on "):
            raise SystemExit(f"parley-server did not start: {line!r}")
        self.address = line[len("listening on "):]
        self.key = os.path.join(data, "server.pub")

    def metrics(self):
        text = urllib.request.urlopen(f"http://127.0.0.1:{self.metrics_port}/metrics", timeout=10).read().decode()
        values = {}
        for line in text.splitlines():
            if line and not line.startswith("#"):
                name, _, value = line.rpartition(" ")
                values[name] = float(value)
        return values

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


def load(binary, server, *args):
    out = subprocess.run([binary, "--server", server.address, "--server-key", server.key, "--json", *map(str, args)],
                         stdout=subprocess.PIPE, text=True)
    report = json.loads(out.stdout)
    report["exit_status"] = out.returncode
    return report


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser.add_argument("--build", default=os.path.join(root, "build", "release"))
    parser.add_argument("--devices", type=int, default=16)
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--half-load-seconds", type=int, default=20)
    # The open-file limit bounds the idle connections: each of the two processes holds one end.
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    parser.add_argument("--idle", type=int, default=min(20_000, hard - 100))
    args = parser.parse_args()
    bin_dir = os.path.join(args.build, "bin")
    server_bin, load_bin = os.path.join(bin_dir, "parley-server"), os.path.join(bin_dir, "parley-load")
    unlimited = ["--sends-per-second-per-device", "1000000", "--sends-per-second-per-destination", "1000000"]
    result = {}

    with tempfile.TemporaryDirectory(prefix="parley-bench-server-") as tmp:
        server = Server(server_bin, os.path.join(tmp, "full"), unlimited)
        try:
            before = server.metrics()
            full = load(load_bin, server, "--devices", args.devices, "--messages", args.messages, "--window", 64)
            after = server.metrics()
            batches = after["parley_commit_batches_total"] - before["parley_commit_batches_total"]
            committed = after["parley_sends_committed_total"] - before["parley_sends_committed_total"]
            result["full_load"] = full
            result["mean_commit_batch"] = committed / batches if batches else 0
            rate = full["msgs_per_s"] / 2
            result["half_load"] = load(load_bin, server, "--devices", args.devices, "--rate", round(rate),
                                       "--messages", round(rate * args.half_load_seconds), "--window", 64, "--seed", 2)
        finally:
            server.stop()

        batch = max(1, round(result["mean_commit_batch"]))
        floor = subprocess.run([os.path.join(bin_dir, "parley-bench-store"), "--benchmark_filter=sqlite",
                                "--benchmark_min_time=3", "--benchmark_format=json"],
                               env=dict(os.environ, PARLEY_STORE_BATCHES=str(batch), TMPDIR=tmp),
                               stdout=subprocess.PIPE, text=True, check=True)
        result["store_floor_msgs_per_s"] = json.loads(floor.stdout)["benchmarks"][0]["items_per_second"]
        result["store_floor_batch"] = batch

        if args.idle > 0:
            # Thousands of accounts from eight addresses in a few seconds: far past the default rate.
            server = Server(server_bin, os.path.join(tmp, "idle"), ["--registrations-per-second-per-address", "1000000"])
            try:
                result["idle"] = load(load_bin, server, "--devices", 2, "--messages", 100, "--idle-connections", args.idle,
                                      "--source-addresses", 8, "--server-pid", server.process.pid)
            finally:
                server.stop()

    full_rate = result["full_load"]["msgs_per_s"]
    p99 = result["half_load"]["latency_ms"]["end_to_end"]["p99"]
    per_idle = result["idle"]["idle_connections"]["bytes_per_connection"] if "idle" in result else None
    result["targets"] = {
        "durable_msgs_per_s_at_least_10000": full_rate >= 10_000,
        "at_least_half_the_store_floor": full_rate >= result["store_floor_msgs_per_s"] / 2,
        "ratio_to_floor": full_rate / result["store_floor_msgs_per_s"],
        "p99_end_to_end_under_50ms_at_half_load": p99 < 50,
        "idle_connection_under_25kb": per_idle is not None and per_idle < 25_000,
        "clean": all(r["exit_status"] == 0 for k, r in result.items() if isinstance(r, dict) and "exit_status" in r),
    }
    os.makedirs(os.path.join(args.build, "bench-results"), exist_ok=True)
    with open(os.path.join(args.build, "bench-results", "server.json"), "w") as f:
        json.dump(result, f, indent=2)
    print(json.dumps(result, indent=2))
    return 0 if all(v for k, v in result["targets"].items() if k != "ratio_to_floor") else 1


if __name__ == "__main__":
    sys.exit(main())
