"""Builds the offline inputs of the Vidur comparison from the repository's data/profiles.

usage: python make_bundle.py PROFILES_DIR CACHE_DIR PROFILE_OUT_DIR [--dense-attention]
  PROFILES_DIR     the repository's data/profiles (vidur-a100-llama3-8b/mlp.csv, nccl/a100_dgx_*.csv)
  CACHE_DIR        written: a Hugging Face-cache-shaped bundle Vidur 0.0.26 reads with HF_HUB_OFFLINE=1
                   (datasets local/llama-3-8b-a100 and local/a100-dgx, see run_vidur.sh)
  PROFILE_OUT_DIR  written: the same tables as plain CSV in Vidur's own columns, for GPUSched's
                   `engine.profile: {vidur: DIR}`: mlp.csv, attention.csv, all_reduce.csv, send_recv.csv

compute: measured A100 Llama-3-8B mlp.csv (microsoft/vidur data/profiling/compute/a100/...), verbatim.
network: measured a100_dgx all_reduce.csv / send_recv.csv (microsoft/vidur data/profiling/network/a100_dgx/), verbatim.
attention: a SYNTHETIC roofline table (Vidur's measured attention.csv is not in the wheel and not
reachable offline): A100 at 55% of 312 TFLOP/s and 75% of 2 TB/s, Llama-3-8B heads, TP 1/2/4/8, block 16.
Both simulators get this same table, so attention is compared like for like. By default it has the
grid the earlier comparison used (decode: 11 batch sizes x 11 KV sizes; prefill: 10 chunks x 9 KV
sizes). --dense-attention writes the same formula on Vidur's own lookup grid instead (decode: every
batch 1..128 x KV 0..16384 step 256; prefill: chunks 32..4096 step 32 x KV 0..16384 step 256): Vidur's
random forest is a step function between table rows, GPUSched interpolates linearly, and on the
sparse grid the two differ by up to ~50% per decode-attention lookup; on the dense grid they agree."""
import hashlib
import json
import os
import shutil
import sys

import pandas as pd

if len(sys.argv) not in (4, 5) or (len(sys.argv) == 5 and sys.argv[4] != "--dense-attention"):
    sys.exit("usage: python make_bundle.py PROFILES_DIR CACHE_DIR PROFILE_OUT_DIR [--dense-attention]")
DATA, CACHE, PROFILE = sys.argv[1:4]
DENSE = len(sys.argv) == 5
DEV = {"a100": dict(flops=312e12, bw=2.0e12), "h100": dict(flops=989e12, bw=3.35e12)}
SOURCES = {
    "mlp.csv": "vidur-a100-llama3-8b/mlp.csv",
    "all_reduce.csv": "nccl/a100_dgx_all_reduce.csv",
    "send_recv.csv": "nccl/a100_dgx_send_recv.csv",
}
for rel in SOURCES.values():
    if not os.path.isfile(os.path.join(DATA, rel)):
        sys.exit(f"make_bundle.py: missing {os.path.join(DATA, rel)} (the repository's data/profiles)")
os.makedirs(CACHE, exist_ok=True)
os.makedirs(PROFILE, exist_ok=True)


def write_atomically(path, write):
    """Writes through a temporary file and a rename, so a Vidur run reading the bundle meanwhile never sees half a file."""
    temporary = f"{path}.{os.getpid()}.tmp"
    write(temporary)
    os.replace(temporary, path)


def put(kind, repo_name, files):
    org, name = repo_name.split("/")
    base = os.path.join(CACHE, "profiling_data", kind, f"datasets--{org}--{name}")
    h = hashlib.sha1(repo_name.encode()).hexdigest()
    snap = os.path.join(base, "snapshots", h)
    os.makedirs(snap, exist_ok=True)
    os.makedirs(os.path.join(base, "refs"), exist_ok=True)
    write_atomically(os.path.join(base, "refs", "main"), lambda p: open(p, "w").write(h))
    for fn, obj in files.items():
        if isinstance(obj, pd.DataFrame):
            write_atomically(os.path.join(snap, fn), lambda p: obj.to_csv(p, index=False, compression="xz"))
        else:
            write_atomically(os.path.join(snap, fn), lambda p: json.dump(obj, open(p, "w")))


