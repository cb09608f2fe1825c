#!/usr/bin/env bash
# Large-scene runs of the geo module: mosaics of the SpaceNet building mask (900 x 900, UTM 16N,
# repeated on a grid with a real transform) at 2500, 5000 and 10000 pixels a side, segmented
#  - by the geo pipeline alone (SceneScaleRun: the model replaced by a threshold), all sizes;
#  - end to end with the embedded demo model through `segearth segment` (MODEL_SIZES, default 2500).
# Reports wall time and peak RSS (GNU time) of each run. Needs GDAL (gdal_translate) and the
# SpaceNet sample (SPACENET, default ../shared/data/spacenet relative to the repository).
#   benchmarks/geo-scale.sh WORKDIR
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${1:?usage: benchmarks/geo-scale.sh WORKDIR}"
spacenet="${SPACENET:-$root/../shared/data/spacenet}"
mkdir -p "$work"
log="$work/geo-scale.log"
: > "$log"

mask="$root/testdata/geo/spacenet-atlanta-buildings-mask.tif"
mosaic() { # side -> $work/mosaic-<side>.tif: the 900 x 900 mask repeated on a grid, 0.5 m, UTM 16N
  local side="$1" out="$work/mosaic-$1.tif" vrt="$work/mosaic-$1.vrt" n=$(( ($1 + 899) / 900 ))
  [ -f "$out" ] && return
  {
    echo "<VRTDataset rasterXSize=\"$side\" rasterYSize=\"$side\">"
    echo "  <SRS>EPSG:32616</SRS><GeoTransform>733601, 0.5, 0, 3725139, 0, -0.5</GeoTransform>"
    echo "  <VRTRasterBand dataType=\"Byte\" band=\"1\">"
    for ((i = 0; i < n; i++)); do for ((j = 0; j < n; j++)); do
      echo "    <SimpleSource><SourceFilename relativeToVRT=\"0\">$mask</SourceFilename><SourceBand>1</SourceBand>"
      echo "      <SrcRect xOff=\"0\" yOff=\"0\" xSize=\"900\" ySize=\"900\"/><DstRect xOff=\"$((j * 900))\" yOff=\"$((i * 900))\" xSize=\"900\" ySize=\"900\"/></SimpleSource>"
    done; done
    echo "  </VRTRasterBand></VRTDataset>"
  } > "$vrt"
  gdal_translate -q -co TILED=YES -co COMPRESS=DEFLATE "$vrt" "$out"
}

(cd "$root" && mvn -B -q -o -Dstyle.color=never -DskipTests -pl geo -am test-compile \
  && mvn -B -q -o -pl geo dependency:build-classpath -Dmdep.outputFile="$work/geo-classpath.txt") >&2
cp="$root/geo/target/test-classes:$root/geo/target/classes:$root/sdk-api/target/classes:$root/sdk-runtime/target/classes:$(cat "$work/geo-classpath.txt")"

timed() { # name, command...
  local name="$1"; shift
  echo "== $name" | tee -a "$log"
  /usr/bin/time -f "$name: wall %e s, peak RSS %M kB, exit %x" -a -o "$log" "$@" 2>&1 | grep -v INFO | tee -a "$log" | tail -n 5
}

for side in 2500 5000 10000; do
  mosaic "$side"
  rm -rf "$work/pipeline-$side"
  timed "pipeline $side" java ${GEO_JAVA_OPTS:--Xmx1g} -cp "$cp" org.segearth.geo.SceneScaleRun "$work/mosaic-$side.tif" "$work/pipeline-$side"
done
for side in ${MODEL_SIZES-2500}; do
  mosaic "$side"
  rm -rf "$work/model-$side"
  # 1024-pixel tiles as measured in docs/performance.md (the demo model's own default is its 224-pixel input)
  timed "demo model $side" "$root/segearth" segment --image "$work/mosaic-$side.tif" --instruction "segment the buildings" \
    --tile "${MODEL_TILE:-1024}" --out "$work/model-$side"
done
grep -E "wall|tiles" "$log"
