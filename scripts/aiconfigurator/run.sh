#!/usr/bin/env bash
# Runs NVIDIA aiconfigurator 0.12.0 (`cli default`, vLLM backend) on one model's single-GPU-type case
# and prints its chosen aggregated configuration as one JSON object (TP, batch it modelled, replicas,
# promised req/s and tokens/s/GPU, TTFT/TPOT, the vLLM limits its launch script sets, wall seconds),
# for the README's comparison with `gpusched plan deploy`'s aiconfigurator baseline, which follows
# its method on GPUSched's roofline. Never a dependency and not part of `make test`.
#
# usage: scripts/aiconfigurator/run.sh [--model HF_ID] [--gpus N] [--system SYS] [--isl N] [--osl N]
#                                      [--ttft MS] [--tpot MS]
#   defaults: meta-llama/Meta-Llama-3.1-8B, 8, h100_sxm, 1024, 256, 500, 20 (its measured case)
# Environment: AIC_VENV (default .deps/aiconfigurator-venv; created and aiconfigurator==0.12.0
# installed from PyPI when missing — it ships its performance database and then runs offline),
# AIC_OUT (default .deps/aiconfigurator-out: its saved results).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
venv="${AIC_VENV:-$root/.deps/aiconfigurator-venv}"
out="${AIC_OUT:-$root/.deps/aiconfigurator-out}"
model="meta-llama/Meta-Llama-3.1-8B"; gpus=8; system="h100_sxm"; isl=1024; osl=256; ttft=500; tpot=20
while [ $# -gt 0 ]; do
  [ $# -ge 2 ] || { echo "aiconfigurator/run.sh: $1 needs a value" >&2; exit 2; }
  case "$1" in
    --model) model="$2" ;; --gpus) gpus="$2" ;; --system) system="$2" ;; --isl) isl="$2" ;;
    --osl) osl="$2" ;; --ttft) ttft="$2" ;; --tpot) tpot="$2" ;;
    *) echo "aiconfigurator/run.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift 2
done
if [ ! -x "$venv/bin/aiconfigurator" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet aiconfigurator==0.12.0
fi
run="$out/$(echo "$model" | tr '/' '_')-$system-g$gpus-isl$isl-osl$osl-ttft$ttft-tpot$tpot"
rm -rf "$run"
mkdir -p "$run"
start=$(date +%s.%N)
"$venv/bin/aiconfigurator" cli default --model-path "$model" --total-gpus "$gpus" --system "$system" \
  --backend vllm --isl "$isl" --osl "$osl" --ttft "$ttft" --tpot "$tpot" --save-dir "$run" > "$run/log.txt" 2>&1 \
  || { echo "aiconfigurator/run.sh: aiconfigurator failed, see $run/log.txt" >&2; exit 1; }
end=$(date +%s.%N)
"$venv/bin/python" "$root/scripts/aiconfigurator/summarize.py" "$run" "$gpus" "$(python3 -c "print($end - $start)")"
