#!/usr/bin/env bash
# One call on a lent GPU machine (see the README, "On a GPU"): devices; the tensor-core SASS check; every
# preset verified through the CUDA backend with the device's default GroupGEMM (wgmma on sm_90a), then the
# mma.sync and SIMT loops on two presets so a failure points at one loop; the warp-specialised wgmma loop
# (producer=1, opt-in until this run has measured it), each run under a timeout so a hang in its mbarrier
# hand-over costs seconds, not the call; then issue 4's benchmark shapes with floors measured in the same
# run and the PyTorch peers on the same inputs (an eager loop over the experts and torch._grouped_mm: --peers
# auto picks them on CUDA where python3 has PyTorch), producer=1 against the default at prefill, and the
# decode forward as a CUDA graph. Runs from the self-contained bundle (bin/bundle, carried as
# dist/moegen): no JDK or Maven there. Writes everything under $OUT (default ./gpu-out).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=${OUT:-gpu-out}
mkdir -p "$out"
m=dist/moegen/moegen
[ -x "$m" ] || { echo "no bundle at $m: run bin/bundle here and carry dist/moegen" >&2; exit 2; }
{ nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv; date -u; } > "$out/device.txt" 2>&1
$m devices | tee -a "$out/device.txt"
status=0

# SASS: the tensor-core instructions the PTX promises (cuobjdump exists on GPU machines only)
if $m generate --backend cuda --preset qwen3-30b-a3b --out "$out/generated" > "$out/generate.txt" 2>&1 && command -v cuobjdump > /dev/null; then
  for c in "$out"/generated/*.cubin; do
    cuobjdump -sass "$c" > "$c.sass" 2>&1
    echo "$(basename "$c"): HGMMA $(grep -c HGMMA "$c.sass"), HMMA $(grep -c HMMA "$c.sass")" | tee -a "$out/sass.txt"
  done
else
  echo "no SASS check (generate failed or no cuobjdump)" | tee -a "$out/sass.txt"
fi

for p in $($m presets | awk 'NR>2 {print $1}'); do
  $m verify --backend cuda --preset "$p" --scale 8 --tokens 1,16,256 --seed 1 > "$out/verify-$p.txt" 2>&1 || status=1
  echo "$p: $(tail -1 "$out/verify-$p.txt")"
done
for g in mma simt tiled; do
  for p in qwen3-30b-a3b deepseek-v3; do
    $m verify --backend cuda --preset "$p" --scale 8 --tokens 1,16,256 --seed 1 --param gemm=$g,block_m=64,warps_m=4,warps_n=1,stages=3 \
      > "$out/verify-$p-$g.txt" 2>&1 || status=1
    echo "$p gemm=$g: $(tail -1 "$out/verify-$p-$g.txt")"
  done
done

# warp specialisation: one math warpgroup (64 x 64) and two (128 x 128, gate+up in one m64n256 instruction)
ws1=gemm=wgmma,block_m=64,warps_m=4,warps_n=1,block_n=64,block_k=64,stages=4,producer=1
ws2=gemm=wgmma,block_m=128,warps_m=8,warps_n=1,block_n=128,block_k=64,stages=4,producer=1
for ws in "$ws1" "$ws2"; do
  for p in qwen3-30b-a3b mixtral-8x7b; do
    tag=$p-ws-$(echo "$ws" | sed 's/.*block_m=\([0-9]*\).*/\1/')
    timeout 120 $m verify --backend cuda --preset "$p" --scale 8 --tokens 1,16,256 --seed 1 --param "$ws" > "$out/verify-$tag.txt" 2>&1 || status=1
    echo "$tag: $(tail -1 "$out/verify-$tag.txt")"
  done
done

# full-size shapes without peers: a peer is checked against the Java reference first, minutes of CPU at this size
$m bench --backend cuda --peers none --spec bench/specs/mixtral-8x7b-tp2.yaml --tokens 1,16,128,1024,4096 --reps 10 \
  --out "$out/bench-mixtral-8x7b-tp2.json" | tee "$out/bench-mixtral-8x7b-tp2.txt" || status=1
$m bench --backend cuda --peers none --preset qwen3-30b-a3b --tokens 1,16,128,1024,4096 --reps 10 \
  --out "$out/bench-qwen3-30b-a3b.json" | tee "$out/bench-qwen3-30b-a3b.txt" || status=1
$m bench --backend cuda --peers none --preset qwen3-30b-a3b --tokens 1,128,4096 --reps 10 --param gemm=mma \
  --out "$out/bench-qwen3-30b-a3b-mma.json" | tee "$out/bench-qwen3-30b-a3b-mma.txt" || status=1
# decode forward as one CUDA graph (opt-in): bench's wall column times forward(), and bench fails if its y differs
MOEGEN_CUDA_GRAPHS=1 timeout 300 $m bench --backend cuda --peers none --preset qwen3-30b-a3b --tokens 1,16,128 --reps 20 \
  --out "$out/bench-qwen3-30b-a3b-graphs.json" | tee "$out/bench-qwen3-30b-a3b-graphs.txt" || status=1
if grep -q "0 failed" "$out/verify-qwen3-30b-a3b-ws-128.txt" 2>/dev/null; then
  timeout 300 $m bench --backend cuda --peers none --preset qwen3-30b-a3b --tokens 128,1024,4096 --reps 10 --param "$ws2" \
    --out "$out/bench-qwen3-30b-a3b-ws.json" | tee "$out/bench-qwen3-30b-a3b-ws.txt" || status=1
fi
# the PyTorch peers (eager loop, torch._grouped_mm) side by side on the same inputs, at a scale the Java reference
# that checks them first computes in seconds
for pt in qwen3-30b-a3b:1,16,128,512 mixtral-8x7b:1,16,128; do
  p=${pt%%:*}
  timeout 240 $m bench --backend cuda --peers torch --preset "$p" --scale 4 --tokens "${pt#*:}" --reps 10 \
    --out "$out/bench-$p-s4-peers.json" | tee "$out/bench-$p-s4-peers.txt" || status=1
done
exit $status
