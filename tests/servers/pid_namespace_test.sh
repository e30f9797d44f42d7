#!/usr/bin/env bash
# An exporter in another pid namespace than the processes using IPC (docker --ipc=host without
# --pid=host): the kernel gives it every pid as 0. It must say so (a metric and one log line)
# and diagnose nothing, rather than stay silent. Everything here lives in a private IPC
# namespace, so nothing of the host's is touched.
# Usage: pid_namespace_test.sh EXPORTER
set -euo pipefail
EXPORTER=$1
out=$(mktemp -d /tmp/ipc_pidns.XXXXXX)
trap 'rm -rf "$out"' EXIT

# ipcmk creates a segment and exits: its creator is in this pid namespace, not the exporter's.
unshare --ipc sh -c "ipcmk -M 4096 >/dev/null &&
  unshare --pid --fork --mount-proc --kill-child '$EXPORTER' --once >'$out/metrics' 2>'$out/log'"

fail() { echo "FAIL: $*" >&2; cat "$out/log" >&2; exit 1; }
grep -qE '^ipc_shm_segment_creator_pid\{.*\} 0$' "$out/metrics" || fail "the creator's pid is not 0"
grep -qE '^ipc_exporter_objects_with_invisible_pids\{collector="shm"\} 1$' "$out/metrics" ||
  fail "the invisible pid is not counted"
grep -qE '^ipc_shm_segment_orphaned\{.*\} 0$' "$out/metrics" || fail "an unknown creator was judged"
[[ $(grep -c "outside the exporter's pid namespace" "$out/log") == 1 ]] || fail "no single warning"

# The same object seen from the creator's own pid namespace: nothing to report.
unshare --ipc sh -c "ipcmk -M 4096 >/dev/null && '$EXPORTER' --once >'$out/metrics' 2>'$out/log'"
grep -qE '^ipc_exporter_objects_with_invisible_pids\{collector="shm"\} 0$' "$out/metrics" ||
  fail "a visible creator counted as invisible"
! grep -q "outside the exporter's pid namespace" "$out/log" || fail "warned without cause"
echo "1 passed, 0 failed"
