#!/usr/bin/env bash
# The price of the `--once` + node_exporter textfile route, beside scraping the exporter: with
# 4,000 segments, arrays and queues (bench/ipc_loadgen, removed at the end), `ipc_exporter
# --once` writes a .prom file; node_exporter (Debian's prometheus-node-exporter, only its
# textfile collector) and the exporter are each scraped SCRAPES times on 127.0.0.1, and the CPU
# per scrape (user + system of the serving process) and its peak RSS (VmHWM) are printed.
# Root. Usage: bench/textfile_route.sh [SCRAPES]   (SKIP_SETUP=1: use the existing build/bench)
set -euo pipefail
cd "$(dirname "$0")/.."
scrapes=${1:-10}
if [[ "${SKIP_SETUP:-}" != 1 ]]; then
  scripts/install-deps.sh --test >/dev/null
  apt-get install -y --no-install-recommends prometheus-node-exporter >/dev/null
  cmake --preset bench >/dev/null
  cmake --build --preset bench -j"$(nproc)" >/dev/null
fi
build=build/bench
state=$(mktemp)
log=$(mktemp)
textfiles=$(mktemp -d)
exporter_pid="" node_pid=""
cleanup() {
  [[ -n "$exporter_pid" ]] && kill "$exporter_pid" 2>/dev/null && wait "$exporter_pid" 2>/dev/null
  [[ -n "$node_pid" ]] && kill "$node_pid" 2>/dev/null && wait "$node_pid" 2>/dev/null
  [[ -s "$state" ]] && "$build/bench/ipc_loadgen" remove --state "$state" >/dev/null
  rm -rf "$state" "$log" "$textfiles"
}
trap cleanup EXIT
# shellcheck source=bench/exporter_control.sh
source bench/exporter_control.sh

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
peak_kib() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status"; }
measure() {  # NAME PID URL: CPU ms per scrape and peak RSS of PID while URL is scraped
  local before after hz
  hz=$(getconf CLK_TCK)
  before=$(cpu_ticks "$2")
  for _ in $(seq "$scrapes"); do curl -sf -o /dev/null -H 'Accept-Encoding: gzip' "$3"; done
  after=$(cpu_ticks "$2")
  printf '| %s | %s | %s MiB |\n' "$1" \
    "$(awk -v t=$((after - before)) -v hz="$hz" -v n="$scrapes" 'BEGIN { printf "%.0f ms", t * 1000 / hz / n }')" \
    "$(( $(peak_kib "$2") / 1024 ))"
}

"$build/bench/ipc_loadgen" create --state "$state" --segments 4000 --attached 400 --orphaned 100 \
  --holders 16 --arrays 4000 --semaphores 8 --waiters 100 --queues 4000 --messages 4 \
  --users 16 >/dev/null
"$build/exporter/ipc_exporter" --once >"$textfiles/ipc.prom"
node_port=$(( 20000 + RANDOM % 10000 ))
prometheus-node-exporter --web.listen-address="127.0.0.1:$node_port" --collector.disable-defaults \
  --collector.textfile --collector.textfile.directory="$textfiles" 2>/dev/null &
node_pid=$!
start_exporter
sleep 1
printf 'textfile %s KiB, %s scrapes each\n\n' "$(( $(stat -c %s "$textfiles/ipc.prom") / 1024 ))" "$scrapes"
printf '| route | CPU per scrape | peak RSS |\n| --- | --- | --- |\n'
measure "node_exporter textfile collector" "$node_pid" "http://127.0.0.1:$node_port/metrics"
measure "ipc_exporter scraped directly" "$exporter_pid" "http://127.0.0.1:$port/metrics"
