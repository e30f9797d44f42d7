#!/usr/bin/env bash
# What --ipc.namespaces=all, --collector.posix_shm.processes and --collector.activity with all
# namespaces cost. Starts NAMESPACES children that each unshare an IPC namespace (and a mount
# namespace with its own /dev/shm) holding OBJECTS segments, arrays of 8 semaphores and queues,
# then measures the exporter (median of 15 scrapes, and its CPU per scrape) with each set of
# flags; with the tracing on, every object of every namespace is first used once, so that the
# tracing counts each. Needs root; every child is stopped by its pid at the end, and their objects go with
# their namespaces.
#
#   bench/namespaces_benchmark.sh [NAMESPACES] [OBJECTS]     (default 20 50)
set -euo pipefail
cd "$(dirname "$0")/.."
namespaces=${1:-20}
objects=${2:-50}
# shellcheck source=bench/bench_common.sh
source bench/bench_common.sh
prepare_bench
# The activity tracing attaches to tracepoints (systemd mounts tracefs; a bare machine may not).
[[ -d /sys/kernel/tracing/events ]] || mount -t tracefs tracefs /sys/kernel/tracing
ready=$(mktemp -d)
children=()
cleanup() {
  finish_bench
  for child in "${children[@]}"; do kill "$child" 2>/dev/null || true; done
  for child in "${children[@]}"; do wait "$child" 2>/dev/null || true; done
  children=()
  rm -rf "$ready"
}
trap cleanup EXIT

for i in $(seq "$namespaces"); do
  # Each its own /dev/shm too, as a container has (a private mount namespace, gone with it).
  unshare --ipc --mount sh -c "mount -t tmpfs -o size=1m tmpfs /dev/shm
                       for j in \$(seq $objects); do ipcmk -M 4096 -S 8 -Q >/dev/null; done
                       touch $ready/$i; exec sleep 3600" &
  children+=($!)
done
for _ in $(seq 600); do
  [[ $(find "$ready" -type f | wc -l) -ge $namespaces ]] && break
  sleep 0.1
done
[[ $(find "$ready" -type f | wc -l) -ge $namespaces ]] || { echo "namespaces not ready" >&2; exit 1; }
processes=$(find /proc -maxdepth 1 -name '[0-9]*' | wc -l)

echo "$namespaces namespaces of $objects segments, $objects arrays of 8 and $objects queues each;" \
  "$processes processes"
printf '| flags | plain ms | CPU ms/scrape | body KiB |\n| --- | --- | --- | --- |\n'
# One call on each object of each namespace, made from inside it (/proc/sysvipc lists the reader's
# namespace): what the activity tracing then holds for every object.
touch_every_namespace() {
  for child in "${children[@]}"; do
    nsenter -t "$child" --ipc sh -c "awk 'NR > 1 { print \"shm\", \$2 }' /proc/sysvipc/shm
                                     awk 'NR > 1 { print \"sem\", \$2 }' /proc/sysvipc/sem
                                     awk 'NR > 1 { print \"msg\", \$2 }' /proc/sysvipc/msg" \
      > "$ready/touch"
    nsenter -t "$child" --ipc "$build/bench/activity_bench" touch "$ready/touch" >/dev/null
  done
}

for flags in "" "--ipc.namespaces=all" "--collector.posix_shm.processes" \
  "--ipc.namespaces=all --collector.posix_shm.processes" \
  "--ipc.namespaces=all --collector.activity"; do
  EXPORTER_ARGS="$flags" start_bench_exporter
  if [[ "$flags" == *activity* ]]; then
    enabled=$(curl -fsS "http://127.0.0.1:$port/metrics" |
      awk '$1 ~ /^ipc_exporter_activity_enabled{.*reason=""}$/ { print $2 }')
    if [[ "$enabled" != 1 ]]; then
      echo "the activity tracing did not start:" >&2
      cat "$log" >&2
      exit 1
    fi
    touch_every_namespace
  fi
  declare -A r=()
  while read -r line; do
    for pair in $line; do r[${pair%%=*}]=${pair#*=}; done
  done < <("$build/bench/ipc_bench" --port "$port" --pid "$exporter_pid" --scrapes 15)
  printf '| %s | %s | %s | %s |\n' "${flags:-(default)}" "${r[plain_ms]}" \
    "${r[cpu_per_scrape_ms]}" "$((r[body_bytes] / 1024))"
  stop_exporter
done
