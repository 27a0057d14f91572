#!/usr/bin/env bash
# The ACS path on one core: a signed ~10 KB SAML Response validated end to end, against its floor
# (secure XML parse + one RSA-2048 verify), after 30 s of warm-up.   bench/acs.sh [-Dwarmup=ms -Dmeasure=ms -Drounds=n]
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA_HOME=$(./gatehouse jdk)
export JAVA_HOME
./mvnw -q -B test-compile -DskipTests >/dev/null
cp=$(./mvnw -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/dev/stdout)
# one core: the figure is per core, whatever the machine has
exec taskset -c 0 "$JAVA_HOME/bin/java" -XX:ActiveProcessorCount=1 "$@" -cp "target/test-classes:target/classes:$cp" \
  io.gatehouse.saml.AcsValidationBenchmark
