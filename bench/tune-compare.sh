#!/usr/bin/env bash
# Issue 11's figure: the heuristic's plan against the tuned one (database $DB), run alternately ROUNDS times per
# layer with the NumPy peer timed on the same inputs in each run (and NumPy's sgemm/copy as independent floors).
# The last tuned run writes its report folder; every table goes to a log under $OUT.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. bench/alternate.sh
export ROUNDS=${ROUNDS:-2} TOKENS=${TOKENS:-1,16,128,512} REPS=${REPS:-7}
db=${DB:-/tmp/moegen-tune-cpu}
out=${OUT:-bench/results/pocl-cpu-tune-$(date -u +%Y-%m-%d)}
empty=$(mktemp -d)
trap 'rmdir "$empty"' EXIT
mkdir -p "$out"
for layer in "qwen3-30b-a3b 8" "mixtral-8x7b 16"; do
  set -- $layer
  alternate "$out/compare-$1-s$2.log" "$out/$1-s$2-tuned" "$1" "$2" "heuristic (empty database)" "--db $empty" "tuned ($db)" "--db $db"
done
