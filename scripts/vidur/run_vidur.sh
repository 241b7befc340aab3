#!/usr/bin/env bash
# usage: run_vidur.sh TRACE.csv OUTDIR [TP=1] [REPLICAS=1] [SCHED=vllm] [extra vidur flags...]
# Trace replay of TRACE.csv (Date/Time/PromptTokenCount/CompletionTokenCount columns) with Vidur 0.0.26:
# Llama-3-8B on A100, round-robin routing, the offline bundle in $VIDUR_CACHE (made by make_bundle.py),
# random-forest predictor (one grid point: 100 trees, depth 16; 0.0.26's linear_regression is broken).
# Vidur's defaults are kept otherwise: batch cap 128, vllm 4096 tokens per prefill-only batch,
# sarathi chunk 512, 16-token blocks, 1% watermark, KV capacity from its memory planner.
# Trace replay needs prefill/decode/time scale factors 1 (Vidur's defaults are 0.3 and 0.04).
# Environment: VIDUR_VENV (venv with vidur==0.0.26), VIDUR_CACHE (bundle; also caches the trained forests).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="${VIDUR_VENV:?set VIDUR_VENV to the venv where vidur==0.0.26 is installed}"
cache="${VIDUR_CACHE:?set VIDUR_CACHE to the bundle made by make_bundle.py}"
[ $# -ge 2 ] || { echo "usage: run_vidur.sh TRACE.csv OUTDIR [TP] [REPLICAS] [vllm|sarathi] [vidur flags...]" >&2; exit 2; }
[ -x "$venv/bin/python" ] || { echo "run_vidur.sh: no python in VIDUR_VENV=$venv" >&2; exit 2; }
[ -d "$cache/profiling_data" ] || { echo "run_vidur.sh: no bundle in VIDUR_CACHE=$cache (run make_bundle.py)" >&2; exit 2; }
abs() { case "$1" in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
TRACE="$(abs "$1")"; OUT="$(abs "$2")"; TP=${3:-1}; REP=${4:-1}; SCHED=${5:-vllm}; CACHE="$(abs "$cache")"
shift $(( $# < 5 ? $# : 5 ))
[ -f "$TRACE" ] || { echo "run_vidur.sh: trace $TRACE not found" >&2; exit 2; }
export WANDB_MODE=disabled HF_HUB_OFFLINE=1
P=--random_forrest_execution_time_predictor_config
cd "$here"
exec "$venv/bin/python" vidur_timed.py \
 --replica_config_device a100 --replica_config_network_device a100_dgx --replica_config_model_name meta-llama/Llama-3-8B \
 --replica_config_tensor_parallel_size "$TP" --replica_config_num_pipeline_stages 1 --cluster_config_num_replicas "$REP" \
 --global_scheduler_config_type round_robin \
 --request_generator_config_type trace_replay --trace_request_generator_config_trace_file "$TRACE" \
 --trace_request_generator_config_date 2023-08-21 --trace_request_generator_config_max_tokens 2048 \
 --trace_request_generator_config_prefill_scale_factor 1 --trace_request_generator_config_decode_scale_factor 1 \
 --trace_request_generator_config_time_scale_factor 1 \
 --replica_scheduler_config_type "$SCHED" \
 --execution_time_predictor_config_type random_forrest \
 ${P}_model_profiling_dataset local/llama-3-8b-a100 ${P}_network_profiling_dataset local/a100-dgx \
 ${P}_prediction_max_tokens_per_request 16384 \
 ${P}_num_estimators 100 ${P}_max_depth 16 ${P}_min_samples_split 2 ${P}_k_fold_cv_splits 3 \
 ${P}_cache_dir "$CACHE" \
 --metrics_config_output_dir "$OUT" --no-metrics_config_store_plots --no-metrics_config_enable_chrome_trace "$@"
