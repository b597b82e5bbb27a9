#!/usr/bin/env bash
# Builds the analyst CLI if needed, then runs it: stage-scores timeline|leaderboard|tracks.
# Options are passed to dev.crowdemotion.analyst.StageScoresCli (try --help), e.g.
#   ./scripts/stage-scores.sh leaderboard --config config/local.json
#   ./scripts/stage-scores.sh timeline --stage rock --last 15m --format csv --config config/local.json
# Without --config or --endpoint it reads the tables on AWS (default region and credentials chains).
set -euo pipefail
cd "$(dirname "$0")/.."

jar() { ls analyst-cli/target/analyst-cli-*-cli.jar 2>/dev/null | head -n 1; }
JAR="$(jar)"
if [ -z "$JAR" ] || [ -n "$(find pom.xml connectors analyst-cli -path '*/target' -prune -o \
      \( -name '*.java' -o -name pom.xml -o -path '*/src/main/resources/*' \) -newer "$JAR" -print -quit)" ]; then
  echo "Building (mvn -DskipTests -pl analyst-cli -am package)..." >&2
  mvn -B -q -DskipTests -pl analyst-cli -am package >&2
  JAR="$(jar)"
fi
exec java -jar "$JAR" "$@"
