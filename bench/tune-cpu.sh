#!/usr/bin/env bash
# Issue 11 on this project's build CPU (PoCL), reproducible: tune qwen3-30b-a3b /8 and mixtral-8x7b /16 at the
# buckets 1,16,128,512 with the model-guided strategy (two phases per bucket: shared parameters and GroupGEMM 1's
# tile, then GroupGEMM 2's tile), then an exhaustive sweep of qwen3 /8 at T=128 (the replay study's cache; it reuses
# the bayes run's evaluations of that bucket), then the replay study itself. Everything lands in $DB (a database folder; its cache/ holds every
# evaluation); logs beside the results. Ship the outcome with
#   ./moegen tune merge --db "$DB-merged" "$DB" --bundle tune/src/main/resources/dev/moegen/tune/shipped-db.json
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
db=${DB:-/tmp/moegen-tune-cpu}
budget=${BUDGET:-60}
out=${OUT:-bench/results/pocl-cpu-tune-$(date -u +%Y-%m-%d)}
mkdir -p "$out"
for layer in "qwen3-30b-a3b 8" "mixtral-8x7b 16"; do
  set -- $layer
  ./moegen tune --preset "$1" --scale "$2" --tokens 1,16,128,512 --strategy bayes --budget "$budget" --db "$db" --resume 2>/dev/null | tee "$out/tune-$1-s$2.log"
done
./moegen tune --preset qwen3-30b-a3b --scale 8 --tokens 128 --strategy exhaustive --db "$db" --resume 2>/dev/null | tee "$out/exhaustive-qwen3-30b-a3b-s8-T128.log"
cache=$(ls "$db"/cache/*/E128-H256-I96-K8-bf16-swiglu/T128-uniform-????????????????.jsonl | head -1) # the first phase's cache
./moegen tune replay --cache "$cache" --seeds 20 --within 3 | tee "$out/replay-qwen3-30b-a3b-s8-T128.log"
