#!/usr/bin/env bash
# Sets up, builds with warnings as errors, and runs the whole test suite: unit and fixture tests,
# live kernel tests (they create and remove System V objects: run as root), HTTP end-to-end tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
cmake --preset dev
cmake --build --preset dev -j"$(nproc)"
ctest --preset dev -j"$(nproc)"
