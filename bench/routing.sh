#!/usr/bin/env bash
# Home-realm discovery at scale: 100,000 orgs and 200,000 domains, lookup latency p50/p99.
#   bench/routing.sh [-Dorgs=100000 -Dlookups=2000000]
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA_HOME=$(./gatehouse jdk)
export JAVA_HOME
./mvnw -q -B test-compile -DskipTests >/dev/null
cp=$(./mvnw -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/dev/stdout)
exec "$JAVA_HOME/bin/java" -Xmx1g "$@" -cp "target/test-classes:target/classes:$cp" io.gatehouse.routing.RoutingBenchmark
