#!/usr/bin/env bash
# Installs kubernetes-validate (PyPI) into .deps/kubernetes-validate/, for the tests that validate
# every manifest of `gpusched export deploy --format k8s` against the Kubernetes schemas. The
# package bundles the OpenAPI-derived JSON schemas of each Kubernetes release it supports, so it
# validates offline. Nothing is installed system-wide; pip's --target install works with any
# Python 3, also one that is "externally managed". A test-time tool, not a runtime dependency.
set -euo pipefail

version="1.37.0"
root="$(cd "$(dirname "$0")/.." && pwd)"
target="$root/.deps/kubernetes-validate"
stamp="$target/.installed-$version"

if [ -f "$stamp" ]; then
  exit 0
fi

if ! python3 -m pip --version >/dev/null 2>&1; then
  echo "install-kubernetes-validate: pip is missing; installing python3-pip with apt-get" >&2
  apt-get update -qq && apt-get install -y -qq python3-pip >/dev/null
fi

echo "install-kubernetes-validate: installing kubernetes-validate==$version from PyPI into $target" >&2
rm -rf "$target"
python3 -m pip install --quiet --disable-pip-version-check --no-cache-dir --target "$target" "kubernetes-validate==$version"
touch "$stamp"
