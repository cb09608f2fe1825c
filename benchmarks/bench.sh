#!/usr/bin/env bash
# The benchmark from one command on a fresh clone: builds, fabricates the real-shape random-weight
# ingredients into WORKDIR unless already there (LAYERS language-model layers, 32 by default),
# assembles the package, then measures the machine and every component in one process and writes
# WORKDIR/bench-<time>.json (see docs/performance.md).
#   benchmarks/bench.sh WORKDIR                       # 32 layers: 6.9 GB of ingredients
#   LAYERS=2 DECODE_TOKENS=8 K=3 RUNS=1 benchmarks/bench.sh WORKDIR   # quick: one run per component
# THREADS sets PyTorch's intra-op threads (default: the engine's choice, one per core).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${1:?usage: benchmarks/bench.sh WORKDIR}"
mkdir -p "$work"
work="$(cd "$work" && pwd)"
(cd "$root" && mvn -B -q -Dstyle.color=never -DskipTests -pl benchmarks -am package) >&2
cp="$root/benchmarks/target/segearth-benchmarks-0.1.0-SNAPSHOT.jar:$(cat "$root/benchmarks/target/classpath.txt")"
threads=()
[ -n "${THREADS:-}" ] && threads=(-Dai.djl.pytorch.num_threads="$THREADS" -Dai.djl.pytorch.num_interop_threads=1)
cd "$root"
exec java ${BENCH_JAVA_OPTS:--Xmx4g} -Dai.djl.pytorch.graph_optimizer=false "${threads[@]}" \
  -cp "$cp" org.segearth.bench.Benchmark "$work" --layers "${LAYERS:-32}" \
  --decode-tokens "${DECODE_TOKENS:-16}" --k "${K:-3}" --runs "${RUNS:-2}"
