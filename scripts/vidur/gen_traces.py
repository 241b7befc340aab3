"""Generates the request lists the Vidur comparison replays (both simulators read the same CSV file).

usage: python gen_traces.py OUTDIR [--all]
  default: w1_qps4_10k.csv and w3_qps8_1k.csv (the ones in scripts/vidur/traces, byte for byte);
  --all: also w1_qps4_300, w1_qps4_30k, w1_qps4_50k and w1_qps4_100k (prefixes/extensions of one stream).

Arrivals: Poisson (exponential gaps, NOT truncated; Vidur's own synthetic Poisson generator caps
each gap at 3/qps, so its effective rate is ~5% higher). First arrival = first gap.
Lengths: as Vidur's UniformRequestLengthGenerator: total ~ U(256, 2048) (real), decode =
ceil(total / (1 + 4)), prefill = int(total - decode).

Columns: Date,Time,PromptTokenCount,CompletionTokenCount are what Vidur's trace_replay generator
reads (rows with Date == 2023-08-21); arrived_at,num_prefill_tokens,num_decode_tokens are what
gpusched reads (it ignores unknown columns). Both sets hold the same numbers.
"""
import os
import sys

import numpy as np

if len(sys.argv) < 2 or sys.argv[1].startswith("-"):
    sys.exit("usage: python gen_traces.py OUTDIR [--all]")
OUT = sys.argv[1]
ALL = "--all" in sys.argv[2:]
os.makedirs(OUT, exist_ok=True)


def make(n, qps, seed, path):
    # separate streams for gaps and lengths, so a shorter list is a prefix of a longer one
    gaps = np.random.default_rng([seed, 0]).exponential(1.0 / qps, size=n)
    arr = np.cumsum(gaps)
    total = np.random.default_rng([seed, 1]).uniform(256, 2048, size=n)
    dec = np.ceil(total / 5.0).astype(int)
    pre = (total - dec).astype(int)
    assert (pre > 0).all() and (dec > 0).all() and (pre + dec <= 2048).all()
    with open(path, "w") as f:
        f.write("Date,Time,PromptTokenCount,CompletionTokenCount,arrived_at,num_prefill_tokens,num_decode_tokens\n")
        for a, p, d in zip(arr, pre, dec):
            t = f"{a:.6f}"
            f.write(f"2023-08-21,{t},{p},{d},{t},{p},{d}\n")
    print(path, n, f"last arrival {arr[-1]:.1f}s", f"mean prompt {pre.mean():.1f} mean output {dec.mean():.1f}")


# (i) 1 replica TP1, 4 req/s: one stream; 300 and 10k are prefixes of the 100k list
make(10000, 4.0, 1, f"{OUT}/w1_qps4_10k.csv")
# (iii) 2 replicas of TP2, 8 req/s, 1000 requests
make(1000, 8.0, 3, f"{OUT}/w3_qps8_1k.csv")
if ALL:
    make(300, 4.0, 1, f"{OUT}/w1_qps4_300.csv")
    make(30000, 4.0, 1, f"{OUT}/w1_qps4_30k.csv")
    make(50000, 4.0, 1, f"{OUT}/w1_qps4_50k.csv")
    make(100000, 4.0, 1, f"{OUT}/w1_qps4_100k.csv")
