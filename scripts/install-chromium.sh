#!/usr/bin/env bash
# Installs Debian's `chromium` (and a font, so reports' text renders) with apt-get when no `chromium`
# is on PATH, for `make report-check`, which renders every report headless to PNG. CI is a fresh
# Debian machine running as root; elsewhere sudo is used when it is available. Prints the browser's
# version and the seconds the install took.
set -euo pipefail

if command -v chromium >/dev/null 2>&1; then
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-chromium: no chromium on PATH and no apt-get to install it; install Chromium and retry" >&2
  exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo)
else
  echo "install-chromium: installing chromium needs root (or sudo); run as root or install it first" >&2
  exit 1
fi

echo "install-chromium: installing chromium and fonts-liberation with apt-get" >&2
start=$(date +%s)
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y -qq --no-install-recommends chromium fonts-liberation >/dev/null
echo "install-chromium: $(chromium --version) installed in $(( $(date +%s) - start )) s" >&2
