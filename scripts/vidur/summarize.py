"""Side-by-side latency percentiles of Vidur 0.0.26 and GPUSched on one trace.

usage:
  summarize.py vidur VIDUR_OUTDIR TRACE.csv
      JSON of Vidur's metrics: percentiles with GPUSched's definition and exact (linear) ones
  summarize.py compare VIDUR_OUTDIR TRACE.csv GPUSCHED.json LABEL [--tolerance PCT] [--json-out FILE]
      markdown table; with --tolerance, exit 1 when a TTFT or TPOT p50/p90/p99 differs by more than PCT %

Definitions (the same for both simulators):
  TTFT  first token - arrival. Vidur: prefill_e2e_time = prefill_completed_at - arrived_at (its first
        token comes with the prefill iteration); GPUSched: firstToken - arrival.
  TPOT  (E2E - TTFT) / (D - 1) for requests with D > 1 output tokens (D from the trace). Vidur's own
        TBT column (decode_time_execution_plus_preemption_normalized) divides by D instead: shown apart.
  E2E   completion - arrival.
  Percentiles: GPUSched reports them from a streaming histogram (LatencyHistogram.swift: buckets
  growing by 1% from 1 us, nearest rank ceil(q n), the bucket's geometric midpoint clamped to
  [min, max]). Vidur's per-request values from request_metrics.csv go through a port of that same
  histogram, so both columns use one definition; Vidur's exact linear-interpolation percentiles
  (numpy) are in the JSON as *_exact.
"""
import glob
import json
import math
import sys

import numpy as np
import pandas as pd

SMALLEST = 1e-6
GROWTH = 1.01
LOG_GROWTH = math.log(GROWTH)
BUCKETS = int(math.ceil(math.log(1e6 / SMALLEST) / LOG_GROWTH)) + 2
PERCENTILES = (("p50", 0.5), ("p90", 0.9), ("p99", 0.99))


def histogram_percentiles(values):
    """GPUSched's LatencyHistogram.percentile for each of PERCENTILES, plus the exact mean."""
    values = [float(v) for v in values]
    counts = {}
    for v in values:
        b = 0 if v <= SMALLEST else min(BUCKETS - 1, 1 + int(math.log(v / SMALLEST) / LOG_GROWTH))
        counts[b] = counts.get(b, 0) + 1
    order = sorted(counts)
    lo, hi, n = min(values), max(values), len(values)
    out = {"mean": sum(values) / n}
    for name, q in PERCENTILES:
        rank = max(1, math.ceil(q * n))
        seen = 0
        for index in order:
            seen += counts[index]
            if seen >= rank:
                if index == 0:
                    out[name] = lo
                else:
                    mid = SMALLEST * math.pow(GROWTH, index - 1) * math.sqrt(GROWTH)
                    out[name] = min(hi, max(lo, mid))
                break
    return out


def exact_percentiles(values):
    a = np.asarray(values, dtype=float)
    return {name: float(np.percentile(a, q * 100)) for name, q in PERCENTILES} | {"mean": float(a.mean())}


def latest(pattern, what):
    found = sorted(glob.glob(pattern))
    if not found:
        sys.exit(f"summarize.py: no {what} ({pattern})")
    return found[-1]


