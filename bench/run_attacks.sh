#!/usr/bin/env bash
# Connection-exhaustion attacks at full scale, as BENCHMARKS.md reports them: each attack of
# bench/http_attack from 127.0.0.2 for SECONDS (default 60) while a normal client on 127.0.0.1
# scrapes once a second, against a fresh exporter at the medium scale (1,000 segments, arrays
# and queues made by bench/ipc_loadgen, removed at the end). Prints a Markdown table. Root.
#
#   bench/run_attacks.sh [SECONDS]          (SKIP_SETUP=1: use the existing build/bench)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
# shellcheck source=bench/bench_common.sh
source bench/bench_common.sh
prepare_bench
trap finish_bench EXIT

"$build/bench/ipc_loadgen" create --state "$state" --segments 1000 --attached 200 --orphaned 50 \
  --holders 8 --arrays 1000 --semaphores 8 --waiters 50 --queues 1000 --messages 4 --users 8 \
  >/dev/null
printf '| attack | connections | new per s | normal scrapes ok | slowest scrape | peak RSS |\n'
printf '| --- | --- | --- | --- | --- | --- |\n'
for attack in "idle 200 7" "keepalive 60 60" "slowloris 500 100" "slowbody 500 100" \
  "slowread 500 100" "slowread 40 40"; do
  start_bench_exporter  # fresh for each, so that peak RSS is the attack's
  # shellcheck disable=SC2086
  line=$("$build/bench/http_attack" "$port" "$exporter_pid" $attack "$seconds")
  read -r name connections rate <<<"$attack"
  ok=$(sed -n 's/.*: \([0-9]* of [0-9]*\) scrapes ok (\([0-9]*%\)).*/\1 (\2)/p' <<<"$line")
  slowest=$(sed -n 's/.*slowest \([0-9.]*\) s.*/\1 s/p' <<<"$line")
  rss=$(sed -n 's/.*peak RSS \([0-9.]*\) MiB.*/\1 MiB/p' <<<"$line")
  printf '| %s | %s | %s | %s | %s | %s |\n' "$name" "$connections" "$rate" "$ok" "$slowest" "$rss"
  stop_exporter
done
