#!/usr/bin/env bash
# The generalising demo recipe in one command, run from the repository root:
#   demo-model/scripts/cross-validate.sh WORK DOCS [FOLD_WARMUP [FOLD_STEPS [FINAL_WARMUP [FINAL_STEPS [BATCH [LR [SEED [VAL_VIEWS]]]]]]]]
# 1. tile-level cross-validation: 3 folds, each holding out two whole tiles (1-2, 3-4, 5-6); per fold the data
#    (DubaiConverter --recipe: rich instructions, augmentations, mosaics; byte-level BPE tokenizer), a text warm-up
#    of FOLD_WARMUP steps, the mask-branch stage (PretrainMaskBranch: MASK_STEPS steps of MASK_BATCH fresh views, every
#    class densely, without the language model), a run of FOLD_STEPS steps (lambda_S = 0.01), and the generative evaluation on the held-out
#    tiles with seen-style phrasings (val) and with the validation-only phrasings (val-unseen);
# 2. the final model: the same recipe on the fixed split (part N + 1 of Tile N held out), a text warm-up of
#    FINAL_WARMUP steps, the mask-branch stage, then lambda_S = 0.01 and its lambda_S = 0 ablation (FINAL_STEPS each, side by side), both
#    evaluated on val (generative and teacher-forced) and val-unseen (generative);
# 3. docs into DOCS: cross-validation.{md,json}, metrics-*.{md,json}, loss.png, overlays of the best and worst
#    val-unseen samples of the final model, timing.md (seconds per stage, steps per second).
# Two JVMs at a time (two lanes), one intra-op thread each. Every stage is skipped when its output exists, so a stopped run
# resumes. Environment: DUBAI (source tiles, default ../shared/data/dubai), JAVA_XMX (default 4g), NICE (default 0),
# MASK_STEPS (default 1000), MASK_BATCH (default 4) and MASK_JITTER (default 1: colour jitters per view, 2 composes a
# second) of the mask-branch stage, whose held-out IoU every 100 steps goes to WORK/*/masks/held-out-iou.csv, ABLATION=0 to skip the lambda_S = 0 run,
# RUN_LR (default 1e-4: the run's peak learning rate; LR is the mask-branch stage's, and the warm-up's unless WARMUP_LR is set),
# FOLDS_ONLY=1 to run the three folds at once (three JVMs) and write the cross-validation table alone (no final model),
# RUN_TRAINABLE (default EVERYTHING; SEGEARTH: the official subset, LoRA, lm_head, the head's decoders and the
# projector), PREFIX of the file names in DOCS
# (default bpe-; when set, cross-validation.* get it too), OVERWRITE=1 to replace files already in DOCS, EVAL_EVERY=K to evaluate every K-th record only (trial runs). The final packages stay in WORK (the embedded model is not replaced).
set -euo pipefail
if [ $# -lt 2 ]; then
  sed -n 2,3p "$0" >&2
  exit 2
fi
work="$1"
docs="$2"
fold_warmup="${3:-2000}"
fold_steps="${4:-1500}"
final_warmup="${5:-4000}"
final_steps="${6:-4500}"
batch="${7:-2}"
lr="${8:-3e-4}"
seed="${9:-42}"
val_views="${10:-1}"
dubai="${DUBAI:-../shared/data/dubai}"
nice_level="${NICE:-0}"
mask_steps="${MASK_STEPS:-1000}"
mask_batch="${MASK_BATCH:-4}"
mask_jitter="${MASK_JITTER:-1}"
run_trainable="${RUN_TRAINABLE:-EVERYTHING}"
run_lr="${RUN_LR:-1e-4}"
warmup_lr="${WARMUP_LR:-$lr}"
prefix="${PREFIX:-bpe-}"
folds=("1,2" "3,4" "5,6")

mkdir -p "$work" "$docs"
work="$(cd "$work" && pwd)"
docs="$(cd "$docs" && pwd)"
timing="$work/timing.csv"
[ -f "$timing" ] || echo "stage,seconds,steps" > "$timing"

# the runs read a copy of the jars: rebuilding the project must not rewrite them under the running JVMs
if [ ! -f "$work/lib/classpath" ]; then
  mvn -B -q -o -pl demo-model -am package -DskipTests dependency:build-classpath \
    -Dmdep.outputFile="$work/classpath-\${project.artifactId}.txt"
  mkdir -p "$work/lib"
  cp demo-model/target/segearth-demo-model-0.1.0-SNAPSHOT.jar "$work/lib/segearth-demo-model.jar"
  cp="$work/lib/segearth-demo-model.jar"
  IFS=: read -r -a deps < "$work/classpath-segearth-demo-model.txt" || true # no final newline
  for jar in "${deps[@]}"; do
    cp "$jar" "$work/lib/"
    cp="$cp:$work/lib/$(basename "$jar")"
  done
  echo "$cp" > "$work/lib/classpath"
fi
cp="$(cat "$work/lib/classpath")"
java_cmd=(nice -n "$nice_level" env OMP_NUM_THREADS=1 java "-Xmx${JAVA_XMX:-4g}" -Dsegearth.demo.chunk=500
  -Dsegearth.demo.tokenizer=bpe -Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1
  -Dai.djl.pytorch.graph_optimizer=false -Dai.djl.offline=true -Dsegearth.demo.eval.every="${EVAL_EVERY:-1}"
  -Dsegearth.demo.run.trainable="$run_trainable" -Dsegearth.demo.masks.jitter="$mask_jitter" -cp "$cp")

# stage NAME STEPS COMMAND...: runs COMMAND (log in WORK/logs/NAME.log) and records its wall time
stage() {
  local name="$1" steps="$2"
  shift 2
  mkdir -p "$work/logs"
  local start end
  start=$(date +%s)
  echo "$(date -u +%H:%M:%S) $name"
  if ! "$@" > "$work/logs/$name.log" 2>&1; then
    echo "stage $name failed; see $work/logs/$name.log" >&2
    return 1
  fi
  end=$(date +%s)
  echo "$name,$((end - start)),$steps" >> "$timing"
}

convert() { # OUT [--hold-out T] VAL_VIEWS
  local out="$1" views="$2"
  shift 2
  if [ ! -f "$out/summary.json" ]; then
    "${java_cmd[@]}" org.segearth.demo.DubaiConverter "$dubai" "$out" "$seed" --recipe --val-views "$views" "$@"
  fi
}

evaluate() { # PACKAGE DATA DIR TAG SPLIT MODE
  local pkg="$1" data="$2" dir="$3" tag="$4" split="$5" mode="$6"
  if [ ! -f "$dir/metrics-$tag.json" ]; then
    rm -rf "$dir/eval-$tag"
    "${java_cmd[@]}" org.segearth.demo.DemoDocs eval "$pkg" "$data" "$dir/eval-$tag" "$dir" "$tag" \
      "Demo model (Dubai, BPE recipe), $tag" "$mode" "$split"
  fi
}

masks() { # BASE OUT STAGE HELD_OUT: the mask-branch stage (PretrainMaskBranch) on the training parts
  local base="$1" out="$2" name="$3" held="$4"
  if [ ! -d "$out/model" ]; then
    rm -rf "$out"
    stage "$name" "$mask_steps" "${java_cmd[@]}" org.segearth.demo.PretrainMaskBranch "$base" "$dubai" "$out" "$seed" \
      "$mask_steps" "$mask_batch" "$lr" "$held"
  fi
}

fold_job() { # K HELD_OUT
  local k="$1" held="$2" dir="$work/fold$1"
  mkdir -p "$dir"
  stage "fold$k-data" 0 convert "$dir/data" "$val_views" --hold-out "$held"
  if [ ! -d "$dir/warmup/trained/model" ]; then
    stage "fold$k-warmup" "$fold_warmup" "${java_cmd[@]}" org.segearth.demo.TrainDemoModel warmup "$dir/data" \
      "$dir/warmup" "$seed" "$fold_warmup" "$batch" "$warmup_lr"
  fi
  masks "$dir/warmup/trained/model" "$dir/masks" "fold$k-masks" "$held"
  if [ ! -d "$dir/run/package" ]; then
    stage "fold$k-run" "$fold_steps" "${java_cmd[@]}" org.segearth.demo.TrainDemoModel "$dir/data" "$dir/run" "$seed" \
      0.01 "$fold_steps" "$batch" "$run_lr" "" "$dir/masks/model"
  fi
  stage "fold$k-eval-seen" 0 evaluate "$dir/run/package" "$dir/data" "$dir" seen val generative
  stage "fold$k-eval-unseen" 0 evaluate "$dir/run/package" "$dir/data" "$dir" unseen val-unseen generative
}

final_job() { # LAMBDA
  local lambda="$1" dir="$work/final/lambda$1"
  local tag
  tag=$([ "$lambda" = "0" ] && echo lambda0 || echo "lambda$lambda")
  mkdir -p "$dir"
  if [ ! -d "$dir/package" ]; then
    stage "final-$tag-run" "$final_steps" "${java_cmd[@]}" org.segearth.demo.TrainDemoModel "$work/final/data" "$dir" \
      "$seed" "$lambda" "$final_steps" "$batch" "$run_lr" "" "$work/final/masks/model"
  fi
  stage "final-$tag-eval" 0 evaluate "$dir/package" "$work/final/data" "$work/final/docs" "$tag" val generative
  stage "final-$tag-eval-tf" 0 evaluate "$dir/package" "$work/final/data" "$work/final/docs" "$tag-teacher-forced" val \
    teacher-forced
  stage "final-$tag-eval-unseen" 0 evaluate "$dir/package" "$work/final/data" "$work/final/docs" "$tag-unseen" \
    val-unseen generative
}

cross_validation() { # the table of the three folds, seen and unseen phrasings
  local cv=("${java_cmd[@]}" org.segearth.demo.CrossValidation "$work/docs-cv.md" "$work/docs-cv.json"
    "Tile-level cross-validation (3 folds, two whole tiles held out each; $fold_warmup warm-up + $fold_steps steps x batch $batch)"
    "seen phrasings (held-out tiles, training-style instructions)")
  for k in 1 2 3; do cv+=("$work/fold$k/metrics-seen.json"); done
  cv+=(-- "unseen phrasings (held-out tiles, validation-only instructions)")
  for k in 1 2 3; do cv+=("$work/fold$k/metrics-unseen.json"); done
  "${cv[@]}"
  put "$work/docs-cv.md" "${PREFIX:+$prefix}cross-validation.md"
  put "$work/docs-cv.json" "${PREFIX:+$prefix}cross-validation.json"
}

put() { # SOURCE NAME
  if [ -e "$docs/$2" ] && [ "${OVERWRITE:-0}" != 1 ]; then
    echo "$docs/$2 exists; set OVERWRITE=1 to replace it" >&2
    return 1
  fi
  cp "$1" "$docs/$2.tmp" && mv "$docs/$2.tmp" "$docs/$2"
}

# FOLDS_ONLY: the three folds side by side, then their table
if [ "${FOLDS_ONLY:-0}" = 1 ]; then
  fold_job 1 "${folds[0]}" &
  lane1=$!
  fold_job 2 "${folds[1]}" &
  lane2=$!
  fold_job 3 "${folds[2]}"
  wait "$lane1"
  wait "$lane2"
  cross_validation
  echo "done: $docs/${PREFIX:+$prefix}cross-validation.md"
  exit 0
fi

# 1 and 2 in two lanes, one JVM each: folds 1 and 2 side by side; then fold 3 beside the final data, warm-up and
# lambda_S = 0.01 run; then, once the warm-up is there, the lambda_S = 0 run
mkdir -p "$work/final"
fold_job 1 "${folds[0]}" &
lane1=$!
fold_job 2 "${folds[1]}"
(
  stage final-data 0 convert "$work/final/data" 5
  if [ ! -d "$work/final/warmup/trained/model" ]; then
    stage final-warmup "$final_warmup" "${java_cmd[@]}" org.segearth.demo.TrainDemoModel warmup "$work/final/data" \
      "$work/final/warmup" "$seed" "$final_warmup" "$batch" "$warmup_lr"
  fi
  masks "$work/final/warmup/trained/model" "$work/final/masks" final-masks -
  final_job 0.01
) &
lane2=$!
wait "$lane1"
fold_job 3 "${folds[2]}"
while [ ! -d "$work/final/masks/model" ]; do
  if ! kill -0 "$lane2" 2> /dev/null; then
    wait "$lane2"
    exit 1
  fi
  sleep 10
done
if [ "${ABLATION:-1}" = 1 ]; then
  final_job 0
fi
wait "$lane2"

# 3: docs
cross_validation
for f in "$work"/final/docs/metrics-*.md "$work"/final/docs/metrics-*.json; do
  put "$f" "$prefix$(basename "$f")"
done
plot=("${java_cmd[@]}" org.segearth.demo.DemoDocs plot "$work/loss.png" "$work/final/lambda0.01/loss.csv" "lambda_S = 0.01")
if [ -f "$work/final/lambda0/loss.csv" ]; then
  plot+=("$work/final/lambda0/loss.csv" "lambda_S = 0")
fi
"${plot[@]}"
put "$work/loss.png" "${prefix}loss.png"
# overlays: the two best and the two worst val-unseen samples of the final model (samples.csv: id,...,iou is column 7)
samples="$work/final/docs/eval-lambda0.01-unseen/samples.csv"
tail -n +2 "$samples" | awk -F, '{print $7 "," $1}' | sort -t, -k1,1g > "$work/ranked.csv"
n=0
for id in $(tail -n 2 "$work/ranked.csv" | cut -d, -f2); do
  n=$((n + 1))
  "${java_cmd[@]}" org.segearth.demo.DemoDocs overlay "$work/final/lambda0.01/package" "$work/final/data" "$id" \
    "$work/success-$n.png" "" val-unseen
  put "$work/success-$n.png" "${prefix}unseen-success-$n.png"
done
n=0
for id in $(head -n 2 "$work/ranked.csv" | cut -d, -f2); do
  n=$((n + 1))
  "${java_cmd[@]}" org.segearth.demo.DemoDocs overlay "$work/final/lambda0.01/package" "$work/final/data" "$id" \
    "$work/failure-$n.png" "" val-unseen
  put "$work/failure-$n.png" "${prefix}unseen-failure-$n.png"
done
{
  echo "# Timing of the BPE recipe"
  echo
  echo "Wall seconds per stage on this machine (two JVMs at a time, one intra-op thread each); steps per second for"
  echo "the training stages."
  echo
  echo "| stage | seconds | steps | steps/s |"
  echo "|---|---|---|---|"
  # a resumed run adds a row of a few seconds for each stage it skipped: the first row of a stage is its run
  tail -n +2 "$timing" | awk -F, '!seen[$1]++ { if ($3 > 0 && $2 > 0) printf "| %s | %d | %d | %.3f |\n", $1, $2, $3, $3 / $2; else printf "| %s | %d | | |\n", $1, $2 }'
} > "$work/timing.md"
put "$work/timing.md" "${prefix}timing.md"
echo "done: $docs (${PREFIX:+$prefix}cross-validation.md, ${prefix}*); packages: $work/final/lambda0.01/package, $work/final/lambda0/package"