def vidur(outdir, trace):
    path = latest(outdir + "/*/request_metrics.csv", "Vidur request_metrics.csv")
    df = pd.read_csv(path).sort_values("Request Id").reset_index(drop=True)
    tr = pd.read_csv(trace)
    if len(df) != len(tr):
        sys.exit(f"summarize.py: Vidur finished {len(df)} requests, the trace has {len(tr)}")
    restarts = int(df["request_num_restarts"].sum())
    if restarts == 0:  # a restart rewrites Vidur's token counts, so they match the trace only without
        assert (df["request_num_prefill_tokens"].values == tr["PromptTokenCount"].values).all()
        assert (df["request_num_decode_tokens"].values == tr["CompletionTokenCount"].values).all()
    arrivals = tr["Time"].values
    D = tr["CompletionTokenCount"].values
    ttft = df["prefill_e2e_time"].values
    e2e = df["request_e2e_time"].values
    tpot = ((e2e - ttft) / np.maximum(D - 1, 1))[D > 1]
    end = float((arrivals + e2e).max())
    timing_files = sorted(glob.glob(outdir + "/*/timing.json"))
    timing = json.load(open(timing_files[-1])) if timing_files else {}
    return {
        "n": len(df), "restarts": restarts, "makespan": end, "throughputRequests": len(df) / end,
        "ttft": histogram_percentiles(ttft), "tpot": histogram_percentiles(tpot), "e2e": histogram_percentiles(e2e),
        "ttft_exact": exact_percentiles(ttft), "tpot_exact": exact_percentiles(tpot), "e2e_exact": exact_percentiles(e2e),
        "tbt_vidur_exact": exact_percentiles(df["decode_time_execution_plus_preemption_normalized"]),
        "queue_exact": exact_percentiles(df["request_scheduling_delay"]),
        "timing": timing, "file": path}


def gpusched(path):
    j = json.load(open(path))
    o = j["overall"]
    run = j["runs"][0]

    def pick(m):
        return {k: m[k] for k in ("mean", "p50", "p90", "p99")}
    return {"n": o["completed"], "preemptions": o["preemptions"], "ttft": pick(o["ttftSeconds"]),
            "tpot": pick(o["tpotSeconds"]), "e2e": pick(o["e2eSeconds"]), "wallSeconds": run["wallSeconds"],
            "iterations": run["iterations"]}


def compare(vdir, trace, gjson, label, tolerance=None):
    v, g = vidur(vdir, trace), gpusched(gjson)
    rows, worst = [], 0.0
    for metric, name, unit, scale in (("ttft", "TTFT", "ms", 1e3), ("tpot", "TPOT", "ms", 1e3), ("e2e", "E2E", "s", 1)):
        for p in ("p50", "p90", "p99", "mean"):
            a, b = v[metric][p], g[metric][p]
            d = (b - a) / a * 100 if a else float("nan")
            gated = metric in ("ttft", "tpot") and p != "mean"
            if gated:
                worst = max(worst, abs(d))
            flag = " **" if tolerance is not None and gated and abs(d) > tolerance else ""
            rows.append(f"| {name} {p} ({unit}) | {a * scale:.2f} | {b * scale:.2f} | {d:+.1f}%{flag} |")
    head = [f"### {label}", "",
            f"requests: Vidur {v['n']} (restarts {v['restarts']}), GPUSched {g['n']} (preemptions {g['preemptions']}); "
            f"wall: Vidur event loop {v['timing'].get('event_loop_s', float('nan')):.1f} s, GPUSched {g['wallSeconds']:.3f} s",
            "", "| metric | Vidur 0.0.26 | GPUSched | GPUSched vs Vidur |", "|---|---|---|---|"]
    text = "\n".join(head + rows)
    if g["n"] != v["n"]:
        text += f"\n\nwarning: GPUSched completed {g['n']} of {v['n']} requests (horizon too short?)"
    return text, {"label": label, "vidur": v, "gpusched": g, "worstPercent": worst}


if __name__ == "__main__":
    args = sys.argv[1:]
    if len(args) == 3 and args[0] == "vidur":
        print(json.dumps(vidur(args[1], args[2]), indent=1))
    elif len(args) >= 5 and args[0] == "compare":
        tolerance, json_out = None, None
        rest = args[5:]
        while rest:
            flag = rest.pop(0)
            if flag == "--tolerance" and rest:
                tolerance = float(rest.pop(0))
            elif flag == "--json-out" and rest:
                json_out = rest.pop(0)
            else:
                sys.exit(f"summarize.py: unknown argument {flag}")
        text, result = compare(*args[1:5], tolerance=tolerance)
        print(text)
        if json_out:
            with open(json_out, "w") as f:
                json.dump(result, f, indent=1)
        if tolerance is not None and result["worstPercent"] > tolerance:
            print(f"\n{args[4]}: largest TTFT/TPOT percentile difference {result['worstPercent']:.1f}% > {tolerance}%")
            sys.exit(1)
    else:
        sys.exit(__doc__)
