#!/usr/bin/env bash
# The shipped units under a real systemd, booted as PID 1 of a private PID, mount and network
# namespace into a small test target (never multi-user.target), with tmpfs of its own on /tmp,
# /run and /var/tmp (so that its boot-time clean-up cannot touch the machine's). The units are
# the shipped files with only the binary's path changed; settings go in drop-ins under /run.
# Checks: start, is-active, a scrape, reload, the watchdog, socket activation, the
# all-namespaces drop-in, the activity drop-in (BPF loads under the unit's sandbox, keeps only
# CAP_BPF and CAP_PERFMON, and traces a removal). Usage: systemd_boot_test.sh EXPORTER (as root)
set -euo pipefail
EXPORTER=$(readlink -f "$1")
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
# Shared with the namespace, whose /tmp is its own: a directory outside /tmp.
exchange=$(mktemp -d /var/lib/ipc_exporter_systemd_test.XXXXXX 2>/dev/null ||
  mktemp -d "$source_dir/.systemd_test.XXXXXX")
systemd_pid=""
fail() { echo "FAIL: $*" >&2; [[ -n "$systemd_pid" ]] && in_ns journalctl --no-pager -n 40 >&2; exit 1; }
cleanup() {
  # Killing PID 1 of the namespace ends every process in it.
  [[ -n "$systemd_pid" ]] && kill -9 "$systemd_pid" 2>/dev/null
  wait 2>/dev/null
  rm -rf "$exchange"
}
trap cleanup EXIT
in_ns() { nsenter -t "$systemd_pid" -m -p -n -- "$@"; }

