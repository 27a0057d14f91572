#!/usr/bin/env bash
# Starts Gatehouse on a fresh data folder (or GATEHOUSE_DB_URL's PostgreSQL), measures start-up time
# and idle memory, runs the registry load harness against it, and stops it.
#   bench/run.sh [harness options, e.g. --n 2000 --warmup 500 --workers 8]
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA_HOME=$(./gatehouse jdk)
export JAVA_HOME
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null || echo 18080)
data=$(mktemp -d)
key="bench-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
log="$data/gatehouse.log"
cleanup() { [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null; wait "${pid:-}" 2>/dev/null || true; rm -rf "$data"; }
trap cleanup EXIT

# build and train the class cache once, outside the timed start; the harness's HTTP client is in the test sources
./gatehouse prepare
./mvnw -q -B test-compile -DskipTests >/dev/null

echo "Database: ${GATEHOUSE_DB_URL:-embedded H2 in $data}"
started=$(date +%s%N)
GATEHOUSE_DATA_DIR="$data" GATEHOUSE_ADMIN_KEY="$key" SERVER_PORT="$port" GATEHOUSE_BASE_URL="http://127.0.0.1:$port" \
  ./gatehouse start >"$log" 2>&1 &
pid=$!
for _ in $(seq 1 600); do
  if curl -sf "http://127.0.0.1:$port/actuator/health" >/dev/null 2>&1; then break; fi
  sleep 0.05
done
ready=$(date +%s%N)
java_pid=$pid   # ./gatehouse start execs the JVM
echo "Start-up: ready after $(( (ready - started) / 1000000 )) ms (script, JVM and Spring); $(grep -o 'Started GatehouseApplication in [0-9.]* seconds' "$log" | head -1)"
sleep 10
echo "Idle RSS after start: $(awk '/VmRSS/ {printf "%.0f MB", $2/1024}' /proc/"$java_pid"/status)"
"$JAVA_HOME/bin/java" -cp target/test-classes bench/RegistryLoadHarness.java --url "http://127.0.0.1:$port" --admin-key "$key" --server-pid "$java_pid" "$@"
status=$?
echo "RSS after load: $(awk '/VmRSS/ {printf "%.0f MB", $2/1024}' /proc/"$java_pid"/status)"
exit $status
