#!/usr/bin/env bash
# Measures `gpusched serve` beside vllm-router 0.1.17 (the vLLM project's Rust router) in one run, on
# the same two instant mock engines: `gpusched bench router` sends the same closed-loop requests
# straight to the engines, through GPUSched's router and through vllm-router, target after target in
# each repeat, and reports the latency each router adds and its throughput.
#
#   scripts/vllm-router/bench.sh                       # defaults of `gpusched bench router`
#   scripts/vllm-router/bench.sh --requests 20000 --concurrency 1,64 --repeats 5 --json
#
# When wrk is installed (Debian's package), the script then measures throughput with it as well: wrk
# is a C client, so it takes less of a 2-core machine than `bench router`'s Swift client and the
# routers get more of it; `-t1 -c64`, non-streaming, each target three times in turn.
#
# vllm-router is installed from PyPI into .deps/vllm-router (scripts/vllm-router/install.sh); it is a
# peer for this benchmark only, not a dependency. Every process started here is stopped by its pid.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
"$root/scripts/vllm-router/install.sh"
bin="${GPUSCHED:-$root/.build/release/gpusched}"
if [ ! -x "$bin" ]; then (cd "$root" && make release >&2); fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_for() {
  for _ in $(seq 1 300); do
    if curl -fs -o /dev/null "$1"; then return 0; fi
    sleep 0.1
  done
  echo "bench.sh: $1 did not answer" >&2
  return 1
}

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

model="llama-3.1-8b"
backends=()
for _ in 1 2; do
  port="$(free_port)"
  "$bin" mock-engine --model "$model" --gpu H100-80GB --tp 1 --timing instant --port "$port" >/dev/null 2>&1 &
  pids+=("$!")
  wait_for "http://127.0.0.1:$port/health"
  backends+=("http://127.0.0.1:$port")
done

peer_port="$(free_port)"
metrics_port="$(free_port)"
PYTHONPATH="$root/.deps/vllm-router" python3 -m vllm_router.launch_router \
  --worker-urls "${backends[@]}" --host 127.0.0.1 --port "$peer_port" --policy round_robin \
  --prometheus-host 127.0.0.1 --prometheus-port "$metrics_port" --log-level error >/dev/null 2>&1 &
pids+=("$!")
wait_for "http://127.0.0.1:$peer_port/health"

backend_list="$(IFS=,; echo "${backends[*]}")"
"$bin" bench router --backends "$backend_list" --peer "http://127.0.0.1:$peer_port" --peer-name vllm-router-0.1.17 "$@"

if command -v wrk >/dev/null 2>&1; then
  router_port="$(free_port)"
  config="$(mktemp --suffix .yaml)"
  printf 'kind: serve\nlisten: 127.0.0.1:%s\npools:\n  - model: %s\n    policy: round-robin\n    backends: [%s]\n' \
    "$router_port" "$model" "$(IFS=,; echo "${backends[*]}")" > "$config"
  "$bin" serve "$config" --log-level error >/dev/null 2>&1 &
  pids+=("$!")
  wait_for "http://127.0.0.1:$router_port/ready"
  script="$(mktemp --suffix .lua)"
  printf 'wrk.method = "POST"\nwrk.body = %s\nwrk.headers["Content-Type"] = "application/json"\n' \
    "'{\"model\":\"$model\",\"prompt\":\"hello\",\"max_tokens\":1}'" > "$script"
  echo "throughput, wrk -t1 -c64 -d10s, requests/s (non-2xx answers would be listed):"
  for round in 1 2 3; do
    for target in "direct ${backends[0]}" "gpusched http://127.0.0.1:$router_port" "vllm-router-0.1.17 http://127.0.0.1:$peer_port"; do
      set -- $target
      printf '  round %s  %-20s %s\n' "$round" "$1" \
        "$(wrk -t1 -c64 -d10s -s "$script" "$2/v1/completions" | awk '/Requests\/sec/ {print $2} /Non-2xx/ {print "non-2xx: " $0}' | tr '\n' ' ')"
    done
  done
  rm -f "$config" "$script"
fi