# The binary may be under /tmp (CI's clone), which the namespace covers with its own tmpfs: a
# copy in the exchange directory is what the units run.
# So are the OpenSSL compatibility libraries TLS needs, which it finds beside the binary.
cp "$EXPORTER" "$(dirname "$EXPORTER")"/libipc_exporter_{ssl,crypto}.so "$exchange/"
chmod 755 "$exchange" "$exchange"/ipc_exporter "$exchange"/*.so
for unit in ipc_exporter.service ipc_exporter.socket; do
  sed "s|/usr/bin/ipc_exporter|$exchange/ipc_exporter|" "$source_dir/systemd/$unit" >"$exchange/$unit"
done
for drop_in in all-namespaces.conf activity.conf; do
  sed "s|/usr/bin/ipc_exporter|$exchange/ipc_exporter|" "$source_dir/systemd/$drop_in" \
    >"$exchange/$drop_in"
done
cat >"$exchange/boot.sh" <<BOOT
#!/bin/bash
set -e
# Without these, systemd's boot-time clean-up would empty the machine's /tmp.
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /var/tmp
mkdir -p /run/systemd/system
printf '[Unit]\nDescription=ipc_exporter test target\n' >/run/systemd/system/ipc-test.target
exec /lib/systemd/systemd --system --unit=ipc-test.target
BOOT
chmod +x "$exchange/boot.sh"
unshare --pid --mount --net --fork --mount-proc "$exchange/boot.sh" >"$exchange/systemd.log" 2>&1 &
unshare_pid=$!
for _ in $(seq 1 100); do
  systemd_pid=$(pgrep -P "$unshare_pid" | head -n 1 || true)
  [[ -n "$systemd_pid" ]] && in_ns systemctl is-system-running --wait >/dev/null 2>&1 && break
  sleep 0.1
done
[[ "$(in_ns systemctl is-system-running)" == running ]] || fail "systemd did not boot"
in_ns ip link set lo up

install_units() {
  in_ns rm -rf /run/systemd/system/ipc_exporter.service.d
  in_ns mkdir -p /run/systemd/system/ipc_exporter.service.d
  in_ns cp "$exchange/ipc_exporter.service" "$exchange/ipc_exporter.socket" /run/systemd/system/
}
drop_in() {  # NAME CONTENT
  printf '%s\n' "$2" >"$exchange/$1.conf"
  in_ns cp "$exchange/$1.conf" "/run/systemd/system/ipc_exporter.service.d/$1.conf"
}
scrape() { in_ns curl -sf --max-time 10 "http://127.0.0.1:12110/metrics"; }
main_pid() { in_ns systemctl show -p MainPID --value ipc_exporter.service; }
restarts() { in_ns systemctl show -p NRestarts --value ipc_exporter.service; }
all_collectors_succeed() {
  local body
  body=$(scrape) || return 1
  [[ $(grep -c '^ipc_exporter_collector_success{.*} 1$' <<<"$body") == 6 ]]
}

echo "== start, is-active, scrape"
install_units
in_ns systemctl daemon-reload
in_ns systemctl start ipc_exporter.service || fail "systemctl start failed"
[[ "$(in_ns systemctl is-active ipc_exporter.service)" == active ]] || fail "not active"
all_collectors_succeed || fail "a collector fails under the shipped unit"
pid=$(main_pid)
[[ "$(in_ns awk '/^CapEff/ {print $2}' "/proc/$pid/status")" == 0000000000008000 ]] ||
  fail "the service keeps more than CAP_IPC_OWNER"

echo "== reload"
in_ns systemctl reload ipc_exporter.service
reloaded=0
for _ in $(seq 1 100); do  # the journal may take a moment
  # By the process's own pid, not -u: journald does not always tie a stream line to its unit
  # in this sandbox's cgroup layout.
  in_ns journalctl --sync 2>/dev/null || true
  # (grep -q on a here-string, not a pipe: with pipefail, grep closing the pipe early would fail
  # journalctl with SIGPIPE.)
  if grep -q "ipc_exporter\[$pid\]: .*msg=reloaded" <<<"$(in_ns journalctl --no-pager)"; then
    reloaded=1
    break
  fi
  sleep 0.1
done
((reloaded)) || fail "no reload logged (pid $pid)"
[[ "$(main_pid)" == "$pid" && "$(in_ns systemctl is-active ipc_exporter.service)" == active ]] ||
  fail "reload did not keep the process"

echo "== watchdog (WatchdogSec=2s): no restart in 8 s"
drop_in watchdog $'[Service]\nWatchdogSec=2s'
in_ns systemctl daemon-reload
in_ns systemctl restart ipc_exporter.service
sleep 8
[[ "$(restarts)" == 0 && "$(in_ns systemctl is-active ipc_exporter.service)" == active ]] ||
  fail "the watchdog restarted the service ($(restarts) restarts)"

echo "== watchdog with TLS and basic auth (the health check must get through both)"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
  -addext subjectAltName=IP:127.0.0.1 -keyout "$exchange/server.key" -out "$exchange/server.crt" \
  2>/dev/null
# bcrypt (cost 10) of "secret".
cat >"$exchange/web.yml" <<WEB
tls_server_config:
  cert_file: $exchange/server.crt
  key_file: $exchange/server.key
basic_auth_users:
  alice: "\$2b\$10\$9YKV3vStbc8GNlHy/SkpKOvmJbpjPpSugK9w3KQeDeGe6lrrgwsHS"
WEB
chmod 644 "$exchange/server.key" "$exchange/server.crt" "$exchange/web.yml"
drop_in web $'[Service]\nEnvironment=ARGS=--web.config.file='"$exchange/web.yml"
in_ns systemctl daemon-reload
in_ns systemctl restart ipc_exporter.service || fail "no start with TLS and basic auth"
sleep 8
[[ "$(restarts)" == 0 && "$(in_ns systemctl is-active ipc_exporter.service)" == active ]] ||
  fail "the watchdog restarted the service under TLS and basic auth ($(restarts) restarts)"
code=$(in_ns curl -s -o /dev/null -w '%{http_code}' --max-time 10 --cacert "$exchange/server.crt" \
  https://127.0.0.1:12110/metrics)
[[ "$code" == 401 ]] || fail "an anonymous scrape got $code, not 401"
in_ns curl -sf -o /dev/null --max-time 10 --cacert "$exchange/server.crt" -u alice:secret \
  https://127.0.0.1:12110/metrics || fail "no scrape over TLS with basic auth"
in_ns rm /run/systemd/system/ipc_exporter.service.d/web.conf

echo "== socket activation"
in_ns systemctl stop ipc_exporter.service
drop_in socket $'[Service]\nEnvironment=ARGS=--web.systemd-socket'
in_ns systemctl daemon-reload
in_ns systemctl start ipc_exporter.socket
[[ "$(in_ns systemctl is-active ipc_exporter.service)" != active ]] || fail "started before a client came"
all_collectors_succeed || fail "no scrape through the passed socket"
[[ "$(in_ns systemctl is-active ipc_exporter.service)" == active ]] || fail "not started by the socket"
in_ns systemctl stop ipc_exporter.socket ipc_exporter.service

echo "== all-namespaces drop-in"
install_units
in_ns cp "$exchange/all-namespaces.conf" /run/systemd/system/ipc_exporter.service.d/
in_ns systemctl daemon-reload
in_ns systemctl start ipc_exporter.service || fail "start with the all-namespaces drop-in failed"
body=$(scrape) || fail "no scrape with the all-namespaces drop-in"
grep -q '^ipc_namespaces [1-9]' <<<"$body" || fail "no IPC namespace counted"
grep -q '^ipc_exporter_collector_success{.*collector="shm".*} 1$' <<<"$body" || fail "shm fails"
in_ns systemctl stop ipc_exporter.service

echo "== activity drop-in (BPF)"
install_units
in_ns cp "$exchange/activity.conf" /run/systemd/system/ipc_exporter.service.d/
# tracefs as a systemd host has it: its own mount unit, started by the booted systemd.
in_ns systemctl start sys-kernel-tracing.mount || true
in_ns systemctl daemon-reload
in_ns systemctl start ipc_exporter.service || fail "start with the activity drop-in failed"
body=$(scrape) || fail "no scrape with the activity drop-in"
grep -q '^ipc_exporter_collector_success{collector="activity"} 1$' <<<"$body" ||
  fail "the activity collector fails"
enabled=$(grep '^ipc_exporter_activity_enabled' <<<"$body")
if [[ "$enabled" != 'ipc_exporter_activity_enabled{reason=""} 1' ]]; then
  fail "activity tracing did not start under the unit: $enabled"
fi
# The start-up log says which capabilities the exporter kept: CAP_BPF and CAP_PERFMON, and no
# longer CAP_DAC_READ_SEARCH.
status=$(in_ns grep Cap "/proc/$(main_pid)/status")
eff=$((16#$(awk '/^CapEff/ { print $2 }' <<<"$status")))
has_cap() { (((eff >> $1) & 1)); }  # CAP_DAC_READ_SEARCH 2, CAP_PERFMON 38, CAP_BPF 39
has_cap 39 && has_cap 38 || fail "CAP_BPF or CAP_PERFMON not kept: $status"
! has_cap 2 || fail "CAP_DAC_READ_SEARCH kept after loading: $status"
# The traced calls of a process in the namespace are counted.
in_ns sh -c 'id=$(ipcmk -S 1 | awk "{ print \$NF }"); ipcrm -s "$id"'
for _ in $(seq 1 50); do
  body=$(scrape)
  grep -q '^ipc_activity_objects_removed_total{kind="sem",command="ipcrm"} [1-9]' <<<"$body" && break
  sleep 0.1
done
grep -q '^ipc_activity_objects_removed_total{kind="sem",command="ipcrm"} [1-9]' <<<"$body" ||
  fail "ipcrm's removal was not traced under the unit"
echo "1 passed, 0 failed"
