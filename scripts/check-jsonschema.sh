#!/usr/bin/env bash
# Runs check-jsonschema (installed into .deps/jsonschema by install-jsonschema.sh) with the given
# arguments, e.g.
#   scripts/check-jsonschema.sh --schemafile schemas/simulate.schema.json out.json
#   scripts/check-jsonschema.sh --check-metaschema schemas/*.schema.json
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
PYTHONPATH="$root/.deps/jsonschema" exec python3 -m check_jsonschema "$@"
