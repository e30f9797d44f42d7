#!/usr/bin/env bash
# Checks the deployment files that have no daemon to load them here: every Grafana dashboard
# query parses as PromQL (promtool checks them as recording rules, with the dashboard's variables
# given values), the dashboard has its datasource and instance variables, and the Kubernetes
# manifests parse and keep what the exporter needs and nothing more.
#
#   manifests_test.sh SOURCE_DIR
set -euo pipefail
deploy=$1/deploy
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

dashboard=$deploy/grafana/ipc_exporter.json
jq -e '.templating.list | map(.name) | index("datasource") and index("instance")' "$dashboard" \
  >/dev/null || fail "the dashboard lacks its datasource or instance variable"
jq -e '[.panels[] | select(.type == "heatmap") | .targets[].expr |
  test("ipc_sem_array_wait_seconds_bucket")] | any' "$dashboard" >/dev/null ||
  fail "the dashboard lacks the semaphore wait-time heatmap"
queries=$(jq -r '[.. | .expr? // empty] | length' "$dashboard")
[[ $queries -ge 10 ]] || fail "only $queries queries in the dashboard"
{
  echo "groups:"
  echo "  - name: dashboard_queries"
  echo "    rules:"
  jq -r '.. | .expr? // empty' "$dashboard" |
    sed -e 's/\$__rate_interval/5m/g' -e 's/\$instance/.*/g' -e 's/\$semid/.*/g' |
    jq -R -r 'tojson' | awk '{ printf "      - record: dashboard_query_%d\n        expr: %s\n", NR, $0 }'
} >"$scratch/queries.yml"
promtool check rules "$scratch/queries.yml" || fail "a dashboard query does not parse"

daemonset=$deploy/kubernetes/daemonset.yaml
check() { yq -e "$1" "$daemonset" >/dev/null || fail "daemonset: $2"; }
check '.kind == "DaemonSet"' "not a DaemonSet"
check '.spec.template.spec.hostIPC == true' "hostIPC is needed to see the host's IPC objects"
check '.spec.template.spec.hostPID == true' "hostPID is needed for process liveness"
check '.spec.template.spec.containers[0].securityContext.capabilities.add == ["IPC_OWNER"]' \
  "the one capability must be IPC_OWNER"
check '.spec.template.spec.containers[0].securityContext.capabilities.drop == ["ALL"]' \
  "every other capability must be dropped"
check '.spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem == true' \
  "the root filesystem must be read-only"
check '.spec.template.spec.containers[0].livenessProbe.httpGet.path == "/healthz"' \
  "the liveness probe must use /healthz"
check '.spec.template.spec.containers[0].readinessProbe.httpGet.path == "/healthz"' \
  "the readiness probe must use /healthz"
yq -e '.kind == "Service" and .spec.ports[0].port == 12110' "$deploy/kubernetes/service.yaml" \
  >/dev/null || fail "the Service must expose port 12110"
yq -e '.scrape_configs[0].job_name == "ipc_exporter"' \
  "$deploy/kubernetes/prometheus-scrape-config.yaml" >/dev/null ||
  fail "the scrape config's job must be ipc_exporter (the alert rules expect it)"
echo "1 passed, 0 failed"
