"""Prints aiconfigurator's chosen aggregated configuration from a `cli default --save-dir` folder.

usage: summarize.py RUN_DIR TOTAL_GPUS WALL_SECONDS
Reads agg/best_config_topn.csv (its ranking by tokens/s/gpu) and agg/top1/run_0.sh (the vLLM flags its
generator launches the worker with) and prints one JSON object with sorted camelCase keys.
"""
import csv
import glob
import json
import os
import re
import sys


def main() -> int:
    if len(sys.argv) != 4:
        print("usage: summarize.py RUN_DIR TOTAL_GPUS WALL_SECONDS", file=sys.stderr)
        return 2
    run, total, wall = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    tables = glob.glob(os.path.join(run, "**", "agg", "best_config_topn.csv"), recursive=True)
    if not tables:
        print(f"summarize.py: no agg/best_config_topn.csv under {run}", file=sys.stderr)
        return 1
    with open(tables[0]) as handle:
        best = next(csv.DictReader(handle))
    gpus_per_replica = int(best["num_total_gpus"])
    replicas = total // gpus_per_replica
    launch = os.path.join(os.path.dirname(tables[0]), "top1", "run_0.sh")
    flags = open(launch).read() if os.path.exists(launch) else ""

    def flag(name):
        match = re.search(r"--" + name + r'\s+"?(\d+)', flags)
        return int(match.group(1)) if match else None

    print(json.dumps({
        "batch": int(best["bs"]),
        "launchMaxNumBatchedTokens": flag("max-num-batched-tokens"),
        "launchMaxNumSeqs": flag("max-num-seqs"),
        "pp": int(best["pp"]),
        "promisedRequestsPerSecond": float(best["seq/s"]) * replicas,
        "replicas": replicas,
        "tokensPerSecondPerGPU": float(best["tokens/s/gpu"]),
        "tp": int(best["tp"]),
        "tpotSeconds": float(best["tpot"]) / 1000,
        "ttftSeconds": float(best["ttft"]) / 1000,
        "wallSeconds": wall,
    }, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
