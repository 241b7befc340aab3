#!/usr/bin/env bash
# Runs kubernetes-validate (installed into .deps/kubernetes-validate by install-kubernetes-validate.sh)
# with the given arguments, e.g.
#   scripts/kubernetes-validate.sh --strict fleet.yaml
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
PYTHONPATH="$root/.deps/kubernetes-validate" exec python3 -m kubernetes_validate "$@"
