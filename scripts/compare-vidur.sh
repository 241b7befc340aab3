#!/usr/bin/env bash
# Runs Vidur 0.0.26 and GPUSched side by side on identical request lists and prints, per case, the
# TTFT, TPOT and end-to-end percentiles of both with GPUSched's difference from Vidur.
# Not part of `make test`: Vidur is a 1.3 GB Python install (PyPI), its runs take about a minute each.
#
# usage: scripts/compare-vidur.sh [--binary PATH] [--tolerance PCT] [--fresh] [--dense-attention] [CASE...]
#   CASE: w1-vllm w3-sarathi w1-sarathi w3-vllm (default: these four; Vidur's measured tables and the
#         matching scheduler), the same with -rf (w1-vllm-rf ...: GPUSched fed the very per-operation
#         times Vidur's random forests predicted, exported by scripts/vidur/export_predictions.py, so
#         only scheduling differs), w1-roofline w3-roofline (GPUSched's default scheduler and roofline
#         costs: the baseline), or all.
#   --binary PATH     the gpusched to run (default .build/release/gpusched; build it with `make release`)
#   --tolerance PCT   exit 1 when a TTFT or TPOT p50/p90/p99 differs from Vidur's by more than PCT %
#   --fresh           rerun Vidur even when its output for a case exists
#   --dense-attention both tools get the synthetic attention table on Vidur's whole lookup grid instead
#                     of the sparse one of the earlier comparison (see make_bundle.py: Vidur's random
#                     forest is a step function between rows, GPUSched interpolates; on the sparse grid
#                     that alone moves decode iterations by several %). Vidur's cache and outputs then
#                     go to VIDUR_CACHE-dense and VIDUR_OUT-dense.
# Environment: VIDUR_VENV (default .deps/vidur-venv; created and vidur==0.0.26 installed when missing),
# VIDUR_CACHE (default .deps/vidur-cache: Vidur's offline bundle and its trained forests),
# VIDUR_OUT (default .deps/vidur-out: Vidur's outputs, reused; GPUSched's JSON beside them).
# Inputs, all in the repository: data/profiles (Vidur's A100 tables, NCCL tables), the traces in
# scripts/vidur/traces (checked against scripts/vidur/gen_traces.py), the GPUSched scenarios in
# scripts/vidur/scenarios (their profile: .deps/vidur-profile, written by scripts/vidur/make_bundle.py).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
here="$root/scripts/vidur"
binary="$root/.build/release/gpusched"
tolerance=""
fresh=0
dense=0
cases=()
while [ $# -gt 0 ]; do
  case "$1" in
    --binary) [ $# -ge 2 ] || { echo "compare-vidur: --binary needs a path" >&2; exit 2; }; binary="$2"; shift 2 ;;
    --tolerance) [ $# -ge 2 ] || { echo "compare-vidur: --tolerance needs a number" >&2; exit 2; }; tolerance="$2"; shift 2 ;;
    --fresh) fresh=1; shift ;;
    --dense-attention) dense=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit 0 ;;
    all) cases+=(w1-vllm w3-sarathi w1-sarathi w3-vllm w1-vllm-rf w3-sarathi-rf w1-sarathi-rf w3-vllm-rf w1-roofline w3-roofline); shift ;;
    -*) echo "compare-vidur: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) cases+=("$1"); shift ;;
  esac
done
[ ${#cases[@]} -gt 0 ] || cases=(w1-vllm w3-sarathi w1-sarathi w3-vllm)

# case NAME -> trace, TP, replicas, Vidur scheduler, GPUSched scenario
describe() {
  case "$1" in
    w1-vllm | w1-vllm-rf) echo "w1_qps4_10k 1 1 vllm w1-vllm-v0" ;;
    w1-sarathi | w1-sarathi-rf) echo "w1_qps4_10k 1 1 sarathi w1-sarathi" ;;
    w3-sarathi | w3-sarathi-rf) echo "w3_qps8_1k 2 2 sarathi w3-sarathi" ;;
    w3-vllm | w3-vllm-rf) echo "w3_qps8_1k 2 2 vllm w3-vllm-v0" ;;
    w1-roofline) echo "w1_qps4_10k 1 1 vllm w1-roofline" ;;
    w3-roofline) echo "w3_qps8_1k 2 2 sarathi w3-roofline" ;;
    *) return 1 ;;
  esac
}
for c in "${cases[@]}"; do
  describe "$c" >/dev/null || { echo "compare-vidur: unknown case '$c' (w1-vllm w3-sarathi w1-sarathi w3-vllm, each also with -rf, w1-roofline w3-roofline, all)" >&2; exit 2; }
