#!/usr/bin/env bash
# The landing page at the medium scale: 1,000 System V segments, arrays (of 8 semaphores) and
# queues (bench/ipc_loadgen), and 1,000 POSIX shared memory objects, named semaphores and
# message queues, all in a private IPC and mount namespace (its own /dev/shm and mqueue mount),
# so nothing of the host is touched. Prints the page's size, the time headless Chromium takes to
# load and dump it, and the time it takes for an empty page (its own start-up), medians of 5.
# Root; every process it starts is stopped by its pid.
#
#   bench/page_benchmark.sh            (SKIP_SETUP=1: use the existing build/bench)
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${INSIDE_NAMESPACE:-}" != 1 ]]; then
  # shellcheck source=bench/bench_common.sh
  source bench/bench_common.sh
  prepare_bench
  rm -f "$state" "$log"
  exec unshare --ipc --mount --pid --fork --mount-proc env INSIDE_NAMESPACE=1 "$0" "$@"
fi
# shellcheck source=bench/bench_common.sh
source bench/bench_common.sh
profile=$(mktemp -d)
trap 'finish_bench; rm -rf "$profile"' EXIT
mount -t tmpfs tmpfs /dev/shm
mkdir -p /dev/mqueue && mount -t mqueue mqueue /dev/mqueue
# This namespace's queue limits (the fs.mqueue sysctls are per IPC namespace): 1,000 queues of
# one 128-byte message each fit in the user's RLIMIT_MSGQUEUE (800 KiB by default).
echo 1100 >/proc/sys/fs/mqueue/queues_max
echo 1 >/proc/sys/fs/mqueue/msg_default
echo 128 >/proc/sys/fs/mqueue/msgsize_default

"$build/bench/ipc_loadgen" create --state "$state" --segments 1000 --attached 200 --orphaned 50 \
  --holders 8 --arrays 1000 --semaphores 8 --waiters 50 --queues 1000 --messages 4 --users 8 \
  >/dev/null
for i in $(seq 1000); do
  head -c 4096 /dev/zero >"/dev/shm/bench_object_$i"
  head -c 32 /dev/zero >"/dev/shm/sem.bench_lock_$i"  # a glibc sem_t: value 0, no waiters
  touch "/dev/mqueue/bench_queue_$i"                  # creating a file makes a queue
done
start_bench_exporter
# The page as the exporter serves it (a fresh collection first, as every page view does), then
# rendered from a copy beside a probe page on a local server of the same origin: the probe
# times the page's load in an iframe, its script and a forced layout, without Chromium's start-up.
site=$(mktemp -d)
server_pid=""
trap 'finish_bench; [[ -n "$server_pid" ]] && kill "$server_pid"; rm -rf "$profile" "$site"' EXIT
response_ms=$(curl -s -o "$site/page.html" -w '%{time_total}' "http://127.0.0.1:$port/" |
  awk '{ printf "%.0f", $1 * 1000 }')
rows=$(grep -c '^<tr' "$site/page.html" || true)
bytes=$(stat -c %s "$site/page.html")
echo '<!DOCTYPE html><html><body>empty</body></html>' >"$site/empty.html"
for target in page empty; do
  cat >"$site/probe_$target.html" <<PROBE
<html><body><script>
var start = performance.now();
var frame = document.createElement('iframe');
frame.style.width = '1200px';
frame.style.height = '900px';
frame.onload = function () {
  frame.contentDocument.body.offsetHeight;  // forces the layout
  document.body.setAttribute('data-ms', Math.round(performance.now() - start));
};
frame.src = '$target.html';
document.body.appendChild(frame);
</script></body></html>
PROBE
done
site_port=$((30000 + RANDOM % 10000))
(cd "$site" && exec python3 -m http.server "$site_port" --bind 127.0.0.1 >/dev/null 2>&1) &
server_pid=$!
for _ in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:$site_port/empty.html" && break; sleep 0.1; done

render_ms() {  # render_ms TARGET: load, script and layout time of TARGET.html in Chromium
  chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --user-data-dir="$profile" \
    --dump-dom "http://127.0.0.1:$site_port/probe_$1.html" 2>/dev/null |
    sed -n 's/.*data-ms="\([0-9]*\)".*/\1/p'
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
page_ms=$(for _ in 1 2 3 4 5; do render_ms page; done | median)
empty_ms=$(for _ in 1 2 3 4 5; do render_ms empty; done | median)
printf '| objects (SysV seg/arrays/queues, POSIX shm/sem/mqueue) | rows | HTML | response ms | render ms (median of 5) | empty page render ms |\n'
printf '| --- | --- | --- | --- | --- | --- |\n'
printf '| 1000/1000/1000, 1000/1000/1000 | %s | %s KiB | %s | %s | %s |\n' \
  "$rows" "$((bytes / 1024))" "$response_ms" "$page_ms" "$empty_ms"
