#!/usr/bin/env bash
# One call on a lent GPU machine (see the README, "On a GPU"). The device tool lends 15 minutes in all and 10 per
# command, and brings back at most 8 files from $OUT: so the work runs as phases in order of worth, each started
# only while the time it needs is left of BUDGET_S (default 540 s), each under a timeout of the time left, and after
# every phase the results so far are packed into $OUT/gpu-results.tar.gz beside $OUT/summary.txt (one line per
# phase: its exit code and seconds, or why it was skipped). A killed call still returns what was packed.
# Phases: device facts; the tensor-core SASS of the Hopper prefill plan (HGMMA / HMMA counts); three presets verified with
# the default loop; issue 14's benchmark shapes (Qwen3-30B-A3B, Mixtral-TP2) at T = 1 ... 4096 with floors measured
# in the same run; the PyTorch peers (eager loop, torch._grouped_mm) on the same inputs at scale 4 (a peer is checked
# against the Java reference first, minutes of CPU at full size); the warp-specialised loop (producer=1, opt-in until
# measured here) verified and benched; GroupGEMM 2 with the combine fused (fuse_combine=1) and GroupGEMM 1 in K
# slices (split_k1) verified and benched at decode; the decode forward as a CUDA graph; every other preset verified; the mma,
# SIMT and tiled loops verified; the mma loop benched.
# Runs from the self-contained bundle: carry dist/moegen.tar.xz (bin/bundle --archive; the folder itself is over the carry
# limit together with the repository) or dist/moegen. No JDK or Maven is needed there.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=${OUT:-gpu-out}
budget=${BUDGET_S:-540}
start=$SECONDS
mkdir -p "$out"
work=$(mktemp -d)
summary="$out/summary.txt"
: > "$summary"
status=0
last=
m=dist/moegen/moegen
if [ ! -x "$m" ] && [ -f dist/moegen.tar.xz ]; then tar -xJf dist/moegen.tar.xz -C dist; fi
[ -x "$m" ] || { echo "no bundle at $m or dist/moegen.tar.xz: run bin/bundle --archive here and carry dist/moegen.tar.xz" | tee -a "$summary" >&2; exit 2; }

pack() {
  tar -czf "$out/gpu-results.tar.gz.tmp" -C "$work" . && mv "$out/gpu-results.tar.gz.tmp" "$out/gpu-results.tar.gz"
}

# phase NAME NEED_S FUNCTION: runs FUNCTION (its output to NAME.txt) when NEED_S seconds of the budget are left
phase() {
  local name=$1 need=$2 fn=$3 left=$((budget - (SECONDS - start))) t0=$SECONDS rc
  if [ "$left" -lt "$need" ]; then
    echo "$name: skipped, ${left}s of the budget left, needs ~${need}s" | tee -a "$summary"
    last=skipped
    return
  fi
  timeout "$left" bash -c "$(declare -f "$fn"); m=$m; work=$work; $fn" > "$work/$name.txt" 2>&1
  rc=$?
  last=$rc
  [ "$rc" = 0 ] || status=1
  echo "$name: exit $rc in $((SECONDS - t0))s; $(grep -E 'checks, .* passed|^[0-9]+ +[0-9]+ ' "$work/$name.txt" | tail -1)" | tee -a "$summary"
  pack
}

