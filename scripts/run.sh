#!/usr/bin/env bash
# Sets up, builds and starts ipc_exporter with its default collectors on :12110.
# Extra arguments go to the exporter, e.g. scripts/run.sh --web.listen-address=127.0.0.1:12110
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release
cmake --build --preset release -j"$(nproc)"
exec build/release/exporter/ipc_exporter "$@"
