#!/usr/bin/env bash
# Real PostgreSQL 15 with System V shared memory (shared_memory_type = sysv,
# dynamic_shared_memory_type = sysv), started as the postgres user in a private IPC+mount+PID
# namespace. While it runs healthy (thousands of tables created, then a restart whose startup
# process restores statistics into segments it leaves unattached when it exits), no scrape may
# carry a finding and no shipped alert may fire; after kill -9 of the postmaster and every
# backend, every segment left behind is a leak on the very next scrape and the leak alert fires.
# Usage: postgresql_test.sh EXPORTER RULES
set -euo pipefail
EXPORTER=$1
RULES=$2
source "$(dirname "$0")/common.sh"

bin=/usr/lib/postgresql/15/bin
[[ -x $bin/postgres ]] || fail "postgresql-15 is not installed"
id postgres >/dev/null || fail "no postgres user"
chown postgres "$work"
as_postgres() { runuser -u postgres -- "$@"; }
as_postgres "$bin/initdb" -D "$work/data" --no-sync -A trust >"$work/initdb.log" 2>&1 ||
  { cat "$work/initdb.log"; fail "initdb"; }
cat >>"$work/data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$work'
shared_memory_type = sysv
dynamic_shared_memory_type = sysv
fsync = off
CONF

start_namespace "runuser -u postgres -- $bin/pg_ctl -D $work/data -l $work/pg.log -w start >/dev/null &&
  touch $work/ready && exec sleep 3600"
psql() { runuser -u postgres -- /usr/bin/psql -h "$work" -d postgres -qAt "$@"; }

start_exporter
scrape "$work/first.prom"
grep -q '^ipc_shm_segment_attached_processes{' "$work/first.prom" || fail "no segment of PostgreSQL seen"

# Healthy phase: statistics and DSM churn, then a clean restart inside the namespace.
psql -c "DO \$\$ BEGIN FOR i IN 1..3000 LOOP EXECUTE format('CREATE TABLE t%s (a int); INSERT INTO t%s VALUES (1)', i, i); END LOOP; END \$\$;"
psql -c "SELECT count(*) FROM pg_stat_user_tables" >/dev/null
nsenter -t "$ns_init" -m -p -i -- runuser -u postgres -- "$bin/pg_ctl" -D "$work/data" -w -m fast \
  restart -l "$work/pg.log" >/dev/null
psql -c "SELECT count(*) FROM pg_stat_user_tables" >/dev/null

start_prometheus
unattached_dead_creator=0
for i in $(seq 1 12); do
  scrape "$work/healthy_$i.prom"
  no_findings "$work/healthy_$i.prom" || fail "a finding on healthy PostgreSQL (scrape $i)"
  alerts=$(firing_alerts) || fail "Prometheus did not answer"
  [[ -z "$alerts" ]] || fail "Prometheus fires on healthy PostgreSQL: $alerts"
  # The case that used to read as a leak: unattached, its creator gone, the server alive.
  if grep -qE '^ipc_shm_segment_attached_processes\{.*\} 0$' "$work/healthy_$i.prom" &&
     grep -qE '^ipc_shm_segment_creator_alive\{.*\} 0$' "$work/healthy_$i.prom"; then
    unattached_dead_creator=1
  fi
  psql -c "SELECT count(*) FROM pg_stat_user_tables" >/dev/null
  sleep 1
done
((unattached_dead_creator)) || fail "no unattached segment with a gone creator: the scenario did not happen"
check_alerts "$work/healthy_12.prom" "" healthy
echo "healthy: $(count_samples "$work/healthy_12.prom" ipc_shm_segment_size_bytes '.*') segments, no finding, no alert"

# Crash: kill -9 of the postmaster and every backend.
crash_and_scrape "$work/crashed.prom"
segments=$(grep -cE '^ipc_shm_segment_size_bytes\{' "$work/crashed.prom" || true)
leaked=$(count_samples "$work/crashed.prom" ipc_shm_segment_orphaned 1)
((segments > 0)) || fail "no segment left after the crash"
[[ "$leaked" == "$segments" ]] || fail "after the crash $leaked of $segments segments read as leaked"
grep -qE '^ipc_shm_segment_info\{.*creator_command="postgres".*\} 1$' "$work/crashed.prom" ||
  fail "the postmaster's segment does not name its remembered command"
check_alerts "$work/crashed.prom" "IPCSharedMemorySegmentLeaked $segments" crashed
await_alerts "IPCSharedMemorySegmentLeaked $segments"
echo "crashed: $leaked of $segments segments leaked on the first scrape; IPCSharedMemorySegmentLeaked fires for each"
echo "1 passed, 0 failed"
