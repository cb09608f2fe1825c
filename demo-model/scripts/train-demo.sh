#!/usr/bin/env bash
# Trains the demo model as the shipped one was trained: a text warm-up (the text loss alone), then from
# it the lambda_S = 0.01 run and its lambda_S = 0 ablation side by side, one core each. Run from the
# repository root:
#   demo-model/scripts/train-demo.sh [DATA [RUNS [STEPS [BATCH [LR [SEED [WARMUP_STEPS]]]]]]]
# DATA: the DubaiConverter output (made here when missing); RUNS: output folder (outside the repository).
set -euo pipefail
data="${1:-../demo-data}"
runs="${2:-../demo-runs}"
steps="${3:-3000}"
batch="${4:-2}"
lr="${5:-3e-4}"
seed="${6:-42}"
warmup_steps="${7:-4000}"
mkdir -p "$runs"
mvn -B -q -o -pl demo-model -am package -DskipTests dependency:build-classpath \
  -Dmdep.outputFile="$runs/classpath-\${project.artifactId}.txt"
# the runs read a copy of the jars: rebuilding the project must not rewrite them under the running JVMs
mkdir -p "$runs/lib"
cp="$runs/lib/segearth-demo-model.jar"
cp demo-model/target/segearth-demo-model-0.1.0-SNAPSHOT.jar "$cp"
IFS=: read -r -a deps < "$runs/classpath-segearth-demo-model.txt" || true # no final newline
for jar in "${deps[@]}"; do
  cp "$jar" "$runs/lib/"
  cp="$cp:$runs/lib/$(basename "$jar")"
done
java_opts=(-Xmx6g -Dsegearth.demo.chunk=500 -Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1
  -Dai.djl.pytorch.graph_optimizer=false -Dai.djl.offline=true)
if [ ! -d "$data/train" ]; then
  java "${java_opts[@]}" -cp "$cp" org.segearth.demo.DubaiConverter ../shared/data/dubai "$data" "$seed"
fi
warm="$runs/text-warmup"
if [ ! -d "$warm/trained/model" ]; then
  echo "text warm-up ($warmup_steps steps); log: $warm.log"
  OMP_NUM_THREADS=1 java "${java_opts[@]}" -cp "$cp" org.segearth.demo.TrainDemoModel \
    warmup "$data" "$warm" "$seed" "$warmup_steps" "$batch" "$lr" > "$warm.log" 2>&1
fi
for lambda in 0.01 0; do
  out="$runs/demo-lambda$lambda"
  mkdir -p "$out"
  OMP_NUM_THREADS=1 nohup java "${java_opts[@]}" -cp "$cp" org.segearth.demo.TrainDemoModel \
    "$data" "$out" "$seed" "$lambda" "$steps" "$batch" "$lr" "$out/docs" "$warm/trained/model" > "$out.log" 2>&1 &
done
echo "training in the background; logs: $runs/demo-lambda0.01.log $runs/demo-lambda0.log"
wait
