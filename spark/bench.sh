#!/usr/bin/env bash
# The same 64 tiles (crops of testdata/dubai) with the demo model: the plain API and a Spark job in
# local[1] and local[2], each in its own JVM, REPS times in turn; then one scene of 64 tiles
# (testdata/geo, tiles of 128) through the CLI's SceneSegmenter and a SparkScenes job (tile, merge
# and file stages). Prints one RESULT line per run and the load average before and after.
# Usage: spark/bench.sh WORK_DIR [REPS]
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=${1:?usage: spark/bench.sh WORK_DIR [REPS]}
REPS=${2:-2}
mkdir -p "$WORK"
# one reactor build, so that the SDK's modules come from their target folders
mvn -B -q -o -pl spark -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$(pwd)/spark/target/bench-classpath.txt"
CP="spark/target/test-classes:spark/target/classes:$(cat spark/target/bench-classpath.txt)"
FLAGS=$(sed -n "s:.*<spark.jvm.options>\(.*\)</spark.jvm.options>.*:\1:p" spark/pom.xml)
echo "load before: $(cat /proc/loadavg)"
for rep in $(seq "$REPS"); do
  for run in "plain 1" "spark 1" "plain 2" "spark 2"; do
    # shellcheck disable=SC2086
    OMP_NUM_THREADS=1 java -Xss4m $FLAGS -Dai.djl.offline=true -Dsegearth.testdata=testdata \
      -Dsegearth.cache="$WORK/cache" -cp "$CP" org.segearth.spark.bench.TileThroughput "$WORK/tiles" $run \
      2> "$WORK/stderr-$rep-${run// /-}.log" | grep RESULT
  done
  for run in "plain 1" "spark 1" "plain 2" "spark 2"; do
    # shellcheck disable=SC2086
    OMP_NUM_THREADS=1 java -Xss4m $FLAGS -Dai.djl.offline=true -Dsegearth.testdata=testdata \
      -Dsegearth.cache="$WORK/cache" -cp "$CP" org.segearth.spark.bench.SceneThroughput "$WORK/scenes" $run \
      2> "$WORK/stderr-scene-$rep-${run// /-}.log" | grep RESULT
  done
done
echo "load after: $(cat /proc/loadavg)"
