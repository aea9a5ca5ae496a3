#!/usr/bin/env bash
# Host-cost benchmarks (JMH, bench/src/test/java/dev/moegen/bench/jmh): warm costs of spec parsing, parameter
# resolution, lowering, source rendering and the forward launch path; cold first-call costs in fresh JVMs.
# Usage: bench/jmh.sh [JMH args, e.g. HostCosts]  — results as JSON in bench/results/<device>/jmh-host.json
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$root/bin/jdk25.sh"
"$root/bin/mvn" -B -q -f "$root/pom.xml" -DskipTests install -pl bench -am
cp=$("$root/bin/mvn" -B -q -Dstyle.color=never -f "$root/bench/pom.xml" dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/dev/stdout | sed "s/\x1b\[[0-9;]*m//g")
dir="$root/bench/results/${DEVICE:-pocl-cpu-$(date -u +%Y-%m-%d)}"
mkdir -p "$dir"
exec java --enable-native-access=ALL-UNNAMED -cp "$root/bench/target/test-classes:$root/bench/target/classes:$cp" org.openjdk.jmh.Main \
  -jvmArgsAppend --enable-native-access=ALL-UNNAMED -rf json -rff "$dir/jmh-host.json" "$@"
