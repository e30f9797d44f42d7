# Sourced by the benchmark scripts and the shell tests: runs an exporter under test on a port the
# kernel picks on 127.0.0.1, and stops it by its pid.
#
#   start_exporter BINARY LOG [FLAGS...]   sets exporter_pid and port (its log in LOG); exits 1
#                                          with the log if it does not listen within 10 s
#   stop_exporter                          stops exporter_pid, if any, and waits for it
exporter_pid=""
port=""

start_exporter() {
  local binary=$1 log=$2
  shift 2
  "$binary" --web.listen-address=127.0.0.1:0 "$@" >"$log" 2>&1 &
  exporter_pid=$!
  port=""
  for _ in $(seq 1 100); do
    port=$(sed -n 's/.*msg=listening address=127.0.0.1:\([0-9]*\).*/\1/p' "$log" | head -1)
    [[ -n "$port" ]] && return 0
    sleep 0.1
  done
  echo "FAIL: the exporter did not start:" >&2
  cat "$log" >&2
  exit 1
}

stop_exporter() {
  if [[ -n "$exporter_pid" ]]; then
    kill "$exporter_pid" 2>/dev/null || true
    wait "$exporter_pid" 2>/dev/null || true
  fi
  exporter_pid=""
}
