#!/usr/bin/env bash
# Runs every example scenario with the verb its kind belongs to, on the given gpusched binary
# (default: the release build), with --json, and checks each output (and validate's) against the
# JSON Schema its `kind` names in schemas/ (check-jsonschema, installed by `make examples`).
# Each plan and simulate run also writes its HTML report with --report to
# .build/reports/<example>.html (examples/a/b.yaml -> a-b.html; earlier reports there are removed
# first), for `make report-check` to render in a browser. The benchmarks too slow for the tests run
# here too. Jobs run EXAMPLE_JOBS at a time (default 2; the slowest first), one line each.
# Counts the jobs that do not exit 0, whose output breaks its schema or that write no report;
# exits 1 if any. Used by CI from a fresh clone: `make examples`.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
binary="${1:-$root/.build/release/gpusched}"
cd "$root" || exit 1
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
reports="$root/.build/reports"
mkdir -p "$reports"
rm -f "$reports"/*.html "$reports"/*.png
export binary reports scratch

# check_schema FILE.json LOG: validates against schemas/<kind>.schema.json, kind read from the output.
check_schema() {
  local kind
  kind="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["kind"])' "$1" 2>/dev/null)" || return 1
  [ -f "schemas/$kind.schema.json" ] || { echo "run-examples: no schema for kind '$kind'" >&2; return 1; }
  scripts/check-jsonschema.sh --schemafile "schemas/$kind.schema.json" "$1" >"$2" 2>&1 || { cat "$2" >&2; return 1; }
}

# run_job "example FILE" | "bench SUITE…": one job, one line (ok or FAIL), exit status 1 on failure.
run_job() {
  local job="$1" work start
  work="$(mktemp -d -p "$scratch")"
  start=$(date +%s)
  if [ "${job%% *}" = bench ]; then
    # shellcheck disable=SC2086
    if "$binary" $job --json >"$work/out.json" && check_schema "$work/out.json" "$work/schema.log"; then
      echo "ok   gpusched $job ($(( $(date +%s) - start )) s)"
      return 0
    fi
    echo "FAIL gpusched $job" >&2
    return 1
  fi
  local file="${job#example }" kind args report=""
  kind="$(sed -n 's/^kind:[[:space:]]*\([a-z-]*\).*/\1/p' "$file" | head -n 1)"
  case "$kind" in
    catalog) args=(catalog models --scenario "$file") ;;
    simulate) args=(simulate "$file") ;;
    gate-route) args=(plan gate-route "$file") ;;
    geo) args=(plan geo "$file") ;;
    cascade) args=(plan cascade "$file") ;;
    moe-placement) args=(plan moe "$file") ;;
    deploy) args=(plan deploy "$file") ;;
    serve) args=() ;;  # a router config: validated only (serving needs engines to route to)
    *) echo "FAIL $file: no verb for kind '$kind'" >&2; return 1 ;;
  esac
  if [ "${args[0]:-}" = plan ] || [ "${args[0]:-}" = simulate ]; then
    local name="${file#examples/}"
    name="${name%.yaml}"
    report="$reports/${name//\//-}.html"
    args+=(--report "$report")
  fi
  if "$binary" validate "$file" --json >"$work/validate.json" && check_schema "$work/validate.json" "$work/schema.log" \
    && { [ "${#args[@]}" -eq 0 ] || { "$binary" "${args[@]}" --json >"$work/out.json" && check_schema "$work/out.json" "$work/schema.log"; }; } \
    && { [ -z "$report" ] || [ -s "$report" ] || { echo "run-examples: no report written to $report" >&2; false; }; }; then
    echo "ok   $file ($(( $(date +%s) - start )) s: gpusched ${args[*]:-validate})"
    return 0
  fi
  echo "FAIL $file (gpusched ${args[*]})" >&2
  return 1
}
export -f run_job check_schema

# The longest jobs first, so two queues end together: the benchmarks whose --json outputs are too
# slow for the tests (JSONSchemaTests lists them), then the examples of the kinds that plan for
# minutes (moe-placement, gate-route, deploy), then every other example.
slow_kinds='^kind:[[:space:]]*(moe-placement|gate-route|deploy)'
{
  for suite in "bench gate-route" "bench moe --time-limit 10" "bench deploy --repeats 1" "bench cascade" "bench geo" "bench roofline --data data"; do
    echo "$suite"
  done
  find examples -name '*.yaml' | sort | xargs grep -lE "$slow_kinds" | sed 's/^/example /'
  find examples -name '*.yaml' | sort | xargs grep -LE "$slow_kinds" | sed 's/^/example /'
} >"$scratch/jobs"
count=$(wc -l <"$scratch/jobs")
xargs -d '\n' -n 1 -P "${EXAMPLE_JOBS:-2}" bash -c 'run_job "$1" || echo failed >>"$scratch/failures"' _ <"$scratch/jobs"
failures=$( [ -f "$scratch/failures" ] && wc -l <"$scratch/failures" || echo 0)
echo "examples and benchmarks: $((count - failures)) passed, $failures failed"
[ "$failures" -eq 0 ]
