#!/usr/bin/env bash
# Installs HiGHS (the LP/MILP solver) into .deps/highs/ from PyPI's highspy wheel, which ships
# libhighs.so.1 with the HiGHS C API. Nothing is installed system-wide and no root is needed,
# except to install pip itself on a machine that lacks it.
#
# The wheel is downloaded (not pip-installed) and unzipped, so this works with any Python 3 and
# on systems whose Python is "externally managed". On x86_64 the wheel's sha256 is checked.
set -euo pipefail

version="1.15.1"
x86_64_sha256="a24329c328942b37a6a318ecf163d07dd387974f071b98b4498725eaea80f06f"
root="$(cd "$(dirname "$0")/.." && pwd)"
target="$root/.deps/highs"
library="$target/highspy/libhighs.so.1"

if [ -f "$library" ]; then
  exit 0
fi

if ! python3 -m pip --version >/dev/null 2>&1; then
  echo "install-highs: pip is missing; installing python3-pip with apt-get" >&2
  apt-get update -qq && apt-get install -y -qq python3-pip >/dev/null
fi

arch="$(uname -m)"
download="$(mktemp -d)"
trap 'rm -rf "$download"' EXIT
echo "install-highs: downloading highspy==$version ($arch) from PyPI" >&2
python3 -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
  --platform "manylinux_2_28_$arch" --python-version 3.11 -d "$download" "highspy==$version"
wheel="$(ls "$download"/highspy-*.whl)"
if [ "$arch" = "x86_64" ]; then
  echo "$x86_64_sha256  $wheel" | sha256sum --check --quiet
fi
rm -rf "$target"
mkdir -p "$target"
python3 -m zipfile -e "$wheel" "$target"
if [ ! -f "$library" ]; then
  echo "install-highs: the wheel did not contain highspy/libhighs.so.1" >&2
  exit 1
fi
echo "install-highs: HiGHS $version installed at $library" >&2
