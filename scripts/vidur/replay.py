"""A small re-implementation of Vidur 0.0.26's replica schedulers and cost formula, to check that we
read Vidur right and to tell scheduling apart from table lookup.

usage: python replay.py PROFILE_DIR TRACE.csv vllm|sarathi TP REPLICAS [--compare VIDUR_OUTDIR]
                        [--num-blocks N] [--show-batches N] [--require-exact]
  PROFILE_DIR  tables in Vidur's columns (mlp.csv, attention.csv, all_reduce.csv for TP > 1), read by
               linear interpolation with Vidur's rounding. Given export_predictions.py's directory
               (Vidur's own predictions on its lookup grid) every lookup lands on a row, and the replay
               must equal Vidur to rounding error; given make_bundle.py's directory it shows what an
               exact copy of Vidur's schedulers gets from interpolating the raw tables.
  --compare    Vidur's output folder for the same run: per-request TTFT/E2E differences are printed
  --require-exact  with --compare: exit 1 unless every request's TTFT and E2E equal Vidur's within 1e-9 s
  --num-blocks KV blocks per replica (default: Vidur's memory planner for Llama-3-8B on A100-80GB)
  --show-batches  print the first N batches (time, requests with P<chunk>/D1 and KV tokens)

What is re-implemented (vidur/scheduler/replica_scheduler/{vllm,sarathi}_replica_scheduler.py,
vidur/entities/{request,batch,execution_time}.py, vidur/execution_time_predictor/sklearn_execution_time_predictor.py):
round-robin routing in arrival order; one batch in flight per replica; vllm: prefill-only batches of
whole prompts, FCFS, while KV (ceil(P/16) blocks, 1% watermark), 4,096 tokens and 128 requests holding
KV allow, else one decode batch of every running request (oldest first); sarathi: a 512-token budget
spent on decodes, then running prefills, then new prompts (chunked); a decode takes a block when its
tokens pass its blocks; recompute preemption of the latest-arrived running request; the prefill
iteration yields the first token. Cost per iteration: 32 layers x (linear ops at tokens rounded up to 8
+ prefill attention per prompt at (ceil32 chunk, ceil256 of context + chunk) + decode attention at
(count, ceil256 of the floored mean context) x 1.1 if count > 1 + 2 all-reduces of tokens x 8192
bytes + 0.02 ms each at TP > 1).
"""
import glob
import heapq
import math
import os
import sys

import numpy as np
import pandas as pd
from scipy.interpolate import RegularGridInterpolator

LINEAR = ["attn_pre_proj", "attn_post_proj", "attn_rope", "input_layernorm", "mlp_up_proj", "mlp_down_proj",
          "mlp_act", "post_attention_layernorm", "add"]
LAYERS, BLOCK, CAP = 32, 16, 128
VIDUR_BLOCKS = {1: 30208, 2: 67072}  # MemoryPlanner, floored to whole 2048-token requests, / 16


class Costs:
    def __init__(self, directory, tp):
        mlp = pd.read_csv(os.path.join(directory, "mlp.csv"))
        mlp = mlp[(mlp.num_tensor_parallel_workers == tp) & (mlp.n_embd == 4096) & (mlp.n_head == 32)]
        linear = mlp.groupby("num_tokens")[[f"time_stats.{op}.median" for op in LINEAR]].mean().sum(axis=1)
        self.linear = (linear.index.values.astype(float), linear.values)
        att = pd.read_csv(os.path.join(directory, "attention.csv"))
        att = att[(att.num_tensor_parallel_workers == tp) & (att.n_embd == 4096) & (att.n_q_head == 32)]
        self.prefill = self.surface(att[att.prefill_chunk_size > 0], "prefill_chunk_size", "time_stats.attn_prefill.median")
        self.decode = self.surface(att[att.prefill_chunk_size == 0], "batch_size", "time_stats.attn_decode.median")
        self.tp = tp
        if tp > 1:
            ar = pd.read_csv(os.path.join(directory, "all_reduce.csv"))
            ar = ar[(ar.num_workers == tp) & (ar.devices_per_node == tp) & (ar.collective == "all_reduce")]
            ar = ar.groupby("size")["time_stats.all_reduce.median"].mean()
            self.all_reduce = (ar.index.values.astype(float), ar.values)

    @staticmethod
    def surface(rows, first, value):
        grid = rows.groupby([first, "kv_cache_size"])[value].mean().unstack()
        if grid.isna().any().any():
            sys.exit(f"replay.py: attention.csv rows by ({first}, kv_cache_size) do not form a full grid")
        return RegularGridInterpolator((grid.index.values.astype(float), grid.columns.values.astype(float)),
                                       grid.values, bounds_error=False, fill_value=None)

    def seconds(self, q, kv):
        n = (sum(q) + 7) // 8 * 8
        ms = float(np.interp(n, *self.linear))
        ms += sum(float(self.prefill((math.ceil(c / 32) * 32, math.ceil(k / 256) * 256)))
                  for c, k in zip(q, kv) if c != 1)
        contexts = [k for c, k in zip(q, kv) if c == 1]
        if contexts:
            b = len(contexts)
            mean = math.ceil(int(np.mean(contexts)) / 256) * 256
            ms += float(self.decode((b, mean))) * (1 + 0.1 * (b > 1))
        if self.tp > 1:
            ms += 2 * (float(np.interp(n * 4096 * 2, *self.all_reduce)) + 0.02)
        return ms * LAYERS * 1e-3


