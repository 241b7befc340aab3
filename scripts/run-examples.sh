#!/usr/bin/env bash
# Runs every example scenario with the verb its kind belongs to, on the given gpusched binary
# (default: the release build), and fails on the first example that does not exit 0.
# Used by CI from a fresh clone: `make examples`.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
binary="${1:-$root/.build/release/gpusched}"
cd "$root"
failures=0
count=0
while IFS= read -r file; do
  kind="$(sed -n 's/^kind:[[:space:]]*\([a-z-]*\).*/\1/p' "$file" | head -n 1)"
  case "$kind" in
    catalog) args=(catalog models --scenario "$file") ;;
    simulate) args=(simulate "$file") ;;
    gate-route) args=(plan gate-route "$file") ;;
    geo) args=(plan geo "$file") ;;
    cascade) args=(plan cascade "$file") ;;
    moe-placement) args=(plan moe "$file") ;;
    *) echo "run-examples: $file: no verb for kind '$kind'" >&2; failures=$((failures + 1)); continue ;;
  esac
  count=$((count + 1))
  start=$(date +%s)
  if "$binary" validate "$file" >/dev/null && "$binary" "${args[@]}" >/dev/null; then
    echo "ok   $file ($(( $(date +%s) - start )) s: gpusched ${args[*]})"
  else
    echo "FAIL $file (gpusched ${args[*]})" >&2
    failures=$((failures + 1))
  fi
done < <(find examples -name '*.yaml' | sort)
echo "examples: $((count - failures)) passed, $failures failed"
[ "$failures" -eq 0 ]
