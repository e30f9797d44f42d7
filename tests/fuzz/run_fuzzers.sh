#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each, starting from the committed corpus (read only: new
# inputs go to a scratch directory). A crash, a sanitizer report or a broken invariant fails.
# Each run takes a fresh random seed, so CI keeps exploring; the seed is printed so a failure can
# be replayed with -seed=N, and a crashing input belongs in the corpus once fixed.
#
#   run_fuzzers.sh BUILD_DIR [SECONDS]
set -euo pipefail
build=$(readlink -f "$1")
seconds=${2:-20}
here=$(dirname "$(readlink -f "$0")")
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
targets=(sysv_tables unsigned_list process_text http_inputs label_values web_config authorization)
for target in "${targets[@]}"; do
  mkdir -p "$scratch/$target"
  echo "== ${target}_fuzz for ${seconds}s"
  status=0
  (cd "$scratch" && "$build/tests/fuzz/${target}_fuzz" -max_total_time="$seconds" \
    -max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    "$scratch/$target" "$here/corpus/$target") >"$scratch/$target.log" 2>&1 || status=$?
  grep -E 'INFO: Seed:|stat::number_of_executed_units|stat::peak_rss_mb|Done [0-9]+ runs' "$scratch/$target.log" || true
  if [[ $status -ne 0 ]]; then
    echo "FAIL: ${target}_fuzz exited with $status:" >&2
    tail -40 "$scratch/$target.log" >&2
    ls "$scratch"/crash-* "$scratch"/leak-* "$scratch"/timeout-* >&2 2>/dev/null || true
    exit 1
  fi
done
echo "${#targets[@]} passed, 0 failed"
