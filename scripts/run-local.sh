#!/usr/bin/env bash
# Builds what it must, then runs the crowd-emotion job on a Flink mini-cluster against the
# local stack (kinesis-mock, DynamoDB Local, the Rekognition stand-in) with the vendored photos.
# Options are passed to dev.crowdemotion.local.demo.LocalDemo (try --help), e.g. --duration 120s.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -f local-stack/node_modules/kinesis-local/main.js ]; then
  (cd local-stack && npm ci --no-audit --no-fund --loglevel=error)
fi
if [ ! -f local-demo/target/classpath.txt ] || [ -n "$(find . -path ./local-stack/node_modules -prune -o \
      \( -name '*.java' -o -name pom.xml -o -path '*/src/main/resources/*' \) -newer local-demo/target/classpath.txt -print -quit)" ]; then
  echo "Building (mvn -DskipTests install)..." >&2
  mvn -B -q -DskipTests install
fi
exec java -Xmx4g -Daws.cborEnabled=false \
  -cp "local-demo/target/classes:$(cat local-demo/target/classpath.txt)" \
  dev.crowdemotion.local.demo.LocalDemo "$@"
