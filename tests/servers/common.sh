# Shared by the real-server scenarios: a private IPC+mount+PID namespace for the server, the
# exporter joined to its IPC namespace and scraped over 127.0.0.1, and the shipped alert rules
# evaluated by promtool over what was scraped. Sourced; expects EXPORTER and RULES set.

ns_init=""    # the namespace's pid 1, seen from here: it keeps the namespace (and its IPC) alive
exporter=""   # the exporter's pid
port=""
prometheus="" # Debian's Prometheus, scraping the exporter
prom_port=""
work=$(mktemp -d /tmp/ipc_servers.XXXXXX)
chmod 755 "$work"

fail() { echo "FAIL: $*" >&2; exit 1; }

cleanup() {
  [[ -n "$prometheus" ]] && kill "$prometheus" 2>/dev/null && wait "$prometheus" 2>/dev/null
  [[ -n "$exporter" ]] && kill "$exporter" 2>/dev/null && wait "$exporter" 2>/dev/null
  # Killing a pid namespace's init kills everything in it; the IPC namespace goes with it.
  [[ -n "$ns_init" ]] && kill -9 "$ns_init" 2>/dev/null
  wait 2>/dev/null
  [[ -n "${KEEP:-}" ]] || rm -rf "$work"
}
trap cleanup EXIT

# Starts `sh -c SCRIPT` as pid 1 of a new IPC+mount+PID namespace, then waits for SCRIPT to
# write $work/ready. SCRIPT ends by waiting forever, so the namespace outlives its servers.
start_namespace() {
  unshare --ipc --mount --pid --fork --mount-proc sh -c "$1" >"$work/namespace.log" 2>&1 &
  local unshare_pid=$!
  for _ in $(seq 1 600); do
    [[ -f "$work/ready" ]] && break
    kill -0 "$unshare_pid" 2>/dev/null || { cat "$work/namespace.log"; fail "namespace exited"; }
    sleep 0.1
  done
  [[ -f "$work/ready" ]] || { cat "$work/namespace.log"; fail "server did not start"; }
  ns_init=$(pgrep -P "$unshare_pid" | head -n 1)
  [[ -n "$ns_init" ]] || fail "no namespace init"
}

