#!/usr/bin/env bash
# Connection exhaustion at reduced scale, in CI: each attack of bench/http_attack runs from
# 127.0.0.2 for a few seconds while a normal client on 127.0.0.1 scrapes once a second; every
# one of its scrapes must succeed within 10 s and the exporter's RSS stay under 64 MiB.
# (Full scale, with the numbers, in BENCHMARKS.md.) Usage: connection_attacks_test.sh EXPORTER
# HTTP_ATTACK [RSS_LIMIT_MIB] (0: RSS is printed, not checked: sanitizer builds, whose shadow
# memory and quarantine make RSS meaningless). Loopback only; the exporter is stopped by its pid.
set -euo pipefail
EXPORTER=$(readlink -f "$1")
ATTACK=$(readlink -f "$2")
rss_limit=${3:-64}
# shellcheck source=scripts/exporter_process.sh
source "$(dirname "$(readlink -f "$0")")/../../scripts/exporter_process.sh"
log=$(mktemp)
trap 'stop_exporter; rm -f "$log"' EXIT
start_exporter "$EXPORTER" "$log"

failed=0
for attack in "idle 200 50" "keepalive 60 60" "slowloris 300 100" "slowbody 300 100" \
  "slowread 300 100"; do
  # shellcheck disable=SC2086
  line=$("$ATTACK" "$port" "$exporter_pid" $attack 6)
  echo "$line"
  read -r ok total < <(sed -n 's/.*: \([0-9]*\) of \([0-9]*\) scrapes ok.*/\1 \2/p' <<<"$line")
  rss=$(sed -n 's/.*peak RSS \([0-9.]*\) MiB.*/\1/p' <<<"$line")
  if [[ -z "$ok" || "$ok" != "$total" ]]; then
    echo "FAIL: $attack: a normal scrape failed" >&2
    failed=1
  fi
  if ((rss_limit > 0)) && ! awk -v r="$rss" -v l="$rss_limit" 'BEGIN { exit !(r < l) }'; then
    echo "FAIL: $attack: RSS $rss MiB" >&2
    failed=1
  fi
done
kill -0 "$exporter_pid" || { echo "FAIL: the exporter died" >&2; exit 1; }
((failed == 0)) || exit 1
echo "1 passed, 0 failed"
