#!/usr/bin/env bash
# Installs the project into a scratch root (cmake --install with DESTDIR), builds the .deb with
# CPack and installs it with dpkg into another scratch root (the maintainer scripts run there
# through DPKG_ROOT), then checks the systemd units: verify is clean, the exposure level from
# systemd-analyze security is 2.0 or lower, and no directive that would blind the exporter.
#
#   package_test.sh SOURCE_DIR BUILD_DIR EXPORTER_BINARY
set -euo pipefail
source_dir=$1 build_dir=$2 binary=$3
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

expected=(
  usr/bin/ipc_exporter
  usr/lib/systemd/system/ipc_exporter.service
  usr/lib/systemd/system/ipc_exporter.socket
  etc/default/ipc_exporter
  usr/share/ipc_exporter/prometheus/ipc_exporter_rules.yml
  usr/share/ipc_exporter/prometheus/prometheus.yml
  usr/share/ipc_exporter/grafana/ipc_exporter.json
  usr/share/ipc_exporter/kubernetes/daemonset.yaml
  usr/share/man/man1/ipc_exporter.1.gz
  usr/share/doc/ipc-exporter/README.md
  usr/share/doc/ipc-exporter/examples/all-namespaces.conf
  usr/share/doc/ipc-exporter/examples/activity.conf
  usr/lib/ipc_exporter/libipc_exporter_ssl.so
  usr/lib/ipc_exporter/libipc_exporter_crypto.so
)

echo "== cmake --install into $scratch/destdir"
DESTDIR="$scratch/destdir" cmake --install "$build_dir" --prefix /usr >/dev/null
for file in "${expected[@]}"; do
  [[ -f "$scratch/destdir/$file" ]] || fail "cmake --install did not install /$file"
done
# (grep -q on a here-string, not a pipe: with pipefail, grep closing the pipe early would fail
# the producer with SIGPIPE.)
grep -q '^ipc_exporter, version' <<<"$("$scratch/destdir/usr/bin/ipc_exporter" --version)" ||
  fail "the installed binary does not run"
grep -q 'SONAME.*\[libssl.so\]' <<<"$(readelf -d "$scratch/destdir/usr/lib/ipc_exporter/libipc_exporter_ssl.so")" ||
  fail "the OpenSSL compatibility library lacks the SONAME libssl.so"
grep -q 'telemetry' <<<"$(zcat "$scratch/destdir/usr/share/man/man1/ipc_exporter.1.gz")" ||
  fail "the man page does not document the flags"
for described in "$scratch"/destdir/usr/lib/systemd/system/ipc_exporter.{service,socket}; do
  grep -q '^Description=.*System V and POSIX IPC' "$described" ||
    fail "$(basename "$described") describes System V IPC only"
done

echo "== cpack -G DEB"
(cd "$build_dir" && cpack -G DEB -B "$scratch/package" >/dev/null)
deb=$(ls "$scratch"/package/ipc-exporter_*.deb)
grep -q 'Depends:.*libcivetweb1' <<<"$(dpkg-deb -I "$deb")" ||
  fail "the .deb does not depend on libcivetweb1"

echo "== lintian, stripped binaries, debug symbols apart"
lintian_rc=0
lintian_out=$(lintian --fail-on error,warning "$deb" 2>&1) || lintian_rc=$?
if ((lintian_rc != 0)) || grep -Eq '^[EW]:' <<<"$lintian_out"; then
  fail "lintian (exit $lintian_rc): $lintian_out"
fi
echo "lintian: no error, no warning"
dpkg-deb -x "$deb" "$scratch/unpacked"
for binary_file in usr/bin/ipc_exporter usr/lib/ipc_exporter/libipc_exporter_ssl.so; do
  if grep -q '\.debug_info' <<<"$(readelf -S "$scratch/unpacked/$binary_file")"; then
    fail "/$binary_file is not stripped"
  fi
done
ddeb=$(ls "$scratch"/package/ipc-exporter-dbgsym_*.ddeb)
grep -q '/usr/lib/debug/.build-id/.*\.debug' <<<"$(dpkg-deb -c "$ddeb")" ||
  fail "no debug symbols in $(basename "$ddeb")"
for doc in copyright changelog.Debian.gz; do
  [[ -f "$scratch/unpacked/usr/share/doc/ipc-exporter/$doc" ]] || fail "no /usr/share/doc/ipc-exporter/$doc"
done

echo "== dpkg -i into $scratch/root"
root="$scratch/root"
mkdir -p "$root"/var/lib/dpkg/{info,updates,triggers}
touch "$root"/var/lib/dpkg/{status,available}
# Dependencies live on the host, not in the scratch root; the maintainer scripts run with
# DPKG_ROOT set instead of in a chroot.
dpkg --root="$root" --log=/dev/null --force-depends --force-script-chrootless -i "$deb" >/dev/null
grep -q '^ii  ipc-exporter' <<<"$(dpkg --root="$root" -l ipc-exporter)" ||
  fail "dpkg did not install it"
for file in "${expected[@]}"; do
  [[ -f "$root/$file" ]] || fail "the .deb did not install /$file"
done
[[ -L "$root/etc/systemd/system/multi-user.target.wants/ipc_exporter.service" ]] ||
  fail "postinst did not enable ipc_exporter.service"
grep -qx /etc/default/ipc_exporter "$root/var/lib/dpkg/info/ipc-exporter.conffiles" ||
  fail "/etc/default/ipc_exporter is not a conffile"

