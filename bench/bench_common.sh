# Sourced by the benchmark scripts (from the repository root): the bench build, the exporter under
# test, and the clean-up of whatever bench/ipc_loadgen made.
#
#   prepare_bench [PACKAGES...]   builds the bench preset (SKIP_SETUP=1: uses the existing
#                                 build/bench), installing the test dependencies and PACKAGES
#   start_bench_exporter          starts build/bench's exporter with $EXPORTER_ARGS (see
#                                 scripts/exporter_process.sh), its log in $log
#   cleanup_bench                 stops the exporter and removes the objects listed in $state
#   finish_bench                  the same, and removes $state and $log (the scripts' EXIT trap)
# BENCH_BUILD=DIR (with SKIP_SETUP=1) measures another bench build, e.g. a worktree's of an older
# commit, for an A/B with the same script.
# shellcheck source=scripts/exporter_process.sh
source scripts/exporter_process.sh
build=${BENCH_BUILD:-build/bench}
state=$(mktemp)
log=$(mktemp)

prepare_bench() {
  [[ "${SKIP_SETUP:-}" == 1 ]] && return 0
  scripts/install-deps.sh --test >/dev/null
  if (($# > 0)); then apt-get install -y --no-install-recommends "$@" >/dev/null; fi
  cmake --preset bench >/dev/null
  cmake --build --preset bench -j"$(nproc)" >/dev/null
}

start_bench_exporter() {
  # shellcheck disable=SC2086  # EXPORTER_ARGS is a list of flags
  start_exporter "$build/exporter/ipc_exporter" "$log" ${EXPORTER_ARGS:-}
}

cleanup_bench() {
  stop_exporter
  [[ -s "$state" ]] && "$build/bench/ipc_loadgen" remove --state "$state" >/dev/null
  return 0
}

finish_bench() {
  cleanup_bench
  rm -f "$state" "$log"
}
