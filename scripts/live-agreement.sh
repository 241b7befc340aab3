#!/usr/bin/env bash
# Live serving against the simulator on loopback: ENGINES mock engines running a kind: simulate
# scenario's replica group behind `gpusched serve` (the scenario's routing policy), loaded by
# `gpusched load` with the scenario's own requests, compared with `gpusched simulate` of the same
# file, seed, horizon and warm-up. Prints a Markdown table of TTFT and TPOT p50/p90/p99, live and
# simulated, and their relative difference; keeps both JSON outputs in OUT (default a temporary folder).
#
#   swift build -c release --product gpusched
#   scripts/live-agreement.sh examples/live-agreement.yaml 120 10
#   ENGINES=1 DIRECT=1 scripts/live-agreement.sh my-one-replica.yaml 60 5    # load straight at one mock
#
# Environment: GPUSCHED (default .build/release/gpusched), ENGINES (default 2, all of group GROUP,
# default 0), POLICY (default the scenario's; a policy both simulate and serve know: round-robin,
# least-outstanding, power-of-two), DIRECT=1 (no router; needs ENGINES=1), OUT (folder for the JSON outputs).
set -euo pipefail

scenario=${1:-examples/live-agreement.yaml}
horizon=${2:-120}
warmup=${3:-10}
bin=${GPUSCHED:-.build/release/gpusched}
engines=${ENGINES:-2}
group=${GROUP:-0}
direct=${DIRECT:-0}
policy_flag=()
if [[ -n "${POLICY:-}" ]]; then policy_flag=(--policy "$POLICY"); fi
out=${OUT:-$(mktemp -d)}
mkdir -p "$out"

if [[ "$direct" == 1 && "$engines" != 1 ]]; then
    echo "error: DIRECT=1 needs ENGINES=1" >&2
    exit 2
fi

free_ports() {
    python3 - "$1" <<'PY'
import socket, sys
sockets = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in sockets: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in sockets))
for s in sockets: s.close()
PY
}

wait_ready() {
    for _ in $(seq 1 300); do
        if curl -fsS -o /dev/null "$1"; then return 0; fi
        sleep 0.1
    done
    echo "error: $1 did not answer" >&2
    return 1
}

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

"$bin" simulate "$scenario" --horizon "$horizon" --warmup "$warmup" --seeds 1 "${policy_flag[@]}" --json > "$out/simulate.json"
policy=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["policy"])' "$out/simulate.json")
model=$(python3 -c 'import re,sys; print(re.search(r"^model:\s*(\S+)", open(sys.argv[1]).read(), re.M).group(1))' "$scenario")

read -r -a ports <<< "$(free_ports $((engines + 1)))"
backends=()
for ((i = 0; i < engines; i++)); do
    "$bin" mock-engine --scenario "$scenario" --group "$group" --port "${ports[$i]}" > "$out/engine-$i.log" 2>&1 &
    pids+=($!)
    backends+=("http://127.0.0.1:${ports[$i]}")
done
for backend in "${backends[@]}"; do wait_ready "$backend/health"; done

if [[ "$direct" == 1 ]]; then
    target=${backends[0]}
else
    router_port=${ports[$engines]}
    {
        echo "kind: serve"
        echo "listen: 127.0.0.1:$router_port"
        echo "pools:"
        echo "  - model: $model"
        echo "    policy: $policy"
        echo "    backends: [$(IFS=,; echo "${backends[*]}")]"
    } > "$out/serve.yaml"
    "$bin" serve "$out/serve.yaml" > "$out/router.log" 2>&1 &
    pids+=($!)
    target=http://127.0.0.1:$router_port
    wait_ready "$target/health"
fi

"$bin" load "$scenario" --target "$target" --duration "$horizon" --warmup "$warmup" --json > "$out/load.json"

python3 - "$out/load.json" "$out/simulate.json" <<'PY'
import json, sys
live, sim = (json.load(open(path))["overall"] for path in sys.argv[1:3])
load = json.load(open(sys.argv[1]))
print(f"{load['completed']} completed, {load['failed']} failed, {load['dropped']} dropped; "
      f"live window {live['arrived']} requests, simulated {sim['arrived']}")
print("| metric | live ms | simulated ms | difference |")
print("|---|---:|---:|---:|")
for metric in ("ttft", "tpot"):
    for q in ("p50", "p90", "p99"):
        a, b = live[f"{metric}Seconds"][q], sim[f"{metric}Seconds"][q]
        print(f"| {metric.upper()} {q} | {a * 1000:.2f} | {b * 1000:.2f} | {(a - b) / b * 100:+.1f} % |")
PY
echo "outputs in $out" >&2
