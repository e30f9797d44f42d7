#!/usr/bin/env bash
# The exporter's TLS as scanners see it: sslscan lists every protocol and suite offered,
# testssl.sh checks forward secrecy and the known vulnerabilities. With exporter-toolkit's
# defaults only TLS 1.2 and 1.3 are offered and TLS 1.2 only with forward-secret AEAD suites;
# cipher_suites, max_version and curve_preferences from a web config are honoured exactly.
# Usage: tls_scan_test.sh EXPORTER. Loopback only; the exporter is stopped by its pid.
set -euo pipefail
EXPORTER=$(readlink -f "$1")
work=$(mktemp -d)
# shellcheck source=scripts/exporter_process.sh
source "$(dirname "$(readlink -f "$0")")/../../scripts/exporter_process.sh"
trap 'stop_exporter; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
  -addext subjectAltName=IP:127.0.0.1 -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null

start() {  # WEB_CONFIG_EXTRA: lines added under tls_server_config
  stop_exporter
  printf 'tls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\n%s' "$1" >"$work/web.yml"
  start_exporter "$EXPORTER" "$work/log" --web.config.file="$work/web.yml"
}
scan() { sslscan --no-colour --no-heartbleed "127.0.0.1:$port"; }
accepted() { awk '/^(Preferred|Accepted) +TLSv1.2/ {print $5}' <<<"$1" | sort | tr '\n' ' '; }

echo "== defaults: TLS 1.2 and 1.3, TLS 1.2 only ECDHE with AES-GCM or ChaCha20-Poly1305"
start ""
out=$(scan)
for protocol in SSLv2 SSLv3 TLSv1.0 TLSv1.1; do
  grep -Eq "^$protocol +disabled" <<<"$out" || fail "$protocol is not disabled: $out"
done
for protocol in TLSv1.2 TLSv1.3; do
  grep -Eq "^$protocol +enabled" <<<"$out" || fail "$protocol is not enabled"
done
suites=$(accepted "$out")
[[ -n "$suites" ]] || fail "no TLS 1.2 suite found in: $out"
for suite in $suites; do
  [[ "$suite" == ECDHE-*-GCM-* || "$suite" == ECDHE-*-CHACHA20-POLY1305 ]] ||
    fail "TLS 1.2 suite $suite is not forward-secret AEAD"
done
echo "TLS 1.2 suites: $suites"

echo "== testssl.sh: forward secrecy and vulnerabilities"
testssl --quiet --color 0 --warnings off --jsonfile "$work/testssl.json" -p -f -U \
  "127.0.0.1:$port" >"$work/testssl.out" 2>&1 || true
[[ -s "$work/testssl.json" ]] || fail "testssl.sh wrote no results: $(tail -20 "$work/testssl.out")"
bad=$(jq -r '.[] | select(.severity | test("LOW|MEDIUM|HIGH|CRITICAL")) | "\(.severity) \(.id): \(.finding)"' \
  "$work/testssl.json")
[[ -z "$bad" ]] || fail "testssl.sh findings: $bad"
for id in PFS LUCKY13 ROBOT; do  # forward secrecy; no CBC; no RSA key transport
  [[ $(jq -r --arg id "$id" '.[] | select(.id == $id) | .severity' "$work/testssl.json") == OK ]] ||
    fail "testssl.sh: $id is not OK"
done
echo "testssl.sh: $(jq length "$work/testssl.json") checks, none LOW or worse"

echo "== cipher_suites, max_version and curve_preferences are honoured"
start $'  cipher_suites: [TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384]\n  max_version: TLS12\n  curve_preferences: [CurveP384]\n'
out=$(scan)
[[ "$(accepted "$out")" == "ECDHE-RSA-AES256-GCM-SHA384 " ]] ||
  fail "cipher_suites not honoured: $(accepted "$out")"
grep -Eq "^TLSv1.3 +disabled" <<<"$out" || fail "max_version TLS12 not honoured"
groups=$(awk '/Server Key Exchange Group/ {on=1; next} on && /^TLSv1.2/ {print $4}' <<<"$out" | sort -u | tr '\n' ' ')
[[ "$groups" == "secp384r1 " ]] || fail "curve_preferences not honoured: $groups"

echo "== what cannot be honoured stops start-up with the reason"
printf 'tls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\n  min_version: TLS10\n' \
  >"$work/old.yml"
if "$EXPORTER" --web.listen-address=127.0.0.1:0 --web.config.file="$work/old.yml" \
  >"$work/old.log" 2>&1; then
  fail "min_version TLS10 was accepted"
fi
grep -q "min_version TLS10 cannot be honoured" "$work/old.log" || fail "no reason: $(cat "$work/old.log")"
echo "1 passed, 0 failed"
