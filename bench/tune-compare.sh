#!/usr/bin/env bash
# Issue 11's figure: the heuristic's plan against the tuned one (database $DB), run alternately ROUNDS times per
# layer with the NumPy peer timed on the same inputs in each run (and NumPy's sgemm/copy as independent floors).
# The last tuned run writes its report folder; every table goes to a log under $OUT.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
db=${DB:-/tmp/moegen-tune-cpu}
rounds=${ROUNDS:-2}
tokens=${TOKENS:-1,16,128,512}
reps=${REPS:-7}
out=${OUT:-bench/results/pocl-cpu-tune-$(date -u +%Y-%m-%d)}
empty=$(mktemp -d)
mkdir -p "$out"
for layer in "qwen3-30b-a3b 8" "mixtral-8x7b 16"; do
  set -- $layer
  log="$out/compare-$1-s$2.log"
  : > "$log"
  for r in $(seq 1 "$rounds"); do
    echo "== round $r: heuristic (empty database)" >> "$log"
    ./moegen bench --preset "$1" --scale "$2" --tokens "$tokens" --reps "$reps" --db "$empty" 2>/dev/null >> "$log"
    echo "== round $r: tuned ($db)" >> "$log"
    extra=()
    [ "$r" = "$rounds" ] && extra=(--report "$out/$1-s$2-tuned" --force)
    ./moegen bench --preset "$1" --scale "$2" --tokens "$tokens" --reps "$reps" --db "$db" "${extra[@]}" 2>/dev/null >> "$log"
  done
  echo "$1 /$2: $log"
done
rmdir "$empty"
