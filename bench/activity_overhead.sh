#!/usr/bin/env bash
# What --collector.activity costs, in one run: the IPC calls of traced programs with the BPF
# programs attached (an exporter with --collector.activity running) and not (no exporter), in
# alternating rounds, medians printed as a Markdown table; then the scrape at the medium scale
# with the collector off and on (every object touched once, so the tracing counts each), and the
# kernel memory of its maps. Needs root (CAP_BPF, CAP_PERFMON, tracefs).
#
#   bench/activity_overhead.sh [ROUNDS]      (default 5; SKIP_SETUP=1 uses the existing build)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}

# shellcheck source=bench/bench_common.sh
source bench/bench_common.sh
prepare_bench
trap finish_bench EXIT
[[ -d /sys/kernel/tracing/events ]] || mount -t tracefs tracefs /sys/kernel/tracing

metric() {  # metric NAME: its value in a fresh scrape
  curl -s "http://127.0.0.1:$port/metrics" | awk -v n="$1" '$1 == n { print $2 }'
}

start_traced_exporter() {
  EXPORTER_ARGS="--collector.activity" start_bench_exporter
  if [[ "$(metric 'ipc_exporter_activity_enabled{reason=""}')" != 1 ]]; then
    echo "FAIL: the activity tracing did not start:" >&2
    cat "$log" >&2
    exit 1
  fi
}

calls() {  # one measurement of each kind of call, as key=value lines
  "$build/bench/activity_bench" sem-pingpong 50000
  "$build/bench/activity_bench" msg-pingpong 50000
  "$build/bench/activity_bench" sem-uncontended 2000000
  "$build/bench/activity_bench" other-syscall 2000000
}

off=$(mktemp)
on=$(mktemp)
trap 'finish_bench; rm -f "$off" "$on"' EXIT
for round in $(seq 1 "$rounds"); do
  calls >>"$off"
  start_traced_exporter
  calls >>"$on"
  stop_exporter
  echo "round $round of $rounds done" >&2
done

median() {  # median KEY FILE
  awk -F= -v k="$1" '$1 == k { print $2 }' "$2" | sort -g | awk '{ v[NR] = $1 } END {
    if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

printf '| measure (median of %s rounds) | collector off | collector on | change |\n' "$rounds"
printf '| --- | --- | --- | --- |\n'
for key in sem_pingpong_calls_per_second msg_pingpong_calls_per_second; do
  a=$(median "$key" "$off")
  b=$(median "$key" "$on")
  printf '| %s | %.0f | %.0f | %+.1f %% |\n' "$key" "$a" "$b" "$(awk -v a="$a" -v b="$b" 'BEGIN { print (b - a) * 100 / a }')"
done
for key in sem_uncontended_ns_per_call other_syscall_ns_per_call; do
  a=$(median "$key" "$off")
  b=$(median "$key" "$on")
  printf '| %s | %.1f | %.1f | %+.1f ns |\n' "$key" "$a" "$b" "$(awk -v a="$a" -v b="$b" 'BEGIN { print b - a }')"
done

# The scrape at the medium scale, the collector off and then on with every object counted.
"$build/bench/ipc_loadgen" create --state "$state" --segments 1000 --attached 200 --orphaned 50 \
  --holders 8 --arrays 1000 --semaphores 8 --waiters 50 --queues 1000 --messages 4 --users 8 >/dev/null
scrape_ms() {
  "$build/bench/ipc_bench" --port "$port" --pid "$exporter_pid" --scrapes 15 |
    tr ' ' '\n' | awk -F= '$1 == "plain_ms" { print $2 }'
}
start_bench_exporter
plain_off=$(scrape_ms)
stop_exporter
start_traced_exporter
"$build/bench/activity_bench" touch "$state" >/dev/null
tracked=$(metric ipc_exporter_activity_objects_tracked)
plain_on=$(scrape_ms)
map_bytes=$(metric ipc_exporter_activity_map_bytes)
tracked=$(metric ipc_exporter_activity_objects_tracked)
printf '\n| medium scale | collector off | collector on (%s objects counted) | ratio | map bytes |\n' "$tracked"
printf '| --- | --- | --- | --- | --- |\n'
printf '| plain scrape ms | %s | %s | %.2fx | %s |\n' "$plain_off" "$plain_on" \
  "$(awk -v a="$plain_off" -v b="$plain_on" 'BEGIN { print b / a }')" "$map_bytes"
