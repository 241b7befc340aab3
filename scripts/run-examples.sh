#!/usr/bin/env bash
# Runs every example scenario with the verb its kind belongs to, on the given gpusched binary
# (default: the release build), with --json, and checks each output (and validate's) against the
# JSON Schema its `kind` names in schemas/ (check-jsonschema, installed by `make examples`).
# Each plan and simulate run also writes its HTML report with --report to
# .build/reports/<example>.html (examples/a/b.yaml -> a-b.html; earlier reports there are removed
# first), for `make report-check` to render in a browser.
# Counts the examples that do not exit 0, whose output breaks its schema or that write no report;
# exits 1 if any. Used by CI from a fresh clone: `make examples`.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
binary="${1:-$root/.build/release/gpusched}"
cd "$root" || exit 1
failures=0
count=0
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
reports="$root/.build/reports"
mkdir -p "$reports"
rm -f "$reports"/*.html "$reports"/*.png

# check_schema FILE.json: validates against schemas/<kind>.schema.json, kind read from the output.
check_schema() {
  local kind
  kind="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["kind"])' "$1" 2>/dev/null)" || return 1
  [ -f "schemas/$kind.schema.json" ] || { echo "run-examples: no schema for kind '$kind'" >&2; return 1; }
  scripts/check-jsonschema.sh --schemafile "schemas/$kind.schema.json" "$1" >"$scratch/schema.log" 2>&1 || { cat "$scratch/schema.log" >&2; return 1; }
}
while IFS= read -r file; do
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
    *) echo "run-examples: $file: no verb for kind '$kind'" >&2; failures=$((failures + 1)); continue ;;
  esac
  report=""
  if [ "${args[0]:-}" = plan ] || [ "${args[0]:-}" = simulate ]; then
    name="${file#examples/}"
    name="${name%.yaml}"
    report="$reports/${name//\//-}.html"
    args+=(--report "$report")
  fi
  count=$((count + 1))
  start=$(date +%s)
  if "$binary" validate "$file" --json >"$scratch/validate.json" && check_schema "$scratch/validate.json" \
    && { [ "${#args[@]}" -eq 0 ] || { "$binary" "${args[@]}" --json >"$scratch/out.json" && check_schema "$scratch/out.json"; }; } \
    && { [ -z "$report" ] || [ -s "$report" ] || { echo "run-examples: no report written to $report" >&2; false; }; }; then
    echo "ok   $file ($(( $(date +%s) - start )) s: gpusched ${args[*]:-validate})"
  else
    echo "FAIL $file (gpusched ${args[*]})" >&2
    failures=$((failures + 1))
  fi
done < <(find examples -name '*.yaml' | sort)

# The benchmarks whose --json outputs are too slow for the tests (JSONSchemaTests lists them):
# run once each on the release build and check against their schemas.
for suite in "bench cascade" "bench geo" "bench moe --time-limit 10" "bench gate-route" "bench roofline --data data" "bench deploy --repeats 1"; do
  count=$((count + 1))
  start=$(date +%s)
  # shellcheck disable=SC2086
  if "$binary" $suite --json >"$scratch/out.json" && check_schema "$scratch/out.json"; then
    echo "ok   gpusched $suite ($(( $(date +%s) - start )) s)"
  else
    echo "FAIL gpusched $suite" >&2
    failures=$((failures + 1))
  fi
done
echo "examples and benchmarks: $((count - failures)) passed, $failures failed"
[ "$failures" -eq 0 ]