done

abs() { case "$1" in /*) echo "$1" ;; *) echo "$root/$1" ;; esac; }
venv="$(abs "${VIDUR_VENV:-.deps/vidur-venv}")"
cache="$(abs "${VIDUR_CACHE:-.deps/vidur-cache}")"
out="$(abs "${VIDUR_OUT:-.deps/vidur-out}")"
bundle_flags=()
if [ "$dense" = 1 ]; then cache="$cache-dense"; out="$out-dense"; bundle_flags=(--dense-attention); fi
profile="$root/.deps/vidur-profile"   # the scenarios name this path

# Tools: gpusched, python3 (for the venv), then Vidur itself.
[ -x "$binary" ] || { echo "compare-vidur: gpusched not found at $binary (run \`make release\` or pass --binary PATH)" >&2; exit 2; }
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import vidur' 2>/dev/null; then
  command -v python3 >/dev/null || { echo "compare-vidur: python3 is needed to install Vidur (none on PATH)" >&2; exit 2; }
  echo "compare-vidur: installing vidur==0.0.26 into $venv (about 1 minute, 1.3 GB, from PyPI)"
  python3 -m venv "$venv" || { echo "compare-vidur: python3 -m venv $venv failed (install the python3 venv module)" >&2; exit 2; }
  "$venv/bin/pip" install --quiet vidur==0.0.26 -c "$here/constraints.txt" \
    || { echo "compare-vidur: pip install vidur==0.0.26 failed (PyPI unreachable?)" >&2; exit 2; }
fi
version="$("$venv/bin/python" -c 'from importlib.metadata import version; print(version("vidur"))')"
[ "$version" = "0.0.26" ] || { echo "compare-vidur: $venv has vidur $version; this comparison is for 0.0.26" >&2; exit 2; }
py="$venv/bin/python"

# Inputs: the traces must be the generator's bytes; the bundle and the profile are rebuilt each run (seconds).
check="$(mktemp -d)"
trap 'rm -rf "$check"' EXIT
"$py" "$here/gen_traces.py" "$check" >/dev/null
for t in w1_qps4_10k w3_qps8_1k; do
  cmp -s "$check/$t.csv" "$here/traces/$t.csv" \
    || { echo "compare-vidur: scripts/vidur/traces/$t.csv differs from what gen_traces.py generates" >&2; exit 1; }
done
"$py" "$here/make_bundle.py" "$root/data/profiles" "$cache" "$profile" ${bundle_flags[@]+"${bundle_flags[@]}"} >/dev/null

mkdir -p "$out"
failures=0
summary=()
for c in "${cases[@]}"; do
  read -r trace tp replicas scheduler scenario <<<"$(describe "$c")"
  tracefile="$here/traces/$trace.csv"
  vdir="$out/$trace-tp${tp}x$replicas-$scheduler"
  if [ "$fresh" = 1 ] || ! ls "$vdir"/*/request_metrics.csv >/dev/null 2>&1; then
    rm -rf "$vdir"
    echo "compare-vidur: Vidur $scheduler, TP$tp x $replicas, $trace (log: $vdir.log)"
    VIDUR_VENV="$venv" VIDUR_CACHE="$cache" "$here/run_vidur.sh" "$tracefile" "$vdir" "$tp" "$replicas" "$scheduler" >"$vdir.log" 2>&1 \
      || { echo "compare-vidur: Vidur failed for $c; last lines of $vdir.log:" >&2; tail -n 5 "$vdir.log" >&2; failures=$((failures + 1)); continue; }
  fi
  gjson="$out/$c.gpusched.json"
  scenariofile="$here/scenarios/$scenario.yaml"
  rf="$root/.deps/vidur-profile-rf-tp$tp"
  # Vidur's own predictions (cached by its run) as a profile: the -rf cases' costs, and the replay's.
  "$py" "$here/export_predictions.py" "$cache" "$root/data/profiles" "$rf" "$tp" >/dev/null \
    || { echo "compare-vidur: exporting Vidur's predictions failed for $c" >&2; failures=$((failures + 1)); continue; }
  # Self-check: the re-implementation of Vidur's schedulers on Vidur's own costs must reproduce the run
  # exactly (else these notes of Vidur's semantics are wrong); on the raw tables it shows what a faithful
  # scheduler that interpolates gets (exact percentiles, numpy).
  if ! replayed="$("$py" "$here/replay.py" "$rf" "$tracefile" "$scheduler" "$tp" "$replicas" --compare "$vdir" --require-exact)"; then
    echo "$replayed" >&2
    echo "compare-vidur: replay.py does not reproduce Vidur's $c run" >&2
    failures=$((failures + 1))
    continue
  fi
  interpolated="$("$py" "$here/replay.py" "$profile" "$tracefile" "$scheduler" "$tp" "$replicas" | tail -n 1)"
  if [ "${c%-rf}" != "$c" ]; then
    sed -e "s#\.\./\.\./\.\./\.deps/vidur-profile#$rf#" -e "s#\.\./traces/#$here/traces/#" "$scenariofile" >"$out/$c.yaml"
    scenariofile="$out/$c.yaml"
  fi
  echo "compare-vidur: GPUSched ${scenariofile#"$root"/}"
  if ! "$binary" simulate "$scenariofile" --json >"$gjson" 2>"$out/$c.gpusched.err"; then
    echo "compare-vidur: gpusched simulate failed for $c:" >&2
    cat "$out/$c.gpusched.err" >&2
    failures=$((failures + 1))
    continue
  fi
  label="$c: $trace, Vidur $scheduler TP$tp x $replicas vs GPUSched $scenario.yaml"
  args=(compare "$vdir" "$tracefile" "$gjson" "$label" --json-out "$out/$c.compare.json")
  [ -z "$tolerance" ] || args+=(--tolerance "$tolerance")
  echo
  if ! "$py" "$here/summarize.py" "${args[@]}"; then failures=$((failures + 1)); fi
  echo
  echo "replay.py (Vidur's schedulers re-implemented): on Vidur's own costs $(echo "$replayed" | tail -n 1 | sed 's/^per request: //')"
  echo "  on the same tables, interpolated: ${interpolated#replay }"
  echo
  summary+=("$out/$c.compare.json")
done

if [ ${#summary[@]} -gt 0 ]; then
  echo "### Summary: GPUSched vs Vidur 0.0.26 (percentiles with one definition, see scripts/vidur/summarize.py)"
  echo
  "$py" - "${summary[@]}" <<'EOF'
import json, sys
print("| case | TTFT p50 / p90 / p99 ms (Vidur → GPUSched) | TPOT p50 / p90 / p99 ms | E2E p50 / p99 s | worst TTFT/TPOT |")
print("|---|---|---|---|---|")
for path in sys.argv[1:]:
    r = json.load(open(path)); v, g = r["vidur"], r["gpusched"]
    def cell(m, ps, scale):
        return " / ".join(f"{v[m][p]*scale:.1f}→{g[m][p]*scale:.1f} ({(g[m][p]-v[m][p])/v[m][p]*100:+.1f}%)" for p in ps)
    print(f"| {r['label'].split(':')[0]} | {cell('ttft', ('p50','p90','p99'), 1e3)} | {cell('tpot', ('p50','p90','p99'), 1e3)} "
          f"| {cell('e2e', ('p50','p99'), 1)} | {r['worstPercent']:.1f}% |")
EOF
fi
if [ "$failures" -gt 0 ]; then
  echo "compare-vidur: $failures case(s) failed or out of tolerance" >&2
  exit 1
fi