class Request:
    def __init__(self, index, arrival, prompt, output):
        self.i, self.a, self.p, self.d = index, arrival, prompt, output
        self.done_tokens, self.prefilled, self.ttft, self.e2e = 0, False, None, None

    def restart(self):  # Request.restart: re-prefill prompt + generated tokens
        total = self.p + self.d
        self.p, self.d, self.done_tokens, self.prefilled = self.done_tokens, total - self.done_tokens, 0, False


class Replica:
    def __init__(self, blocks):
        self.blocks, self.watermark = blocks, int(0.01 * blocks)
        self.waiting, self.running, self.held, self.used, self.busy = [], [], {}, 0, False

    def can_allocate(self, r):
        if r.i not in self.held:
            return self.blocks - self.used - math.ceil(r.p / BLOCK) >= self.watermark
        return self.blocks - self.used >= 1

    def allocate(self, r):
        if r.i not in self.held:
            need = math.ceil(r.p / BLOCK)
            self.held[r.i] = need
            self.used += need
        elif r.done_tokens > BLOCK * self.held[r.i]:
            self.held[r.i] += 1
            self.used += 1

    def free(self, r):
        self.used -= self.held.pop(r.i)

    def admit_running(self, r):
        """A running request's next decode, preempting the latest-arrived running requests while no block is free."""
        while not self.can_allocate(r):
            victim = self.running.pop(-1) if self.running else r
            victim.restart()
            self.free(victim)
            self.waiting.insert(0, victim)
            if victim is r:
                return False
        self.allocate(r)
        return True

    def next_batch(self, scheduler, budget):
        batch = []  # (request, q tokens, kv tokens)
        if scheduler == "vllm":
            total = 0
            while self.waiting:
                r = self.waiting[0]
                if not self.can_allocate(r) or total + r.p > budget or len(self.held) == CAP or len(batch) == CAP:
                    break
                self.waiting.pop(0)
                self.allocate(r)
                batch.append((r, r.p, r.done_tokens + r.p))
                total += r.p
            if batch:
                return batch
            self.running.sort(key=lambda r: r.a)
            while self.running and len(batch) < CAP:
                r = self.running.pop(0)
                if self.admit_running(r):
                    batch.append((r, 1, r.done_tokens + 1))
            return batch
        total, partial, skipped = 0, [], []
        while self.running and len(batch) < CAP:
            r = self.running.pop(0)
            if not r.prefilled:
                partial.append(r)
            elif self.admit_running(r):
                batch.append((r, 1, r.done_tokens + 1))
                total += 1
        for r in partial:
            chunk = max(0, min(r.p - r.done_tokens, budget - total))
            if chunk == 0:
                skipped.append(r)
                continue
            total += chunk
            batch.append((r, chunk, r.done_tokens + chunk))
        self.running = sorted(skipped + self.running, key=lambda r: r.a)
        while self.waiting and len(self.held) < CAP and len(batch) < CAP:
            r = self.waiting[0]
            if not self.can_allocate(r):
                break
            chunk = max(0, min(r.p - r.done_tokens, budget - total))
            if chunk == 0:
                break
            self.waiting.pop(0)
            self.allocate(r)
            total += chunk
            batch.append((r, chunk, r.done_tokens + chunk))
        return batch


