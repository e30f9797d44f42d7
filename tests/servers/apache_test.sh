#!/usr/bin/env bash
# Real Apache 2.4, prefork, `Mutex sysvsem default`, Digest auth with AuthDigestNcCheck On, and
# children recycled every 3 connections, in a private IPC+mount+PID namespace. Its System V
# semaphore mutexes are created by the root parent, handed to www-data (IPC_SET) and operated
# only by children, so a recycled child leaves a dead last operator on a live server's array.
# While it serves, no scrape may carry a finding and no shipped alert may fire; after kill -9 of
# the parent and every child, every array they operated is orphaned on the very next scrape and
# the orphaned-array alert fires for each.
# Usage: apache_test.sh EXPORTER RULES
set -euo pipefail
EXPORTER=$1
RULES=$2
source "$(dirname "$0")/common.sh"

command -v apache2 >/dev/null || [[ -x /usr/sbin/apache2 ]] || fail "apache2 is not installed"
modules=/usr/lib/apache2/modules
root="$work/apache"
mkdir -p "$root/htdocs"
echo hello >"$root/htdocs/index.html"
chmod -R a+rX "$root"
aport=$((20000 + RANDOM % 20000))
# htdigest's format: user:realm:md5(user:realm:password).
echo "prometheus:ipc:$(printf 'prometheus:ipc:secret' | md5sum | cut -d' ' -f1)" >"$root/digest"
cat >"$root/httpd.conf" <<CONF
ServerRoot "$root"
ServerName localhost
Listen 127.0.0.1:$aport
LoadModule mpm_prefork_module $modules/mod_mpm_prefork.so
LoadModule authn_core_module $modules/mod_authn_core.so
LoadModule authn_file_module $modules/mod_authn_file.so
LoadModule authz_core_module $modules/mod_authz_core.so
LoadModule authz_user_module $modules/mod_authz_user.so
LoadModule auth_digest_module $modules/mod_auth_digest.so
User www-data
Group www-data
PidFile $root/httpd.pid
ErrorLog $root/error.log
DefaultRuntimeDir $root
Mutex sysvsem default
StartServers 2
MinSpareServers 2
MaxSpareServers 4
MaxRequestWorkers 8
MaxConnectionsPerChild 3
DocumentRoot $root/htdocs
<Directory $root/htdocs>
  AuthType Digest
  AuthName "ipc"
  AuthDigestProvider file
  AuthUserFile $root/digest
  AuthDigestNcCheck On
  Require valid-user
</Directory>
CONF

start_namespace "/usr/sbin/apache2 -f $root/httpd.conf -k start && touch $work/ready && exec sleep 3600"
requests() {
  for _ in $(seq 1 "$1"); do
    curl -sf --digest -u prometheus:secret "http://127.0.0.1:$aport/index.html" >/dev/null ||
      fail "Apache did not serve an authenticated request"
  done
}

start_exporter
scrape "$work/first.prom"
requests 5
grep -q '^ipc_sem_array_semaphores{' "$work/first.prom" || fail "no semaphore array of Apache seen"

# Healthy phase: traffic that recycles children, sampled between bursts.
start_prometheus
dead_last_operator=0
for i in $(seq 1 12); do
  requests 10
  scrape "$work/healthy_$i.prom"
  no_findings "$work/healthy_$i.prom" || fail "a finding on healthy Apache (scrape $i)"
  alerts=$(firing_alerts) || fail "Prometheus did not answer"
  [[ -z "$alerts" ]] || fail "Prometheus fires on healthy Apache: $alerts"
  # The case that used to read as orphaned: the array's last operator was a recycled child.
  grep -qE '^ipc_sem_last_operator_alive\{.*\} 0$' "$work/healthy_$i.prom" && dead_last_operator=1
done
((dead_last_operator)) || fail "no array with a gone last operator: the scenario did not happen"
check_alerts "$work/healthy_12.prom" "" healthy
echo "healthy: $(grep -cE '^ipc_sem_array_semaphores\{' "$work/healthy_12.prom") arrays, no finding, no alert"

# Crash: kill -9 of the parent and every child.
crash_and_scrape "$work/crashed.prom"
operated=$(grep -E '^ipc_sem_last_operation_pid\{.*\} [1-9][0-9]*$' "$work/crashed.prom" |
  sed -E 's/.*semid="([0-9]+)".*/\1/' | sort -u | wc -l)
orphaned=$(count_samples "$work/crashed.prom" ipc_sem_array_orphaned 1)
((operated > 0)) || fail "no operated array left after the crash"
[[ "$orphaned" == "$operated" ]] || fail "after the crash $orphaned of $operated operated arrays read as orphaned"
check_alerts "$work/crashed.prom" "IPCSemaphoreArrayOrphaned $orphaned" crashed
await_alerts "IPCSemaphoreArrayOrphaned $orphaned"
echo "crashed: $orphaned of $operated operated arrays orphaned on the first scrape; IPCSemaphoreArrayOrphaned fires for each"
echo "1 passed, 0 failed"
