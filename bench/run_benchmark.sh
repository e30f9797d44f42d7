#!/usr/bin/env bash
# Benchmarks the exporter at each scale against the floor reader and `ipcs -a`, in one run, and
# prints a Markdown table (the one in BENCHMARKS.md). Needs root: it fills the IPC tables with
# bench/ipc_loadgen and removes exactly what it made, even when interrupted.
#
#   bench/run_benchmark.sh [small] [medium] [large]     (default: all three)
#   EXPORTER_ARGS="--collector.shm.attachers" bench/run_benchmark.sh medium   (extra exporter flags)
set -euo pipefail
cd "$(dirname "$0")/.."
scales=("$@")
[[ ${#scales[@]} -gt 0 ]] || scales=(small medium large)

# shellcheck source=bench/bench_common.sh
source bench/bench_common.sh
prepare_bench wrk
trap finish_bench EXIT

# Speed, not defence, is measured here, with many connections from 127.0.0.1 (wrk): no
# per-client limits.
export EXPORTER_ARGS="--web.max-connections-per-client=0 ${EXPORTER_ARGS:-}"

metric() {  # metric NAME: its value in a fresh scrape
  curl -s "http://127.0.0.1:$port/metrics" | awk -v n="$1" '$1 == n { print $2 }'
}

printf '| scale | objects (seg/arrays/sems/queues) | plain ms | gzip ms | floor ms | ipcs -a ms | plain/floor | plain/ipcs | CPU ms/scrape | body | gzip body | idle RSS | peak RSS |\n'
printf '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n'
for scale in "${scales[@]}"; do
  case "$scale" in
    small) load=(--segments 100 --attached 20 --orphaned 10 --holders 4 --arrays 100 --semaphores 8 --waiters 10 --queues 100 --messages 4 --users 4) ;;
    medium) load=(--segments 1000 --attached 200 --orphaned 50 --holders 8 --arrays 1000 --semaphores 8 --waiters 50 --queues 1000 --messages 4 --users 8) ;;
    large) load=(--segments 4000 --attached 500 --orphaned 100 --holders 16 --arrays 10000 --semaphores 8 --waiters 100 --queues 10000 --messages 4 --users 16) ;;
    *) echo "unknown scale $scale" >&2; exit 2 ;;
  esac
  "$build/bench/ipc_loadgen" create --state "$state" "${load[@]}" >/dev/null
  start_bench_exporter
  idle_rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$exporter_pid/status")
  declare -A r=()
  while read -r line; do
    for pair in $line; do r[${pair%%=*}]=${pair#*=}; done
  done < <("$build/bench/ipc_bench" --port "$port" --pid "$exporter_pid" --scrapes 15)
  printf '| %s | %s/%s/%s/%s | %s | %s | %s | %s | %s | %s | %s | %s KiB | %s KiB | %s KiB | %s KiB |\n' \
    "$scale" "${r[segments]}" "${r[arrays]}" "${r[semaphores]}" "${r[queues]}" \
    "${r[plain_ms]}" "${r[gzip_ms]}" "${r[floor_ms]}" "${r[ipcs_ms]}" "${r[plain_vs_floor]}" \
    "${r[plain_vs_ipcs]}" "${r[cpu_per_scrape_ms]}" "$((r[body_bytes] / 1024))" \
    "$((r[gzip_bytes] / 1024))" "$idle_rss" "${r[peak_rss_kib]}"
  if [[ "$scale" == medium && "${SKIP_WRK:-}" != 1 ]]; then
    before=$(metric ipc_exporter_collections_total)
    wrk_out=$(wrk -t2 -c16 -d10s -H 'Accept-Encoding: gzip' "http://127.0.0.1:$port/metrics")
    after=$(metric ipc_exporter_collections_total)
    requests=$(awk '/requests in/ { print $1 }' <<<"$wrk_out")
    non2xx=$(awk '/Non-2xx/ { print $NF }' <<<"$wrk_out")
    echo "wrk_medium requests=$requests non_2xx=${non2xx:-0} kernel_walks=$((after - before - 1))" >&2
  fi
  cleanup_bench
done
