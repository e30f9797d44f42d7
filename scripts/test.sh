#!/usr/bin/env bash
# Sets up, builds with warnings as errors, and runs the whole test suite: unit and fixture tests,
# live kernel tests (they create and remove System V objects: run as root), HTTP end-to-end,
# systemd, packaging and deployment tests. Then the whole suite again under AddressSanitizer and
# UndefinedBehaviorSanitizer, the concurrent tests under ThreadSanitizer (a sanitizer report aborts
# the process it is in, which fails the test), and every fuzz target for a bounded time.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
jobs=$(nproc)

cmake --preset dev
cmake --build --preset dev -j"$jobs"
ctest --preset dev -j"$jobs"

cmake --preset asan
cmake --build --preset asan -j"$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  ctest --preset asan -j"$jobs" -E '^deploy\.'

cmake --preset tsan
cmake --build --preset tsan -j"$jobs"
TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
  ctest --preset tsan -j"$jobs" -R 'Scraper|NamespaceScrape|TaskPool|ParallelSlices|Activity|^http\.'

# Every parser of outside input under libFuzzer (clang), 20 s each from the committed corpus.
cmake --preset fuzz
# Only the fuzz targets (and the libraries they link), not the daemon and its tests again.
cmake --build --preset fuzz -j"$jobs" --target fuzzers
tests/fuzz/run_fuzzers.sh build/fuzz 20
