#!/usr/bin/env bash
# Holds STREAMS concurrent streaming requests through `gpusched serve` and reports the router's
# resident memory: two mock engines of Llama-3.1-8B on H100 (the simulator's replica, live), a
# router whose pool admits at most 1,024 requests per engine and queues the rest (so the router holds
# every client's connection but opens at most 2,048 upstream), and `gpusched load` sending STREAMS
# requests within about four seconds, each streaming 256 tokens. The router's RSS is sampled every
# 0.5 s; the load generator's report says how many were in flight at once and how many completed.
#
#   swift build -c release --product gpusched
#   scripts/router-streams.sh            # 10,000 streams
#   STREAMS=1000 scripts/router-streams.sh
#
# Each client connection is a file descriptor in the router and in the load generator; the machine's
# hard limit on open files (ulimit -Hn) must exceed STREAMS + 2,100.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${GPUSCHED:-$root/.build/release/gpusched}"
streams="${STREAMS:-10000}"
ulimit -n "$(ulimit -Hn)"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_for() {
  for _ in $(seq 1 300); do curl -fs -o /dev/null "$1" && return 0; sleep 0.1; done
  echo "router-streams.sh: $1 did not answer" >&2; return 1
}
pids=()
work="$(mktemp -d)"
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

backends=()
for _ in 1 2; do
  port="$(free_port)"
  "$bin" mock-engine --model llama-3.1-8b --gpu H100-80GB --tp 1 --port "$port" >/dev/null 2>&1 &
  pids+=("$!")
  wait_for "http://127.0.0.1:$port/health"
  backends+=("http://127.0.0.1:$port")
done
router_port="$(free_port)"
cat > "$work/serve.yaml" <<YAML
kind: serve
listen: 127.0.0.1:$router_port
limits: {maxConcurrentRequests: $((streams + 1000))}
pools:
  - model: llama-3.1-8b
    policy: least-outstanding
    admission: {maxQueued: $streams, queueTimeout: 300, maxInFlightPerBackend: 1024}
    backends: [${backends[0]}, ${backends[1]}]
YAML
"$bin" serve "$work/serve.yaml" --log-level error >/dev/null 2>&1 &
router=$!
pids+=("$router")
wait_for "http://127.0.0.1:$router_port/ready"
idle_kb="$(awk '/VmRSS/ {print $2}' "/proc/$router/status")"

rate=$((streams / 4))
cat > "$work/load.yaml" <<YAML
kind: simulate
model: llama-3.1-8b
replicas: [{gpu: H100-80GB, tp: 1, count: 2}]
engine: {batchSize: 1024, chunkSize: 8192}
workload:
  classes:
    - {name: burst, arrivalRate: $rate, promptTokens: 16, outputTokens: 256}
policy: least-outstanding
horizon: 4
warmup: 0
seed: 1
YAML
peak_kb=0
(
  while kill -0 "$router" 2>/dev/null; do
    awk '/VmRSS/ {print $2}' "/proc/$router/status" 2>/dev/null || true
    sleep 0.5
  done
) > "$work/rss.log" &
sampler=$!
"$bin" load "$work/load.yaml" --target "http://127.0.0.1:$router_port" --max-in-flight $((streams + 1000)) \
  --timeout 600 --connect-timeout 30 --json > "$work/load.json"
kill "$sampler" 2>/dev/null || true
peak_kb="$(sort -n "$work/rss.log" | tail -1)"
after_kb="$(awk '/VmRSS/ {print $2}' "/proc/$router/status")"
python3 - "$work/load.json" "$idle_kb" "$peak_kb" "$after_kb" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
idle, peak, after = (int(x) / 1024 for x in sys.argv[2:5])
print(f"streams sent {report['sent']}, completed {report['completed']}, failed {report['failed']}, dropped {report['dropped']}, "
      f"peak in flight {report['peakInFlight']}, errors {report['errors']}")
print(f"router RSS: idle {idle:.0f} MiB, peak {peak:.0f} MiB (sampled every 0.5 s), after {after:.0f} MiB")
PY
