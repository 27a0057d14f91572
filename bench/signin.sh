#!/usr/bin/env bash
# Complete sign-ins per second: pre-signed SAML responses posted to the ACS, codes exchanged for
# ID tokens, userinfo read, against Gatehouse started fresh (embedded H2, or GATEHOUSE_DB_URL).
#   bench/signin.sh [-Dn=3000 -Dworkers=8 -Dalg=ES256|RS256]
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA_HOME=$(./gatehouse jdk)
export JAVA_HOME
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
data=$(mktemp -d)
key="bench-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
cleanup() { [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null; wait "${pid:-}" 2>/dev/null || true; rm -rf "$data"; }
trap cleanup EXIT
./gatehouse prepare
./mvnw -q -B test-compile -DskipTests >/dev/null
cp=$(./mvnw -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/dev/stdout)
echo "Database: ${GATEHOUSE_DB_URL:-embedded H2 in $data}"
GATEHOUSE_DATA_DIR="$data" GATEHOUSE_ADMIN_KEY="$key" SERVER_PORT="$port" GATEHOUSE_BASE_URL="http://127.0.0.1:$port" \
  ./gatehouse start >"$data/gatehouse.log" 2>&1 &
pid=$!
for _ in $(seq 1 600); do
  curl -sf "http://127.0.0.1:$port/actuator/health" >/dev/null 2>&1 && break
  sleep 0.1
done
# warm and idle: the SP key pool of a fresh node fills in the background first (a tenth of a core)
last=0
for _ in $(seq 1 180); do
  now=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  [ "$last" -gt 0 ] && [ $((now - last)) -le 5 ] && break
  last=$now
  sleep 1
done
"$JAVA_HOME/bin/java" -Durl="http://127.0.0.1:$port" -DadminKey="$key" -DserverPid="$pid" "$@" \
  -cp "target/test-classes:target/classes:$cp" io.gatehouse.bench.SignInLoadHarness
