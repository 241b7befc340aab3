#!/usr/bin/env bash
# Installs check-jsonschema (PyPI) into .deps/jsonschema/, for the tests that validate every --json
# output against its schema in schemas/. Nothing is installed system-wide; pip's --target install
# works with any Python 3, also one that is "externally managed".
set -euo pipefail

version="0.33.0"
root="$(cd "$(dirname "$0")/.." && pwd)"
target="$root/.deps/jsonschema"
stamp="$target/.installed-$version"

if [ -f "$stamp" ]; then
  exit 0
fi

if ! python3 -m pip --version >/dev/null 2>&1; then
  echo "install-jsonschema: pip is missing; installing python3-pip with apt-get" >&2
  apt-get update -qq && apt-get install -y -qq python3-pip >/dev/null
fi

echo "install-jsonschema: installing check-jsonschema==$version from PyPI into $target" >&2
rm -rf "$target"
python3 -m pip install --quiet --disable-pip-version-check --no-cache-dir --target "$target" "check-jsonschema==$version"
touch "$stamp"
