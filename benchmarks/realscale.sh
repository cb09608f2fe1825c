#!/usr/bin/env bash
# The real-size run: fabricates Mipha-3B + SigLIP-so400m-patch14-384 + Mask2Former Swin-B with
# random weights (full depth unless LAYERS says otherwise), assembles them with `segearth init`,
# then segments docs/images/dubai-tile3-part004.jpg teacher-forced and generatively with the
# launcher's defaults, reporting wall time and peak RSS (GNU time) of each command.
#   benchmarks/realscale.sh WORKDIR            # 32 layers: 6.9 GB on disk
#   LAYERS=2 benchmarks/realscale.sh WORKDIR   # every width, 2 language-model layers
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${1:?usage: benchmarks/realscale.sh WORKDIR}"
layers="${LAYERS:-32}"
image="$root/docs/images/dubai-tile3-part004.jpg"
mkdir -p "$work"
log="$work/realscale.log"
: > "$log"

(cd "$root" && mvn -B -q -Dstyle.color=never -DskipTests -pl benchmarks -am package) >&2
cp="$root/benchmarks/target/segearth-benchmarks-0.1.0-SNAPSHOT.jar:$(cat "$root/benchmarks/target/classpath.txt")"

timed() { # name, command...
  local name="$1"; shift
  echo "== $name" | tee -a "$log"
  /usr/bin/time -f "$name: wall %e s, peak RSS %M kB, exit %x" -a -o "$log" "$@" 2>&1 | tee -a "$log" | tail -n 20
}

if [ ! -f "$work/ingredients/mipha3b/model.safetensors.index.json" ]; then
  timed fabricate java -cp "$cp" org.segearth.bench.RealScaleModels "$work/ingredients" --layers "$layers"
fi
rm -rf "$work/pkg" "$work/out-teacher" "$work/out-generative"
timed init "$root/segearth" init --mllm "$work/ingredients/mipha3b" --mask-head "$work/ingredients/m2f-swinb" \
  --out "$work/pkg"
timed segment-teacher-forced "$root/segearth" segment --model "$work/pkg" --image "$image" \
  --instruction "segment the water" --answer "It is [SEG]." --out "$work/out-teacher" --verbose
timed segment-generative "$root/segearth" segment --model "$work/pkg" --image "$image" \
  --instruction "segment the water" --max-new-tokens 32 --out "$work/out-generative" --verbose
grep -E "^[a-z-]+: wall" "$log"
