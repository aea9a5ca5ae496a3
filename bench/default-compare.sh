#!/usr/bin/env bash
# What a user gets against the heuristic and NumPy, on this machine: for each layer, the heuristic's plan (an empty
# tuned database) and the default (the shipped tuned database), run alternately ROUNDS times, each with the NumPy peer
# timed on the same inputs in the same process run and NumPy's sgemm/copy as independent floors; then mixtral /4 (real
# proportions of GroupGEMM 1's K) with the default. The last default run of each layer writes its report folder under
# bench/results/<device>/; every run's table goes to a log beside it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. bench/alternate.sh
export ROUNDS=${ROUNDS:-3} TOKENS=${TOKENS:-1,16,128,512} REPS=${REPS:-7}
dir=bench/results/${DEVICE:-pocl-cpu-$(date -u +%Y-%m-%d)}
mkdir -p "$dir"
empty=$(mktemp -d)
trap 'rmdir "$empty"' EXIT
alternate_layers "$dir" "heuristic (empty database)" "--db $empty" "default (shipped tuned database)" ""
mixtral_s4 "$dir" ""
