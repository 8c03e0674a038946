#!/usr/bin/env bash
# Regenerates Docs/benchmarks.md: builds the benchmark programs in release, runs each of them (the fleet run
# included), and writes the page and its plots from their figures. Takes 20 to 40 minutes on 2 cores.
#
#   bash Benchmarks/run-all.sh
#
# FLEET_USERS (1000) and FLEET_INSTANCES (3) set the fleet's size, CHAOS_USERS (100) and CHAOS_SEED (1) the
# chaos run's; SKIP_OTHERS=1 runs only the fleet, the chaos run and the client comparison. Figures land in .build/benchmark-results; the page in Docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."

results=.build/benchmark-results
mkdir -p "$results"
users=${FLEET_USERS:-1000}
instances=${FLEET_INSTANCES:-3}

step() { printf '\n==> %s\n' "$*"; }
# A run whose checks fail still has its figures written and shown on the page; the script exits 1 at the end.
failed=()

step "Release builds"
for product in selfie-fleet selfie-sim replicate-benchmarks SimulatorBenchmark StoreBenchmark UploadBenchmark; do
    swift build -c release --product "$product"
done
if grep -q '"client-comparison"' Package.swift; then swift build -c release --product client-comparison; fi

fleet_command="swift run -c release selfie-fleet --users $users --instances $instances"
chaos_users=${CHAOS_USERS:-100}
chaos_seed=${CHAOS_SEED:-1}
chaos_command="swift run -c release selfie-fleet --chaos --users $chaos_users --instances 3 --kills 20 --seed $chaos_seed"
python3 - "$results/machine.json" "$fleet_command" "$chaos_command" <<'PY'
import json, os, subprocess, sys
def sh(command):
    return subprocess.run(command, shell=True, capture_output=True, text=True).stdout.strip()
memory = int(sh("awk '/MemTotal/ {print $2}' /proc/meminfo") or 0) // (1024 * 1024)
cpu = sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").strip()
swift = sh("swift --version 2>&1 | head -1")
json.dump({
    "machine": f"{os.cpu_count()} cores ({cpu}), {memory} GiB, {swift}",
    "date": sh("date -u +%Y-%m-%d"),
    "commit": sh("git rev-parse --short HEAD") + (" (with uncommitted changes)" if sh("git status --porcelain --untracked-files=no") else ""),
    "fleet_command": sys.argv[2],
    "chaos_command": sys.argv[3],
}, open(sys.argv[1], "w"), indent=2)
PY

step "The fleet: $users users on $instances host processes"
.build/release/selfie-fleet --users "$users" --instances "$instances" --summary "$results/fleet.json" \
    | tee "$results/fleet.txt" || failed+=(fleet)

step "Chaos: $chaos_users users on 3 hosts, 20 kills, one PostgreSQL restart, every Replicate fault"
.build/release/selfie-fleet --chaos --users "$chaos_users" --instances 3 --kills 20 --seed "$chaos_seed" \
    --summary "$results/chaos.json" | tee "$results/chaos.txt" || failed+=(chaos)

if [ -x .build/release/client-comparison ]; then
    step "The library against Replicate's official Python client"
    # Python's default poll interval (0.5 s) bounds every client at 64 / 0.5 = 128 operations a second; the
    # second run polls every 0.05 s, the same for every client.
    .build/release/client-comparison --summary "$results/client-comparison.json" \
        | tee "$results/client-comparison.txt" || failed+=(client-comparison)
    .build/release/client-comparison --poll-interval 0.05 --operations 200,2000,4000 \
        --summary "$results/client-comparison-fast.json" | tee "$results/client-comparison-fast.txt" \
        || failed+=(client-comparison-fast)
fi

if [ "${SKIP_OTHERS:-0}" != 1 ]; then
    step "The other benchmarks"
    .build/release/replicate-benchmarks | tee "$results/replicate-benchmarks.txt"
    .build/release/SimulatorBenchmark | tee "$results/simulator-benchmark.txt"
    .build/release/StoreBenchmark 32 200 | tee "$results/store-benchmark.txt"
    .build/release/UploadBenchmark | tee "$results/upload-benchmark.txt"
fi

step "The page"
venv=.build/bench-venv
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -c "import matplotlib" 2>/dev/null || "$venv/bin/pip" install -q "matplotlib==3.11.2"
"$venv/bin/python" Benchmarks/Results/make_page.py "$results" Docs
echo "wrote Docs/benchmarks.md"
if [ ${#failed[@]} -gt 0 ]; then
    echo "checks failed in: ${failed[*]} (their figures are on the page)"
    exit 1
fi