facts() {
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv
  date -u
  $m devices
}
sass() {
  command -v cuobjdump > /dev/null || { echo "no cuobjdump"; return 1; }
  $m generate --backend cuda --arch sm_90a --preset qwen3-30b-a3b --tokens 4096 --out "$work/generated" || return 1
  for c in "$work"/generated/*.cubin; do
    cuobjdump -sass "$c" > "$c.sass" 2>&1
    echo "$(basename "$c"): HGMMA $(grep -c HGMMA "$c.sass"), HMMA $(grep -c HMMA "$c.sass")"
  done
}
verify_presets() { # PRESET... [-- PARAMS]
  local rc=0 p
  for p in "$@"; do
    $m verify --backend cuda --preset "$p" --scale 8 --tokens 1,16,256 --seed 1 || rc=1
  done
  return $rc
}
verify_default() { verify_presets qwen3-30b-a3b mixtral-8x7b deepseek-v3; }
verify_rest() { verify_presets $($m presets | awk 'NR>2 {print $1}' | grep -vx -e qwen3-30b-a3b -e mixtral-8x7b -e deepseek-v3); }
bench_qwen3() {
  $m bench --backend cuda --peers none --preset qwen3-30b-a3b --tokens 1,16,128,1024,4096 --reps 10 --out "$work/bench-qwen3.json"
}
bench_mixtral_tp2() {
  $m bench --backend cuda --peers none --spec bench/specs/mixtral-8x7b-tp2.yaml --tokens 1,16,128,1024,4096 --reps 10 --out "$work/bench-mixtral-tp2.json"
}
peers_torch() {
  $m bench --backend cuda --peers torch --preset qwen3-30b-a3b --scale 4 --tokens 1,16,128,512 --reps 10 --out "$work/peers-qwen3-s4.json" &&
  $m bench --backend cuda --peers torch --preset mixtral-8x7b --scale 4 --tokens 1,16,128 --reps 10 --out "$work/peers-mixtral-s4.json"
}
# warp specialisation: one math warpgroup (64 x 64) and two (128 x 128, gate+up in one m64n256 instruction); a hang in
# the mbarrier hand-over costs its timeout, not the call
WS1=gemm=wgmma,block_m=64,warps_m=4,warps_n=1,block_n=64,block_k=64,stages=4,producer=1
WS2=gemm=wgmma,block_m=128,warps_m=8,warps_n=1,block_n=128,block_k=64,stages=4,producer=1
verify_ws() {
  local rc=0 ws p tag
  for ws in "$WS1" "$WS2"; do
    for p in qwen3-30b-a3b mixtral-8x7b; do
      tag=$p-$(echo "$ws" | sed 's/.*block_m=\([0-9]*\).*/\1/')
      timeout 90 $m verify --backend cuda --preset "$p" --scale 8 --tokens 1,16,256 --seed 1 --param "$ws" > "$work/verify-ws-$tag.txt" 2>&1 || rc=1
      echo "$tag: $(tail -1 "$work/verify-ws-$tag.txt")"
    done
  done
  return $rc
}
bench_ws() {
  $m bench --backend cuda --peers none --preset qwen3-30b-a3b --tokens 128,1024,4096 --reps 10 --param "$WS2" --out "$work/bench-qwen3-ws.json"
}
# the counting GroupGEMMs: GroupGEMM 2 combining (fuse_combine=1), correct on real memory ordering, and what it saves
# and GroupGEMM 1 in K slices at decode (split_k1=2; 4 for Qwen3's few tiles)
FUSED=fuse_combine=1,split_k1=4
verify_fused() {
  local rc=0 p
  for p in qwen3-30b-a3b mixtral-8x7b deepseek-v3; do
    $m verify --backend cuda --preset "$p" --scale 8 --tokens 1,16,256 --seed 1 --param "$FUSED" || rc=1
  done
  return $rc
}
bench_fused() {
  $m bench --backend cuda --peers none --preset qwen3-30b-a3b --tokens 1,16,128 --reps 20 --param "$FUSED" --out "$work/bench-qwen3-fused.json"
}
bench_graphs() { # bench's wall column times forward(), and bench fails if its y differs from the timed run's
  MOEGEN_CUDA_GRAPHS=1 $m bench --backend cuda --peers none --preset qwen3-30b-a3b --tokens 1,16,128 --reps 20 --out "$work/bench-qwen3-graphs.json"
}
verify_loops() {
  local rc=0 g p
  for g in mma simt tiled; do
    for p in qwen3-30b-a3b deepseek-v3; do
      echo "== $p gemm=$g"
      $m verify --backend cuda --preset "$p" --scale 8 --tokens 1,16,256 --seed 1 --param gemm=$g,block_m=64,warps_m=4,warps_n=1,stages=3 || rc=1
    done
  done
  return $rc
}
bench_mma() {
  $m bench --backend cuda --peers none --preset qwen3-30b-a3b --tokens 1,128,4096 --reps 10 --param gemm=mma --out "$work/bench-qwen3-mma.json"
}

declare -fx verify_presets # the phases that call it run in their own shell
export WS1 WS2 FUSED
phase facts 10 facts
phase sass 30 sass
phase verify-default 60 verify_default
phase bench-qwen3 90 bench_qwen3
phase bench-mixtral-tp2 90 bench_mixtral_tp2
phase peers-torch 120 peers_torch
phase verify-ws 60 verify_ws
if grep -q "checks, .* 0 failed" "$work/verify-ws-qwen3-30b-a3b-128.txt" 2>/dev/null; then phase bench-ws 60 bench_ws
else echo "bench-ws: skipped, the 128x128 producer loop did not verify" | tee -a "$summary"; fi
phase verify-fused 45 verify_fused
if [ "$last" = 0 ]; then phase bench-fused 45 bench_fused
else echo "bench-fused: skipped, $FUSED did not verify ($last)" | tee -a "$summary"; fi
phase bench-graphs 60 bench_graphs
phase verify-rest 120 verify_rest
phase verify-loops 90 verify_loops
phase bench-mma 60 bench_mma
echo "total $((SECONDS - start))s of a ${budget}s budget; exit $status" | tee -a "$summary"
pack
rm -rf "$work"
exit $status