def synth_attention(dev, n_embd=4096, nq=32, nkv=8, head_dim=128, block=16, dense=False):
    F, B = DEV[dev]["flops"] * 0.55, DEV[dev]["bw"] * 0.75
    decode_batches = range(1, 129) if dense else (1, 2, 4, 8, 16, 24, 32, 48, 64, 96, 128)
    decode_kv = range(0, 16385, 256) if dense else [0, 256, 512, 1024, 2048, 3072, 4096, 6144, 8192, 12288, 16384]
    prefill_chunks = range(32, 4097, 32) if dense else (32, 64, 128, 256, 512, 1024, 1536, 2048, 3072, 4096)
    prefill_kv = range(0, 16385, 256) if dense else [0, 256, 512, 1024, 2048, 4096, 8192, 12288, 16384]
    rows = []
    for tp in (1, 2, 4, 8):
        q, kv = nq // tp, nkv // tp
        # decode rows: prefill_chunk_size=0
        for b in decode_batches:
            for k in decode_kv:
                byts = b * max(k, 1) * 2 * kv * head_dim * 2
                t = byts / B * 1e3 + 0.012 + 0.0004 * b
                save = b * 2 * kv * head_dim * 2 / B * 1e3 + 0.005
                rows.append(dict(batch_size=b, prefill_chunk_size=0, kv_cache_size=k, t_p=0, t_d=t, t_s=save, tp=tp))
        # prefill rows: batch_size=1
        for c in prefill_chunks:
            for k in prefill_kv:
                fl = 4 * c * (k + c / 2) * head_dim * q
                byts = (k + c) * 2 * kv * head_dim * 2 + c * q * head_dim * 2 * 2
                t = max(fl / F, byts / B) * 1e3 + 0.015
                save = c * 2 * kv * head_dim * 2 / B * 1e3 + 0.005
                rows.append(dict(batch_size=1, prefill_chunk_size=c, kv_cache_size=k, t_p=t, t_d=0, t_s=save, tp=tp))
    df = pd.DataFrame(rows)
    return pd.DataFrame({
        "n_embd": n_embd, "n_q_head": nq, "n_kv_head": nkv, "block_size": block,
        "num_tensor_parallel_workers": df.tp, "max_model_len": 32768,
        "batch_size": df.batch_size, "prefill_chunk_size": df.prefill_chunk_size,
        "kv_cache_size": df.kv_cache_size, "is_prefill": df.prefill_chunk_size > 0,
        "attention_backend": "SYNTHETIC_ROOFLINE",
        "time_stats.attn_prefill.median": df.t_p, "time_stats.attn_decode.median": df.t_d,
        "time_stats.attn_kv_cache_save.median": df.t_s})


def data(name):
    return pd.read_csv(os.path.join(DATA, SOURCES[name]))


att = synth_attention("a100", dense=DENSE)
write_atomically(os.path.join(PROFILE, "attention.csv"), lambda p: att.to_csv(p, index=False))
for name, rel in SOURCES.items():
    write_atomically(os.path.join(PROFILE, name), lambda p: shutil.copyfile(os.path.join(DATA, rel), p))
put("compute", "local/llama-3-8b-a100", {"config.json": {"model": "meta-llama/Llama-3-8B", "device_sku": "a100"},
    "mlp.csv.xz": data("mlp.csv"), "attention.csv.xz": att})
put("network", "local/a100-dgx", {"config.json": {"sku": "a100_dgx"},
    "all_reduce.csv.xz": data("all_reduce.csv"), "send_recv.csv.xz": data("send_recv.csv")})
print(f"make_bundle.py: Vidur bundle in {CACHE}, GPUSched profile in {PROFILE}")
