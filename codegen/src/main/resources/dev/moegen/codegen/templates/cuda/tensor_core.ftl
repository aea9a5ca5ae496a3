/* CUDA tensor-core primitives for the shared GroupGEMM body: cp.async copies, mma.sync fragments, and on
 * sm_90a (the only target with __CUDA_ARCH_FEAT_SM90_ALL) warpgroup wgmma on swizzled shared memory. */
#if defined(__CUDA_ARCH_FEAT_SM90_ALL)
#define USE_WGMMA ${(gemm == "wgmma")?then(1, 0)}
#else
#define USE_WGMMA 0
#endif
#define SHARED_ARENA(name, bytes) extern __shared__ __align__(16) unsigned char name[]
#define ALIGN_SHARED(p, a) align_shared(p, a)
#define MMA_SCRATCH_DECL
#define MMA_16816(c, a, b) mma_16816(c, a, b)
#define ASYNC_COMMIT() asm volatile("cp.async.commit_group;\n" ::: "memory")
#define ASYNC_WAIT(n) asm volatile("cp.async.wait_group %0;\n" :: "n"(n) : "memory")
#if USE_WGMMA
/* cp.async writes through the generic proxy; wgmma reads through the async proxy */
#define ASYNC_TO_TENSOR_FENCE() asm volatile("fence.proxy.async.shared::cta;\n" ::: "memory")
#else
#define ASYNC_TO_TENSOR_FENCE()
#endif

/* a TMA tensor map passed by value (CUtensorMap: 128 bytes, 64-aligned); the warp-specialised loop's weights */
typedef struct __align__(64) { unsigned long long words[16]; } tensor_map_t;
#define TENSOR_MAP_PARAM const __grid_constant__ tensor_map_t
#define STORE_HALF_PAIR(p, i, a, b) (*(__half2*)((p) + (i)) = __floats2half2_rn((a), (b)))
#define STORE_FLOAT_PAIR(p, i, a, b) (*(float2*)((p) + (i)) = make_float2((a), (b)))

/* Rounds a shared-memory pointer up to `a` bytes in the shared window (the generic address may differ). */
DEVICE_FN unsigned char* align_shared(unsigned char* p, unsigned a) {
    const unsigned s = (unsigned)__cvta_generic_to_shared(p);
    return p + ((a - (s & (a - 1))) & (a - 1));
}

/* 16 bytes global -> shared without a register round trip; ok == 0 writes zeros (src-size 0 reads nothing). */
DEVICE_FN void copy16(ushort* dst, const act_t* src, int ok) {
    const unsigned s = (unsigned)__cvta_generic_to_shared(dst);
    asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" :: "r"(s), "l"(src), "r"(ok ? 16 : 0) : "memory");
}

/* c += a (16x16, row fragments) * b (16x8, column fragments), fp32 accumulate. */
DEVICE_FN void mma_16816(float* c, const uint* a, const uint* b) {
    asm("mma.sync.aligned.m16n8k16.row.col.f32.${mmaType}.${mmaType}.f32 {%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, {%0, %1, %2, %3};\n"
        : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
}
#if USE_WGMMA

#define WGMMA_PARAMS
#define WGMMA_ARGS
#define WGMMA_CALL_ARGS
#define WGMMA_ADDR(p) ((unsigned)__cvta_generic_to_shared(p))
#define WGMMA_FENCE() asm volatile("wgmma.fence.sync.aligned;\n" ::: "memory")
#define WGMMA_QUEUE_DECL
#define WGMMA_COMMIT() asm volatile("wgmma.commit_group.sync.aligned;\n" ::: "memory")
/* Waits until at most n committed groups are pending, then pins the accumulators behind the wait: nothing may read
 * or move them while a group that writes them is in flight (the asm writing them at issue says nothing of when). */
#define WGMMA_WAIT(n, acc, count) do { \
        asm volatile("wgmma.wait_group.sync.aligned %0;\n" :: "n"(n) : "memory"); \
        _Pragma("unroll") for (int i_ = 0; i_ < (count); ++i_) asm volatile("" : "+f"((acc)[i_]) :: "memory"); \
    } while (0)
<#list wgmmaN as n>

/* d[64 x ${n}] = (accumulate ? d : 0) + A (64 x 16 from desc a) * B (${n} x 16 K-major from desc b)^T, as one warpgroup
 * (accumulate = 0: wgmma's scale-d, so a new tile needs no zeroing of registers a group in flight may still own). */
