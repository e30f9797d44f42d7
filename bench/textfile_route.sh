#!/usr/bin/env bash
# The price of the `--once` + node_exporter textfile route, beside scraping the exporter: with
# 4,000 segments, arrays (of 8 semaphores) and queues (bench/ipc_loadgen) in a private IPC, mount
# and pid namespace (nothing of the host is touched), `ipc_exporter --once` writes a .prom file;
# node_exporter (Debian's prometheus-node-exporter, only its textfile collector) and the
# exporter are each scraped SCRAPES times on 127.0.0.1 (gzip, as Prometheus asks), and the CPU
# per scrape (user + system of the serving process) and its peak RSS (VmHWM) are printed.
# Root. Usage: bench/textfile_route.sh [SCRAPES]   (SKIP_SETUP=1: use the existing build/bench)
set -euo pipefail
cd "$(dirname "$0")/.."
scrapes=${1:-10}
if [[ "${INSIDE_NAMESPACE:-}" != 1 ]]; then
  # shellcheck source=bench/bench_common.sh
  source bench/bench_common.sh
  prepare_bench prometheus-node-exporter
  rm -f "$state" "$log"
  exec unshare --ipc --mount --pid --fork --mount-proc env INSIDE_NAMESPACE=1 "$0" "$@"
fi
# shellcheck source=bench/bench_common.sh
source bench/bench_common.sh
textfiles=$(mktemp -d)
node_pid=""
cleanup() {
  finish_bench
  if [[ -n "$node_pid" ]]; then kill "$node_pid" 2>/dev/null && wait "$node_pid" 2>/dev/null; fi
  rm -rf "$textfiles"
}
trap cleanup EXIT

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
peak_kib() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status"; }
measure() {  # NAME PID URL: CPU ms per scrape and peak RSS of PID while URL is scraped
  local before after hz
  hz=$(getconf CLK_TCK)
  before=$(cpu_ticks "$2")
  for _ in $(seq "$scrapes"); do curl -sf -o /dev/null -H 'Accept-Encoding: gzip' "$3"; done
  after=$(cpu_ticks "$2")
  printf '| %s | %s | %s MiB |\n' "$1" \
    "$(awk -v t=$((after - before)) -v hz="$hz" -v n="$scrapes" \
      'BEGIN { printf "%.0f ms", t * 1000 / hz / n }')" \
    "$(($(peak_kib "$2") / 1024))"
}

"$build/bench/ipc_loadgen" create --state "$state" --segments 4000 --attached 400 --orphaned 100 \
  --holders 16 --arrays 4000 --semaphores 8 --waiters 100 --queues 4000 --messages 4 \
  --users 16 >/dev/null
"$build/exporter/ipc_exporter" --once >"$textfiles/ipc.prom"
node_port=$((20000 + RANDOM % 10000))
prometheus-node-exporter --web.listen-address="127.0.0.1:$node_port" --collector.disable-defaults \
  --collector.textfile --collector.textfile.directory="$textfiles" 2>/dev/null &
node_pid=$!
start_bench_exporter
for _ in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:$node_port/metrics" && break; sleep 0.1; done
printf 'textfile %s KiB, %s scrapes each\n\n' "$(($(stat -c %s "$textfiles/ipc.prom") / 1024))" \
  "$scrapes"
printf '| route | CPU per scrape | peak RSS |\n| --- | --- | --- |\n'
measure "node_exporter textfile collector" "$node_pid" "http://127.0.0.1:$node_port/metrics"
measure "ipc_exporter scraped directly" "$exporter_pid" "http://127.0.0.1:$port/metrics"