echo "== systemd units"
unit="$root/usr/lib/systemd/system/ipc_exporter.service"
for forbidden in '^PrivateIPC=' '^PrivateUsers=' '^ProcSubset=pid' '^ProtectProc=invisible'; do
  if grep -q "$forbidden" "$unit"; then fail "the unit sets $forbidden"; fi
done
grep -qx 'AmbientCapabilities=CAP_IPC_OWNER' "$unit" || fail "the unit lacks CAP_IPC_OWNER"
exposure=$(systemd-analyze security --offline=yes --root="$root" ipc_exporter.service 2>&1 |
  sed -n 's/.*Overall exposure level for ipc_exporter.service: \([0-9.]*\).*/\1/p')
echo "exposure level: $exposure"
[[ -n "$exposure" ]] || fail "systemd-analyze security gave no exposure level"
awk -v level="$exposure" 'BEGIN { exit !(level <= 2.0) }' || fail "exposure $exposure > 2.0"
# The --ipc.namespaces=all drop-in as an operator installs it: it must parse, grant exactly the
# two capabilities it documents, and allow IPC namespaces only.
dropin_dir="$root/etc/systemd/system/ipc_exporter.service.d"
mkdir -p "$dropin_dir"
cp "$root/usr/share/doc/ipc-exporter/examples/all-namespaces.conf" "$dropin_dir/"
report=$(systemd-analyze security --offline=yes --root="$root" ipc_exporter.service 2>&1)
grep -q 'CapabilityBoundingSet=~CAP_SYS_ADMIN .*administrator' <<<"$report" ||
  fail "the all-namespaces drop-in did not add CAP_SYS_ADMIN: $report"
grep -q '✓ RestrictNamespaces=~mnt' <<<"$report" ||
  fail "the all-namespaces drop-in allows more than IPC namespaces"
grep -q '✗ RestrictNamespaces=~ipc' <<<"$report" ||
  fail "the all-namespaces drop-in does not allow IPC namespaces"
echo "exposure with the all-namespaces drop-in: $(sed -n 's/.*Overall exposure level for ipc_exporter.service: \([0-9.]*\).*/\1/p' <<<"$report")"
rm -r "$dropin_dir"
# verify checks that ExecStart exists: point it at the binary under test.
mkdir -p "$scratch/units"
sed "s|^ExecStart=/usr/bin/ipc_exporter|ExecStart=$binary|" "$source_dir/systemd/ipc_exporter.service" \
  >"$scratch/units/ipc_exporter.service"
cp "$source_dir/systemd/ipc_exporter.socket" "$scratch/units/"
verify=$(systemd-analyze verify --man=no "$scratch/units/ipc_exporter.service" \
  "$scratch/units/ipc_exporter.socket" 2>&1) || fail "systemd-analyze verify: $verify"
[[ -z "$verify" ]] || fail "systemd-analyze verify is not clean: $verify"
echo "== apt-get install on this machine, run it, purge it"
# The service must not start here: policy-rc.d says no (Debian's own mechanism), and the
# postinst only starts it under a running systemd anyway.
made_policy=""
if [[ ! -e /usr/sbin/policy-rc.d ]]; then
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d
  made_policy=1
fi
purge() {
  dpkg --purge ipc-exporter >/dev/null 2>&1 || true
  [[ -n "$made_policy" ]] && rm -f /usr/sbin/policy-rc.d
  rm -rf "$scratch"
}
trap purge EXIT
if dpkg -s ipc-exporter >/dev/null 2>&1; then fail "ipc-exporter is already installed here"; fi
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$deb" >/dev/null 2>&1 ||
  fail "apt-get install $deb failed"
grep -q '^ipc_exporter, version' <<<"$(/usr/bin/ipc_exporter --version)" ||
  fail "the installed ipc_exporter --version does not answer"
grep -q '^ipc_exporter_build_info{' <<<"$(/usr/bin/ipc_exporter --once)" ||
  fail "the installed ipc_exporter --once wrote no metrics"
man -w ipc_exporter >/dev/null 2>&1 || [[ -f /usr/share/man/man1/ipc_exporter.1.gz ]] ||
  fail "no man page installed"
installed_files=$(dpkg -L ipc-exporter)
DEBIAN_FRONTEND=noninteractive apt-get purge -y ipc-exporter >/dev/null 2>&1 || fail "purge failed"
# Policy keeps nothing of a purged package: no file, no conffile, no enablement state.
left=""
while read -r path; do
  [[ -z "$path" || -d "$path" ]] && continue  # shared directories (/usr/bin) stay
  [[ -e "$path" || -L "$path" ]] && left+=" $path"
done <<<"$installed_files"
for path in /etc/default/ipc_exporter /etc/systemd/system/multi-user.target.wants/ipc_exporter.service \
  /var/lib/systemd/deb-systemd-helper-enabled/ipc_exporter.service.dsh-also \
  /var/lib/systemd/deb-systemd-helper-masked/ipc_exporter.service /usr/share/doc/ipc-exporter \
  /usr/lib/ipc_exporter /usr/share/ipc_exporter; do
  [[ -e "$path" || -L "$path" ]] && left+=" $path"
done
[[ -z "$left" ]] || fail "left after purge:$left"
dpkg -s ipc-exporter >/dev/null 2>&1 && fail "dpkg still knows ipc-exporter"
echo "1 passed, 0 failed"