DEVICE_FN void wgmma_m64n${n}(float* d, unsigned long long a, unsigned long long b, int accumulate) {
    asm volatile("{\n.reg .pred p;\nsetp.ne.b32 p, %${n/2 + 2}, 0;\n"
                 "wgmma.mma_async.sync.aligned.m64n${n}k16.f32.${mmaType}.${mmaType} {<#list 0..<(n/2) as i>%${i}<#sep>, </#list>}, %${n/2}, %${n/2 + 1}, p, 1, 1, 0, 0;\n}\n"
                 : <#list 0..<(n/2) as i>"+f"(d[${i}])<#sep>, </#list>
                 : "l"(a), "l"(b), "r"(accumulate));
}
</#list>

#if PRODUCER
#define WS_LOCKSTEP 0
/* a kernel whose register count at entry is fixed (setmaxnreg moves registers between its warpgroups) */
#define KERNEL_MAXNREG(r) extern "C" __global__ __maxnreg__(r)
/* mbarriers for the producer/consumer hand-over (16-byte slots, the barrier in the first 8) */
DEVICE_FN unsigned mbar_addr(unsigned char* b) { return (unsigned)__cvta_generic_to_shared(b); }
DEVICE_FN void mbar_init(unsigned char* b, int count) {
    asm volatile("mbarrier.init.shared::cta.b64 [%0], %1;\n" :: "r"(mbar_addr(b)), "r"(count) : "memory");
}
#define MBAR_FAULT_INIT(bars)
#define MBAR_FAULT(bars) 0
/* arrives once this thread's earlier cp.async copies have landed; .noinc: the arrival is one of the count init set */
DEVICE_FN void mbar_arrive_copies(unsigned char* b, unsigned char* bars) {
    asm volatile("cp.async.mbarrier.arrive.noinc.shared::cta.b64 [%0];\n" :: "r"(mbar_addr(b)) : "memory");
}
DEVICE_FN void mbar_arrive(unsigned char* b, unsigned char* bars) {
    asm volatile("mbarrier.arrive.shared::cta.b64 _, [%0];\n" :: "r"(mbar_addr(b)) : "memory");
}
/* the transaction bytes the phase also waits for (the TMA boxes), set before they can arrive */
DEVICE_FN void mbar_expect_tx(unsigned char* b, unsigned bytes) {
    asm volatile("mbarrier.expect_tx.relaxed.cta.shared::cta.b64 [%0], %1;\n" :: "r"(mbar_addr(b)), "r"(bytes) : "memory");
}
/* box (x, y) of a 2-D tensor map into shared memory, its bytes counted on the barrier when they land */
DEVICE_FN void tma_load_2d(ushort* dst, const tensor_map_t* m, const act_t* w, int x, int y, unsigned char* bar) {
    asm volatile("cp.async.bulk.tensor.2d.shared::cluster.global.tile.mbarrier::complete_tx::bytes [%0], [%1, {%2, %3}], [%4];\n"
                 :: "r"((unsigned)__cvta_generic_to_shared(dst)), "l"((unsigned long long)m), "r"(x), "r"(y), "r"(mbar_addr(bar)) : "memory");
}
/* waits until the barrier's phase of this parity has completed */
DEVICE_FN void mbar_wait(unsigned char* b, int parity, unsigned char* bars) {
    asm volatile("{\n.reg .pred done;\nWAIT_%=:\n"
                 "mbarrier.try_wait.parity.shared::cta.b64 done, [%0], %1;\n"
                 "@!done bra WAIT_%=;\n}\n" :: "r"(mbar_addr(b)), "r"(parity) : "memory");
}
/* the producer warpgroup gives registers back, the math warpgroups take them (sizes from the launch's count) */
#define SETMAXNREG_PRODUCER() asm volatile("setmaxnreg.dec.sync.aligned.u32 %0;\n" :: "n"(PRODUCER_REGISTERS))
#define SETMAXNREG_MATH() asm volatile("setmaxnreg.inc.sync.aligned.u32 %0;\n" :: "n"(MATH_REGISTERS))
#endif
#endif

/* the fused combine (FUSE_COMBINE): a tile's stores published before its count, other blocks' tiles read from L2 */
#define FENCE_GLOBAL() __threadfence()
#define ATOMIC_ADD_GLOBAL(p, v) atomicAdd((p), (v))
#define LOAD_L2(p) __ldcg(p)
