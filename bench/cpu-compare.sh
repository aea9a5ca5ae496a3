#!/usr/bin/env bash
# The CPU comparison of issue 10, reproducible: for each layer, the old default plan (SIMT GroupGEMM 16x16, one
# work-item per router output, 128-wide gating: what moegen generated before the tiled loop) and today's default,
# run alternately ROUNDS times, each with the NumPy peer timed on the same inputs in the same process run and
# NumPy's sgemm/copy as independent floors. The last round's default run writes the full report folder
# (report.json, report.md, PNG charts) under bench/results/<device>/; every run's table goes to a log beside it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
rounds=${ROUNDS:-2}
tokens=${TOKENS:-1,16,128,512}
reps=${REPS:-7}
device=${DEVICE:-pocl-cpu-$(date -u +%Y-%m-%d)}
dir=bench/results/$device
mkdir -p "$dir"
before="gemm=simt,block_n=16,gate_wg=128"
for layer in "qwen3-30b-a3b 8" "mixtral-8x7b 16"; do
  set -- $layer
  log="$dir/$1-s$2.log"
  : > "$log"
  for r in $(seq 1 "$rounds"); do
    echo "== round $r: before ($before)" >> "$log"
    ./moegen bench --preset "$1" --scale "$2" --tokens "$tokens" --reps "$reps" --param "$before" 2>/dev/null >> "$log"
    echo "== round $r: default" >> "$log"
    extra=()
    [ "$r" = "$rounds" ] && extra=(--report "$dir/$1-s$2" --force)
    ./moegen bench --preset "$1" --scale "$2" --tokens "$tokens" --reps "$reps" "${extra[@]}" 2>/dev/null >> "$log"
  done
  echo "$1 /$2: $log"
done
# GroupGEMM 1's K is H: 256 at /16, so horizontal sums and the activation weigh as much as the FMAs there; at /4
# (H = 1024) the loops run at their real-model proportions. Today's default only (the old plan needs minutes here).
./moegen bench --preset mixtral-8x7b --scale 4 --tokens 128,512 --reps "$reps" --report "$dir/mixtral-8x7b-s4" --force 2>/dev/null \
  > "$dir/mixtral-8x7b-s4.log"
echo "mixtral-8x7b /4: $dir/mixtral-8x7b-s4.log"
