#!/usr/bin/env bash
# Benchmark of the Rekognition enrichment step (docs/benchmarks-rekognition.md): builds what it
# must, runs the scenarios on a Flink mini-cluster against the local DetectFaces stand-in (quota,
# realistic latency), and prints the results as markdown tables.
#
#   scripts/bench-rekognition.sh                 # the documented run, about 10-11 minutes
#   scripts/bench-rekognition.sh --no-extra      # only the six acceptance scenarios
#   scripts/bench-rekognition.sh --scenarios single-3x,mosaic-3x@5 --seconds 30   # one custom run
#
# Without --scenarios, three runs (one JVM each) append to one results file:
#   1. acceptance, job defaults:  single-1x,single-3x,single-10x (Q = 20) and mosaic-1x,3x,10x @ Q = 5 (K = 16)
#   2. mosaic at Q = 20 (the stand-in's CPU is the limit on a 2-core machine): mosaic-1x@20
#   3. diagnostic: single-3x, single-10x and mosaic-10x@5 with Rekognition.async.capacity=1000
# Any other option is passed to every run (see: java ... RekognitionBench --help).
# Outputs: local-demo/target/bench/results-<time>.jsonl and report-<time>.md (the tables).
# Environment: MVN_FLAGS (default "-o": offline), BENCH_JAVA_OPTS (default "-Xmx1g").
set -euo pipefail
cd "$(dirname "$0")/.."

extra=1
custom=0
args=()
for a in "$@"; do
  case "$a" in
    --no-extra) extra=0 ;;
    --scenarios|--scenarios=*) custom=1; args+=("$a") ;;
    *) args+=("$a") ;;
  esac
done

out=local-demo/target/bench
stamp="$out/.built"
mkdir -p "$out"
if [ ! -f local-demo/target/classpath.txt ] || [ ! -f "$stamp" ] || [ -n "$(find connectors vision job local-stack local-demo pom.xml \
      \( -name '*.java' -o -name pom.xml -o -path '*/src/main/resources/*' \) -newer "$stamp" -print -quit)" ]; then
  echo "Building (mvn package -pl local-demo -am -DskipTests)..." >&2
  # shellcheck disable=SC2086
  mvn -B -q ${MVN_FLAGS--o} -pl local-demo -am package -DskipTests
  touch "$stamp"
fi

cp="local-demo/target/classes:$(cat local-demo/target/classpath.txt)"
ts=$(date -u +%Y%m%dT%H%M%SZ)
results="$out/results-$ts.jsonl"
report="$out/report-$ts.md"
# shellcheck disable=SC2086
java_opts=(${BENCH_JAVA_OPTS:--Xmx1g})

bench() { # <log name> <harness options...>
  local name=$1
  shift
  echo "== $name: RekognitionBench $*" >&2
  java "${java_opts[@]}" -Dcrowdemotion.log.dir="$out/logs-$ts-$name" -cp "$cp" \
    dev.crowdemotion.local.bench.RekognitionBench --results "$results" "$@" >/dev/null
}

{
  echo "## Machine"
  echo
  echo "- date (UTC): $(date -u '+%Y-%m-%d %H:%M')"
  echo "- git: $(git rev-parse --short HEAD 2>/dev/null || echo n/a)$( [ -n "$(git status --porcelain 2>/dev/null | head -1)" ] && echo ' (with uncommitted changes)')"
  echo "- uncommitted changes to job, connectors, vision (main sources): $(git diff HEAD --stat -- job/src/main connectors/src/main vision/src/main 2>/dev/null | tail -1 | sed 's/^ *//;s/^$/none/'); fingerprint $(git diff HEAD -- job/src/main connectors/src/main vision/src/main 2>/dev/null | sha1sum | cut -c1-12)"
  echo "- nproc: $(nproc); memory: $(free -m | awk '/^Mem:/ {print $2 " MB total, " $7 " MB available"}')"
  echo "- CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "- java: $(java -version 2>&1 | head -2 | tr '\n' ' ')"
  echo "- JVM options: ${java_opts[*]}; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- command: scripts/bench-rekognition.sh $*"
  echo
} > "$report"

start=$(date +%s)
if [ "$custom" = 1 ]; then
  bench custom "${args[@]}"
else
  bench acceptance --scenarios single-1x,single-3x,single-10x,mosaic-1x@5,mosaic-3x@5,mosaic-10x@5 "${args[@]}"
  if [ "$extra" = 1 ]; then
    bench mosaic-q20 --scenarios mosaic-1x@20 "${args[@]}"
    bench capacity --scenarios single-3x,single-10x,mosaic-10x@5 --set Rekognition.async.capacity=1000 "${args[@]}"
  fi
fi
echo "- wall time: $(( $(date +%s) - start )) s; load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$report"
echo >> "$report"
java -cp "$cp" dev.crowdemotion.local.bench.RekognitionBenchReport "$results" >> "$report"
cat "$report"
echo >&2
echo "results: $results" >&2
echo "report:  $report" >&2
