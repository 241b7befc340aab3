"""Writes the per-operation times Vidur 0.0.26 actually used as a profile directory in Vidur's own
columns, so GPUSched can be fed exactly Vidur's costs (its random-forest predictions on its lookup grid)
and the two differ only in scheduling.

usage: python export_predictions.py CACHE_DIR PROFILES_DIR OUT_DIR TP [TP...]
  CACHE_DIR     VIDUR_CACHE after run_vidur.sh ran at each TP (Vidur caches its grid predictions in
                CACHE_DIR/predictions/<hash>/<op>.csv.xz; the hash is md5 of its predictor settings)
  PROFILES_DIR  the repository's data/profiles (for the embedding column, which Vidur never charges)
  OUT_DIR       written: mlp.csv, attention.csv, all_reduce.csv (TP > 1 only)

Vidur looks every table up at grid points only (tokens rounded up to 8, KV sizes to 256, prefill chunks
to 32; sklearn_execution_time_predictor.py), and each of those points is a row here, so a lookup with
Vidur's rounding (GPUSched's `profile: {vidur: DIR, lookup: vidur}`) lands on a row and reads Vidur's value.
Grid (run_vidur.sh's settings): tokens 1..16384; decode batch 1..128 x KV 0..16384 step 256; prefill
chunk 32..4096 step 32 x KV 0..16384 step 256 (KV including the chunk, as Vidur looks it up)."""
import hashlib
import os
import sys

import numpy as np
import pandas as pd
from vidur.types import ExecutionTimePredictorType

if len(sys.argv) < 5:
    sys.exit("usage: python export_predictions.py CACHE_DIR PROFILES_DIR OUT_DIR TP [TP...]")
CACHE, PROFILES, OUT = sys.argv[1:4]
TPS = [int(t) for t in sys.argv[4:]]
# Must equal run_vidur.sh's predictor flags: they enter Vidur's cache hash.
MAX_TOKENS, K_FOLD, MAX_CHUNK, MAX_BATCH, BLOCK = 16384, 3, 4096, 128, 16
MODEL = dict(n_head=32, n_kv_head=8, n_embd=4096, n_expanded_embd=14336, vocab_size=128256, use_gated_mlp=True)
LINEAR = ["attn_pre_proj", "attn_post_proj", "mlp_up_proj", "mlp_down_proj", "mlp_act", "input_layernorm",
          "post_attention_layernorm", "attn_rope", "add", "attn_kv_cache_save"]
PROVIDER = str(ExecutionTimePredictorType.RANDOM_FORREST)


def digest(config):
    return hashlib.md5(str(config).encode("utf-8")).hexdigest()[0:8]


def compute_hash(tp):  # SklearnExecutionTimePredictor._get_compute_model_config
    return digest({"model_provider": PROVIDER, "profiling_datasource": "local/llama-3-8b-a100",
                   "num_tensor_parallel_workers": tp, "k_fold_cv_splits": K_FOLD, "block_size": BLOCK,
                   "max_tokens": MAX_TOKENS, "prediction_max_prefill_chunk_size": MAX_CHUNK, "max_batch_size": MAX_BATCH})


def network_hash(tp):  # SklearnExecutionTimePredictor._get_network_model_config
    return digest({"model_provider": PROVIDER, "profiling_datasource": "local/a100-dgx", "tensor_parallel_size": tp,
                   "is_multi_node": False, "max_tokens": MAX_TOKENS, "disable_kvp_communication": True})


def load(h, op):
    path = os.path.join(CACHE, "predictions", h, f"{op}.csv.xz")
    if not os.path.isfile(path):
        sys.exit(f"export_predictions.py: {path} missing: run Vidur (run_vidur.sh) at this TP first")
    return pd.read_csv(path)


measured = pd.read_csv(os.path.join(PROFILES, "vidur-a100-llama3-8b", "mlp.csv"))
mlp, attention, all_reduce = [], [], []
for tp in TPS:
    h = compute_hash(tp)
    tokens = np.arange(1, MAX_TOKENS + 1)
    frame = pd.DataFrame({k: v for k, v in MODEL.items()} | {"num_tokens": tokens, "num_tensor_parallel_workers": tp})
    for op in LINEAR:
        p = load(h, op)
        frame[f"time_stats.{op}.median"] = pd.Series(p.prediction.values, index=p.X_0.astype(int)).reindex(tokens).values
    m = measured[measured.num_tensor_parallel_workers == tp].groupby("num_tokens")["time_stats.emb.median"].mean()
    frame["time_stats.emb.median"] = np.interp(tokens, m.index.values, m.values)
    mlp.append(frame)
    decode, prefill = load(h, "attn_decode"), load(h, "attn_prefill")
    attention.append(pd.DataFrame({"n_embd": 4096, "n_q_head": 32, "n_kv_head": 8, "block_size": BLOCK,
        "num_tensor_parallel_workers": tp, "batch_size": decode.X_0.astype(int), "prefill_chunk_size": 0,
        "kv_cache_size": decode.X_1.astype(int), "is_prefill": False, "time_stats.attn_prefill.median": 0.0,
        "time_stats.attn_decode.median": decode.prediction}))
    attention.append(pd.DataFrame({"n_embd": 4096, "n_q_head": 32, "n_kv_head": 8, "block_size": BLOCK,
        "num_tensor_parallel_workers": tp, "batch_size": 1, "prefill_chunk_size": prefill.X_1.astype(int),
        "kv_cache_size": prefill.X_0.astype(int), "is_prefill": True, "time_stats.attn_prefill.median": prefill.prediction,
        "time_stats.attn_decode.median": 0.0}))
    if tp > 1:
        p = load(network_hash(tp), "all_reduce")
        all_reduce.append(pd.DataFrame({"time_stats.all_reduce.median": p.prediction, "num_workers": tp,
            "size": p.X_0.astype(int) * MODEL["n_embd"] * 2, "collective": "all_reduce", "devices_per_node": tp}))
os.makedirs(OUT, exist_ok=True)
pd.concat(mlp).to_csv(os.path.join(OUT, "mlp.csv"), index=False)
pd.concat(attention).to_csv(os.path.join(OUT, "attention.csv"), index=False)
if all_reduce:
    pd.concat(all_reduce).to_csv(os.path.join(OUT, "all_reduce.csv"), index=False)
print(f"export_predictions.py: Vidur's predicted grid for TP {TPS} in {OUT}")
