# Sourced by the benchmark scripts: starts the exporter under test on a port the kernel picks.
# Expects $build and $log; sets $exporter_pid and $port. Extra flags come from $EXPORTER_ARGS.
start_exporter() {
  # shellcheck disable=SC2086  # EXPORTER_ARGS is a list of flags
  "$build/exporter/ipc_exporter" --web.listen-address=127.0.0.1:0 ${EXPORTER_ARGS:-} 2>"$log" &
  exporter_pid=$!
  for _ in $(seq 100); do
    port=$(grep -o 'msg=listening address=127.0.0.1:[0-9]*' "$log" | head -1 | cut -d: -f2) || true
    [[ -n "$port" ]] && return 0
    sleep 0.05
  done
  echo "exporter did not start:" >&2
  cat "$log" >&2
  exit 1
}
