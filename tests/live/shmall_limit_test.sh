#!/usr/bin/env bash
# kernel.shmall is enforced on whole pages per segment, not on the sum of sizes. In a private
# IPC namespace with shmall = 100 pages, 100-byte segments are created until the kernel refuses
# one; the exporter's allocated figure must match `ipcs -u` and the shipped size alert must fire
# before the refusal (the byte sum would show 2%).
# Usage: shmall_limit_test.sh EXPORTER RULES
set -euo pipefail
EXPORTER=$1
RULES=$2
work=$(mktemp -d /tmp/ipc_shmall.XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# Everything below runs inside the namespace; its segments go with it.
unshare --ipc bash -euo pipefail -c '
  echo 100 >/proc/sys/kernel/shmall
  for i in $(seq 1 95); do ipcmk -M 100 >/dev/null; done
  "$1" --once --collector.disable-defaults --collector.shm >"$2/at95.prom"
  ipcs -u -m >"$2/ipcs.txt"
  created=95
  while ipcmk -M 100 >/dev/null 2>&1; do created=$((created + 1)); ((created < 200)) || break; done
  echo "$created" >"$2/created"
' _ "$EXPORTER" "$work"

page_size=$(getconf PAGESIZE)
created=$(cat "$work/created")
[[ "$created" == 100 ]] || fail "the kernel took $created segments of 100 bytes under shmall = 100 pages"
pages=$(awk '/pages allocated/ {print $NF}' "$work/ipcs.txt")
[[ "$pages" == 95 ]] || fail "ipcs -u says $pages pages allocated"
grep -qx "ipc_shm_allocated_bytes $((95 * page_size))" "$work/at95.prom" ||
  fail "ipc_shm_allocated_bytes is not 95 pages: $(grep '^ipc_shm_allocated_bytes' "$work/at95.prom")"
grep -qx "ipc_shm_size_bytes 9500" "$work/at95.prom" || fail "the byte sum is not 9500"
grep -qx "ipc_shm_size_limit_bytes $((100 * page_size))" "$work/at95.prom" || fail "limit"

# The shipped rules over that scrape, held for an hour: the size alert fires (with the
# creator-less ipcmk segments, so do the leak alerts).
cp "$RULES" "$work/rules.yml"
{
  echo "rule_files: [rules.yml]"
  echo "evaluation_interval: 1m"
  echo "tests:"
  echo "  - interval: 1m"
  echo "    input_series:"
  grep -E '^ipc_shm_(allocated_bytes|size_limit_bytes) ' "$work/at95.prom" | while read -r name value; do
    echo "      - series: '$name{instance=\"test:1\",job=\"ipc_exporter\"}'"
    echo "        values: '${value}x60'"
  done
  echo "    promql_expr_test:"
  echo "      - expr: count by (alertname) (ALERTS{alertstate=\"firing\"})"
  echo "        eval_time: 60m"
  echo "        exp_samples:"
  echo "          - labels: '{alertname=\"IPCSharedMemorySizeNearLimit\"}'"
  echo "            value: 1"
} >"$work/test.yml"
(cd "$work" && promtool test rules test.yml) || fail "IPCSharedMemorySizeNearLimit did not fire at 95 of 100 pages"
echo "95 of 100 pages: allocated $((95 * page_size)) bytes as ipcs -u says, size alert fires; the kernel refused segment 101"
echo "1 passed, 0 failed"
