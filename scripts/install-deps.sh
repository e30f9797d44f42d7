#!/usr/bin/env bash
# Installs what ipc_exporter needs from Debian 12's packages: the build dependencies (clang,
# bpftool and libbpf-dev build the BPF program of --collector.activity), and with
# --test also what the test suite runs (promtool from prometheus, lsipc/ipcs from util-linux,
# headless Chromium for the landing page, PostgreSQL and Apache for the real-server scenarios:
# their packages do not start them here, the tests start them in namespaces of their own;
# sslscan and testssl.sh for the TLS scan).
set -euo pipefail

packages=(cmake make g++ pkg-config git
  prometheus-cpp-dev libcivetweb-dev libspdlog-dev libcli11-dev zlib1g-dev libsystemd-dev libcap-dev
  libssl-dev libyaml-cpp-dev libcrypt-dev help2man
  clang bpftool libbpf-dev)
if [[ "${1:-}" == "--test" ]]; then
  packages+=(libgtest-dev libgmock-dev prometheus util-linux chromium dpkg-dev jq yq
    clang libclang-rt-14-dev curl openssl systemd postgresql-15 apache2
    sslscan testssl.sh lintian)
fi

as_root=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "install-deps: run as root (no sudo here)" >&2; exit 1; }
  as_root=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update
"${as_root[@]}" apt-get install -y --no-install-recommends "${packages[@]}"
