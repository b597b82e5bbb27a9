#!/usr/bin/env bash
# Benchmark of the detector modes (docs/benchmarks-detection.md): bytes into Kinesis per frame
# and per face for full frames vs. edge face records, and the job's CPU per frame with embedded,
# SageMaker and edge detection. Builds what it must, then runs DetectionBench (stand-ins in a
# child JVM) and prints markdown tables.
#
#   scripts/bench-detection.sh                       # the documented run, about 4 minutes
#   scripts/bench-detection.sh --frames-per-stage 20 --repeats 1   # a quick look
#
# Any option is passed to DetectionBench (see: java ... DetectionBench --help).
# Output: local-demo/target/bench/detection-<time>.md
# Environment: MVN_FLAGS (default "-o": offline), BENCH_JAVA_OPTS (default "-Xmx2g").
set -euo pipefail
cd "$(dirname "$0")/.."

out=local-demo/target/bench
mkdir -p "$out"
if [ ! -f local-stack/node_modules/kinesis-local/main.js ]; then
  (cd local-stack && npm ci --no-audit --no-fund --loglevel=error)
fi
stamp="$out/.built-detection"
if [ ! -f local-demo/target/classpath.txt ] || [ ! -f "$stamp" ] || [ -n "$(find connectors vision model-server job camera-simulator local-stack local-demo pom.xml \
      \( -name '*.java' -o -name pom.xml -o -path '*/src/main/resources/*' \) -newer "$stamp" -print -quit)" ]; then
  echo "Building (mvn package -pl local-demo -am -DskipTests)..." >&2
  # shellcheck disable=SC2086
  mvn -B -q ${MVN_FLAGS--o} -pl local-demo -am package -DskipTests
  touch "$stamp"
fi

cp="local-demo/target/classes:$(cat local-demo/target/classpath.txt)"
ts=$(date -u +%Y%m%dT%H%M%SZ)
report="$out/detection-$ts.md"
# shellcheck disable=SC2086
java_opts=(${BENCH_JAVA_OPTS:--Xmx2g})
{
  echo "## Machine"
  echo
  echo "- date (UTC): $(date -u '+%Y-%m-%d %H:%M')"
  echo "- git: $(git rev-parse --short HEAD 2>/dev/null || echo n/a)$( [ -n "$(git status --porcelain 2>/dev/null | head -1)" ] && echo ' (with uncommitted changes)')"
  echo "- nproc: $(nproc); memory: $(free -m | awk '/^Mem:/ {print $2 " MB total, " $7 " MB available"}')"
  echo "- CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "- java: $(java -version 2>&1 | head -2 | tr '\n' ' ')"
  echo "- JVM options: ${java_opts[*]}; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- command: scripts/bench-detection.sh $*"
  echo
} > "$report"
start=$(date +%s)
java "${java_opts[@]}" -Daws.cborEnabled=false -Dcrowdemotion.log.dir="$out/logs-detection-$ts" -cp "$cp" \
  dev.crowdemotion.local.bench.DetectionBench "$@" >> "$report"
echo >> "$report"
echo "- wall time: $(( $(date +%s) - start )) s; load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$report"
cat "$report"
echo "report: $report" >&2