# Pids of every live process in the namespace but its init. Zombies are left out: they are
# dead, only not reaped (the namespace's init is `sleep`, which never reaps).
namespace_processes() {
  local inode link pid
  inode=$(readlink "/proc/$ns_init/ns/pid" | tr -dc 0-9)
  for link in $(find /proc/[0-9]*/ns/pid -maxdepth 0 -lname "pid:?$inode?" 2>/dev/null); do
    pid=${link#/proc/}
    pid=${pid%%/*}
    [[ "$pid" == "$ns_init" ]] && continue
    [[ "$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | cut -c1)" == [ZX] ]] && continue
    echo "$pid"
  done
  return 0
}

# The crash: kill -9 of every process in the namespace but its init (which keeps the IPC
# namespace, and so what the servers left in it), by pid; then one scrape into $1.
crash_and_scrape() {
  local pids
  pids=$(namespace_processes)
  [[ -n "$pids" ]] || fail "no server process found"
  kill -9 $pids
  for _ in $(seq 1 50); do [[ -z "$(namespace_processes)" ]] && break; sleep 0.1; done
  scrape "$1"
}

# The exporter in the server's IPC namespace (and the host's pid namespace, as deployed).
start_exporter() {
  port=$((20000 + RANDOM % 20000))
  nsenter --ipc="/proc/$ns_init/ns/ipc" -- "$EXPORTER" \
    --web.listen-address="127.0.0.1:$port" "$@" 2>"$work/exporter.log" &
  exporter=$!
  for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && return 0
    sleep 0.1
  done
  cat "$work/exporter.log"
  fail "exporter did not answer"
}

scrape() { curl -sf "http://127.0.0.1:$port/metrics" >"$1" || fail "scrape failed"; }

# The value of every sample of family $2 in scrape $1 that equals $3, counted.
count_samples() { grep -c "^$2{.*} $3\$" "$1" || true; }

# Every finding that advises an operator: a leak, a stuck lock, an orphaned array, a dead
# consumer. Prints them; returns 0 if there are none.
no_findings() {
  ! grep -E '^ipc_(shm_segment_orphaned|sem_stuck|sem_array_orphaned|msg_queue_stalled|posix_shm_object_orphaned)\{.*\} 1$' "$1"
}

# A real Prometheus (Debian's) on 127.0.0.1 that scrapes the exporter and evaluates the shipped
# rules every second, with every `for:` cut to 0s: an alert fires on the first evaluation that
# sees its condition. Returns once Prometheus has scraped the exporter and evaluated the rules.
start_prometheus() {
  mkdir -p "$work/prometheus/data"
  sed -E 's/^( +)for: .*/\1for: 0s/' "$RULES" >"$work/prometheus/rules.yml"
  cat >"$work/prometheus/prometheus.yml" <<CONF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: [rules.yml]
scrape_configs:
  - job_name: ipc_exporter
    static_configs:
      - targets: ['127.0.0.1:$port']
CONF
  prom_port=$((20000 + RANDOM % 20000))
  prometheus --config.file="$work/prometheus/prometheus.yml" \
    --storage.tsdb.path="$work/prometheus/data" --web.listen-address="127.0.0.1:$prom_port" \
    --log.level=warn 2>"$work/prometheus.log" &
  prometheus=$!
  local query="http://127.0.0.1:$prom_port/api/v1/query?query=ALERTS_FOR_STATE%20or%20up"
  for _ in $(seq 1 600); do
    # up{job="ipc_exporter"} 1 is there once a scrape succeeded; evaluations follow each second.
    if curl -sf "$query" 2>/dev/null | jq -e '.data.result[] | select(.metric.__name__ == "up" and .value[1] == "1")' >/dev/null; then
      sleep 2
      return 0
    fi
    sleep 0.1
  done
  cat "$work/prometheus.log"
  fail "Prometheus never scraped the exporter"
}

# The alerts Prometheus has firing: lines "NAME COUNT", sorted by name.
firing_alerts() {
  curl -sf "http://127.0.0.1:$prom_port/api/v1/alerts" |
    jq -r '.data.alerts[] | select(.state == "firing") | .labels.alertname' | sort | uniq -c |
    awk '{print $2, $1}'
}

# Waits (at most 30 s) until Prometheus fires exactly the alerts $1 ("NAME COUNT" lines).
await_alerts() {
  local got=""
  for _ in $(seq 1 300); do
    got=$(firing_alerts) || fail "Prometheus did not answer"
    [[ "$got" == "$1" ]] && return 0
    sleep 0.1
  done
  fail "Prometheus fires '${got:-nothing}', expected '$1'"
}

# A promtool test of the shipped rules over the scrape $1, its values held for two hours: the
# alerts firing at the end, by name and count, must be exactly $2 (lines "NAME COUNT", sorted;
# empty for none). Run with the shipped `for:` and with every `for:` set to 0s.
check_alerts() {
  local scrape_file=$1 expected=$2 name=$3
  local rules_dir="$work/rules_$name"
  mkdir -p "$rules_dir"
  cp "$RULES" "$rules_dir/shipped.yml"
  sed -E 's/^( +)for: .*/\1for: 0s/' "$RULES" >"$rules_dir/immediate.yml"
  {
    echo "  - interval: 1m"
    echo "    input_series:"
    grep -E '^ipc_' "$scrape_file" | awk '{
      value = $NF; series = substr($0, 1, length($0) - length(value) - 1)
      sub(/\{/, "{instance=\"test:1\",job=\"ipc_exporter\",", series)
      if (series !~ /\{/) series = series "{instance=\"test:1\",job=\"ipc_exporter\"}"
      gsub(/,\}/, "}", series)
      gsub(/\x27/, "\x27\x27", series)
      printf "      - series: \x27%s\x27\n        values: \x27%sx120\x27\n", series, value
    }'
    echo "      - series: 'up{instance=\"test:1\",job=\"ipc_exporter\"}'"
    echo "        values: '1x120'"
    echo "    promql_expr_test:"
    echo "      - expr: count by (alertname) (ALERTS{alertstate=\"firing\"})"
    echo "        eval_time: 120m"
    if [[ -z "$expected" ]]; then
      echo "        exp_samples: []"
    else
      echo "        exp_samples:"
      while read -r alert count; do
        echo "          - labels: '{alertname=\"$alert\"}'"
        echo "            value: $count"
      done <<<"$expected"
    fi
  } >"$rules_dir/body.yml"
  for rules in shipped immediate; do
    { echo "rule_files: [$rules.yml]"; echo "evaluation_interval: 1m"; echo "tests:";
      cat "$rules_dir/body.yml"; } >"$rules_dir/test_$rules.yml"
    (cd "$rules_dir" && promtool test rules "test_$rules.yml") ||
      fail "$name: alerts with $rules rules differ from: ${expected:-none}"
  done
}