def main(argv):
    if len(argv) < 5:
        sys.exit(__doc__)
    directory, trace, scheduler, tp, count = argv[0], argv[1], argv[2], int(argv[3]), int(argv[4])
    if scheduler not in ("vllm", "sarathi"):
        sys.exit("replay.py: scheduler must be vllm or sarathi")
    options, rest = {}, argv[5:]
    require_exact = "--require-exact" in rest
    rest = [a for a in rest if a != "--require-exact"]
    while rest:
        flag = rest.pop(0)
        if flag not in ("--compare", "--num-blocks", "--show-batches") or not rest:
            sys.exit(f"replay.py: bad argument {flag}")
        options[flag] = rest.pop(0)
    costs = Costs(directory, tp)
    blocks = int(options.get("--num-blocks", 0)) or VIDUR_BLOCKS[tp]
    budget = 4096 if scheduler == "vllm" else 512
    show = int(options.get("--show-batches", 0))
    tr = pd.read_csv(trace)
    requests = [Request(i, a, p, d) for i, (a, p, d) in
                enumerate(zip(tr.Time, tr.PromptTokenCount, tr.CompletionTokenCount))]
    replicas = [Replica(blocks) for _ in range(count)]
    events, sequence, touched = [], 0, set()
    for k, r in enumerate(requests):  # arrivals sort before batch ends at equal times (Vidur's event types)
        heapq.heappush(events, (r.a, 0, sequence, r, k % count))
        sequence += 1
    while events:
        now, kind, _, item, j = heapq.heappop(events)
        replica = replicas[j]
        if kind == 0:
            replica.waiting.append(item)
        else:
            replica.busy = False
            for r, q in item:
                r.done_tokens += q
                if r.done_tokens == r.p:
                    r.prefilled = True
                    r.done_tokens += 1  # the prefill iteration yields the first token
                    if r.ttft is None:
                        r.ttft = now - r.a
                if r.done_tokens == r.p + r.d:
                    r.e2e = now - r.a
                    replica.free(r)
                else:
                    replica.running.append(r)
        touched.add(j)
        if events and events[0][0] == now:
            continue  # Vidur handles every arrival and batch end of one instant before it schedules
        for j in sorted(touched):
            replica = replicas[j]
            if replica.busy:
                continue
            batch = replica.next_batch(scheduler, budget)
            if not batch:
                continue
            replica.busy = True
            seconds = costs.seconds([b[1] for b in batch], [b[2] for b in batch])
            if show > 0:
                show -= 1
                text = ", ".join(f"r{r.i}:{'D' if r.prefilled else 'P'}{q}@kv{k}" for r, q, k in batch)
                print(f"replica {j} t={now:.6f} +{seconds * 1e3:.3f} ms: {text} | blocks used {replica.used}")
            heapq.heappush(events, (now + seconds, 1, sequence, [(r, q) for r, q, _ in batch], j))
            sequence += 1
        touched.clear()
    ttft = np.array([r.ttft for r in requests])
    e2e = np.array([r.e2e for r in requests])
    D = tr.CompletionTokenCount.values
    tpot = ((e2e - ttft) / np.maximum(D - 1, 1))[D > 1]
    print(f"replay {scheduler} TP{tp} x {count}, {len(requests)} requests: TTFT p50/p90/p99 "
          + " / ".join(f"{x * 1e3:.2f}" for x in np.percentile(ttft, [50, 90, 99]))
          + " ms, TPOT " + " / ".join(f"{x * 1e3:.2f}" for x in np.percentile(tpot, [50, 90, 99])) + " ms")
    if "--compare" in options:
        found = sorted(glob.glob(options["--compare"] + "/*/request_metrics.csv"))
        if not found:
            sys.exit(f"replay.py: no request_metrics.csv under {options['--compare']}")
        v = pd.read_csv(found[-1]).sort_values("Request Id")
        vt, ve = v.prefill_e2e_time.values, v.request_e2e_time.values
        vtpot = ((ve - vt) / np.maximum(D - 1, 1))[D > 1]
        print("vidur  TTFT p50/p90/p99 " + " / ".join(f"{x * 1e3:.2f}" for x in np.percentile(vt, [50, 90, 99]))
              + " ms, TPOT " + " / ".join(f"{x * 1e3:.2f}" for x in np.percentile(vtpot, [50, 90, 99])) + " ms")
        dt, de = np.abs(ttft - vt), np.abs(e2e - ve)
        print(f"per request: max |TTFT - Vidur's| {dt.max():.3e} s, max |E2E - Vidur's| {de.max():.3e} s")
        if require_exact and max(dt.max(), de.max()) > 1e-9:
            sys.exit("replay.py: the re-implementation does not reproduce Vidur's run")
    elif require_exact:
        sys.exit("replay.py: --require-exact needs --compare")


if __name__ == "__main__":
    main(sys.argv[1:])
