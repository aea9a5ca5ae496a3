#!/usr/bin/env bash
# The CPU comparison of issue 10, reproducible: for each layer, the old default plan (SIMT GroupGEMM 16x16, one
# work-item per router output, 128-wide gating: what moegen generated before the tiled loop) and today's default,
# run alternately ROUNDS times, each with the NumPy peer timed on the same inputs in the same process run and
# NumPy's sgemm/copy as independent floors. The last round's default run writes the full report folder
# (report.json, report.md, PNG charts) under bench/results/<device>/; every run's table goes to a log beside it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. bench/alternate.sh
export ROUNDS=${ROUNDS:-2} TOKENS=${TOKENS:-1,16,128,512} REPS=${REPS:-7}
device=${DEVICE:-pocl-cpu-$(date -u +%Y-%m-%d)}
dir=bench/results/$device
mkdir -p "$dir"
before="gemm=simt,block_n=16,gate_wg=128"
# an empty tuned database: "default" is the heuristic's plan, not the shipped tuned one
empty=$(mktemp -d)
trap 'rmdir "$empty"' EXIT
alternate_layers "$dir" "before ($before)" "--param $before --db $empty" "default" "--db $empty"
# GroupGEMM 1's K is H: 256 at /16, so horizontal sums and the activation weigh as much as the FMAs there; at /4
# (H = 1024) the loops run at their real-model proportions. Today's default only (the old plan needs minutes here).
mixtral_s4 "$dir" "--db $empty"
