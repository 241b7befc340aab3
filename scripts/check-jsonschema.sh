#!/usr/bin/env bash
# Validates JSON files against a schema with check-jsonschema (installed by install-jsonschema.sh).
# Usage: scripts/check-jsonschema.sh schemas/simulate.schema.json out.json [more.json …]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
schema="$1"
shift
PYTHONPATH="$root/.deps/jsonschema" exec python3 -m check_jsonschema --schemafile "$schema" "$@"
