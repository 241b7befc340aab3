#!/usr/bin/env bash
# Installs vllm-router (PyPI, the vLLM project's Rust router) into .deps/vllm-router/, to measure
# GPUSched's router beside it in one run (scripts/vllm-router/bench.sh). A peer for benchmarks,
# not a dependency of GPUSched: nothing is installed system-wide.
set -euo pipefail

version="0.1.17"
root="$(cd "$(dirname "$0")/../.." && pwd)"
target="$root/.deps/vllm-router"
stamp="$target/.installed-$version"

if [ -f "$stamp" ]; then
  exit 0
fi
echo "vllm-router: installing vllm-router==$version from PyPI into $target" >&2
rm -rf "$target"
python3 -m pip install --quiet --disable-pip-version-check --no-cache-dir --target "$target" "vllm-router==$version"
touch "$stamp"
