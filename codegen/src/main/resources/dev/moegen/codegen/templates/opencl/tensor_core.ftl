/* OpenCL spelling of the tensor-core primitives. OpenCL C has no tensor-core instructions: the copies are
 * plain 16-byte moves and the m16n8k16 fragment contract of mma.sync is emulated through local memory, so
 * CI runs the very tile, fragment and epilogue code that the CUDA rendering runs on tensor cores. It is a
 * checking path, not a fast one; the OpenCL default is the SIMT loop. wgmma is emulated from its shared-memory
 * descriptors with the 128-byte swizzle applied to the address (bits [4:6] ^= bits [7:9]), with addresses
 * relative to the kernel's arena, so the swizzled tile layout, the descriptor arithmetic per k step and
 * warpgroup, and the accumulator layout the epilogue reads are all checked against each other. */
#define USE_WGMMA ${(gemm == "wgmma")?then(1, 0)}
#define SHARED_ARENA(name, bytes) __local uchar name[bytes] __attribute__((aligned(16)))
#define ALIGN_SHARED(p, a) (p)
#define MMA_SCRATCH_DECL __local float mma_scratch[GEMM_THREADS / 32][16 * 16 + 16 * 8];
#define MMA_16816(c, a, b) mma_16816(c, a, b, mma_scratch[warp], lane)
#define ASYNC_COMMIT()
#define ASYNC_WAIT(n)
#define ASYNC_TO_TENSOR_FENCE()

#define STORE_HALF_PAIR(p, i, a, b) vstore_half2_rte((float2)((a), (b)), 0, (p) + (i))
#define STORE_FLOAT_PAIR(p, i, a, b) vstore2((float2)((a), (b)), 0, (p) + (i))

/* a TMA tensor map passed by value: here moegen's own descriptor (TensorMapSpec: magic, cols, rows, box cols, box rows) */
typedef struct { uint words[32]; } tensor_map_t;
#define TENSOR_MAP_PARAM tensor_map_t

DEVICE_FN void copy16(__local ushort* dst, __global const act_t* src, int ok) {
    if (ok) *(__local uint4*)dst = *(__global const uint4*)src;
    else *(__local uint4*)dst = (uint4)(0u);
}

DEVICE_FN float elem16(ushort u) {
<#if dtype == "bf16">
    return as_float((uint)u << 16);
<#else>
    /* fp16 bits to float by hand: vload_half through the address of a private variable crashes PoCL inside the
       warp-specialised lock step */
    const uint sign = (uint)(u & 0x8000u) << 16, ex = (u >> 10) & 0x1fu, man = u & 0x3ffu;
    if (ex == 0) return as_float(sign | as_uint((float)man * 0x1p-24f)); /* zero and subnormals */
    return as_float(sign | (ex == 0x1f ? 0x7f800000u | (man << 13) : ((ex + 112u) << 23) | (man << 13)));
</#if>
}

/* The lower (hi = 0) or upper 16-bit element of a fragment register, as the PTX ISA packs them. */
DEVICE_FN float frag_elem(uint v, int hi) {
    return elem16((ushort)(hi ? v >> 16 : v & 0xffffu));
}

/* c += a * b for one warp (32 consecutive work-items): every lane scatters its A (rows g, g+8; columns 2t,
 * 2t+1, 2t+8, 2t+9) and B (rows 2t, 2t+1, 2t+8, 2t+9 of column g) elements, then computes its C elements
 * (rows g, g+8; columns 2t, 2t+1). All work-items of the group call it together (uniform loops). */
DEVICE_FN void mma_16816(float* c, const uint* a, const uint* b, __local float* s, int lane) {
    __local float* A = s;
    __local float* B = s + 256;
    const int g = lane >> 2, t = lane & 3;
    for (int j = 0; j < 2; ++j) {
        A[g * 16 + 2 * t + j] = frag_elem(a[0], j);
        A[(g + 8) * 16 + 2 * t + j] = frag_elem(a[1], j);
        A[g * 16 + 2 * t + 8 + j] = frag_elem(a[2], j);
        A[(g + 8) * 16 + 2 * t + 8 + j] = frag_elem(a[3], j);
        B[(2 * t + j) * 8 + g] = frag_elem(b[0], j);
        B[(2 * t + 8 + j) * 8 + g] = frag_elem(b[1], j);
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int h = 0; h < 2; ++h)
        for (int j = 0; j < 2; ++j) {
            float sum = c[2 * h + j];
            for (int k = 0; k < 16; ++k) sum += A[(g + 8 * h) * 16 + k] * B[k * 8 + 2 * t + j];
            c[2 * h + j] = sum;
        }
    barrier(CLK_LOCAL_MEM_FENCE);
}
<#if gemm == "wgmma">

/* wgmma is asynchronous: an issued instruction may read its shared-memory operands any time until the wait that
 * retires its group. The emulation reads them at the latest moment: wgmma_m64nN only queues the descriptors,
 * commit closes a group, and wait_group n computes the groups beyond the newest n from shared memory as it is
 * then. A stage refilled while a group that reads it is still pending gives wrong sums, so the pipeline's
 * bookkeeping is checked, not just its arithmetic. More groups or instructions in flight than the body may
 * have (two groups of BLOCK_K / 16) poison the accumulators with NaN. */
#define WGMMA_MAX_GROUPS 2
#define WGMMA_MAX_OPS (WGMMA_MAX_GROUPS * (BLOCK_K / 16))
typedef struct {
    ulong a[WGMMA_MAX_OPS], b[WGMMA_MAX_OPS];
    int n[WGMMA_MAX_OPS], ends[WGMMA_MAX_GROUPS];
    int ops, groups, overflow;
} wgmma_queue;

#define WGMMA_QUEUE_DECL wgmma_queue wq; wq.ops = 0; wq.groups = 0; wq.overflow = 0;
#define WGMMA_PARAMS , __local const uchar* arena, wgmma_queue* q
#define WGMMA_ARGS , q
#define WGMMA_CALL_ARGS , smem_raw, &wq
#define WGMMA_ADDR(p) ((uint)((size_t)(p) - (size_t)arena))
#define WGMMA_FENCE()
#define WGMMA_COMMIT() wgmma_commit(&wq)
#define WGMMA_WAIT(n, acc, count) wgmma_retire(&wq, (n), (acc), (count), smem_raw, tid)

/* The hardware's 128-byte swizzle of a shared-memory byte address (1 KiB-aligned patterns): bits [4:6] ^= bits [7:9]. */
DEVICE_FN uint swizzle128(uint addr) {
    return addr ^ (((addr >> 7) & 7u) << 4);
}

/* Element (row, k) of a K-major operand whose descriptor is `desc`: rows of 128 bytes, 8-row groups SBO apart. */
DEVICE_FN float desc_elem(__local const uchar* arena, ulong desc, int row, int k) {
    const uint addr = (uint)((desc & 0x3FFFul) << 4) + (uint)(row >> 3) * (uint)(((desc >> 32) & 0x3FFFul) << 4) + (uint)(row & 7) * 128u + 2u * k;
    return elem16(*(__local const ushort*)(arena + swizzle128(addr)));
}

/* d[64 x n] += A (64 x 16) * B (n x 16)^T for one warpgroup (n < 0: scale-d 0, d = A * B^T of |n| columns); thread
 * (warp w, lane 4g + t) owns rows 16w + g and 16w + g + 8, columns 8j + 2t and 8j + 2t + 1: d[4j + 2h + q]. */
DEVICE_FN void wgmma_exec(float* d, ulong a, ulong b, int n, __local const uchar* arena, int tid) {
    const int w = (tid & 127) >> 5, g = (tid & 31) >> 2, t = tid & 3;
    if (n < 0) {
        n = -n;
        for (int i = 0; i < n / 2; ++i) d[i] = 0.0f;
    }
    for (int j = 0; j < n / 8; ++j)
        for (int h = 0; h < 2; ++h)
            for (int q = 0; q < 2; ++q) {
                float s = d[4 * j + 2 * h + q];
                for (int k = 0; k < 16; ++k) s += desc_elem(arena, a, 16 * w + g + 8 * h, k) * desc_elem(arena, b, 8 * j + 2 * t + q, k);
                d[4 * j + 2 * h + q] = s;
            }
}

DEVICE_FN void wgmma_issue(wgmma_queue* q, ulong a, ulong b, int n) {
    if (q->ops == WGMMA_MAX_OPS) { q->overflow = 1; return; }
    q->a[q->ops] = a;
    q->b[q->ops] = b;
    q->n[q->ops++] = n;
}

DEVICE_FN void wgmma_commit(wgmma_queue* q) {
    if (q->groups == WGMMA_MAX_GROUPS) { q->overflow = 1; return; }
    q->ends[q->groups++] = q->ops;
}

/* wait_group keep: the oldest groups run until at most `keep` are pending. */
DEVICE_FN void wgmma_retire(wgmma_queue* q, int keep, float* d, int count, __local const uchar* arena, int tid) {
    while (q->groups > keep) {
        const int end = q->ends[0];
        for (int i = 0; i < end; ++i) wgmma_exec(d, q->a[i], q->b[i], q->n[i], arena, tid);
        for (int i = end; i < q->ops; ++i) {
            q->a[i - end] = q->a[i];
            q->b[i - end] = q->b[i];
            q->n[i - end] = q->n[i];
        }
        q->ops -= end;
        for (int g = 1; g < q->groups; ++g) q->ends[g - 1] = q->ends[g] - end;
        q->groups--;
    }
    if (q->overflow)
        for (int i = 0; i < count; ++i) d[i] = NAN;
}
<#list wgmmaN as n>

/* Queues d[64 x ${n}] = (accumulate ? d : 0) + A (64 x 16 from desc a) * B (${n} x 16 from desc b)^T; runs at the wait
 * that retires its group. */
DEVICE_FN void wgmma_m64n${n}(float* d, ulong a, ulong b, int accumulate, wgmma_queue* q) {
    wgmma_issue(q, a, b, accumulate ? ${n} : -${n});
}
</#list>
#if PRODUCER

/* The producer/consumer hand-over, emulated. PoCL runs a work-group's work-items one after another between
 * barriers, so a spinning wait would never end: the kernel runs the two roles in lock step instead (WS_LOCKSTEP),
 * the producer WS_LAG tiles ahead, and a wait checks that the phase it waits for has completed at that point of
 * the schedule. A wait that would block (a wrong count, parity or order) sets the fault word, and the math
 * threads then write NaN, so the rows fail. A barrier slot: pending arrivals, arrivals per phase, phase. */
#define WS_LOCKSTEP 1
#define WS_LAG (STAGES - 2)
#define SETMAXNREG_PRODUCER()
#define SETMAXNREG_MATH()
/* the fault word: the slot after the 2 × STAGES barriers */
#define WS_FAULT(bars) ((__local volatile int*)((bars) + 32 * STAGES))
#define MBAR_FAULT_INIT(bars) (*WS_FAULT(bars) = 0)
#define MBAR_FAULT(bars) (*WS_FAULT(bars))

DEVICE_FN void mbar_init(__local uchar* b, int count) {
    __local int* m = (__local int*)b;
    m[0] = count;
    m[1] = count;
    m[2] = 0;
    m[3] = 0;
}

/* a phase completes when its arrivals and its transaction bytes are both in; the barrier re-arms for the next */
DEVICE_FN void mbar_complete(__local int* m) {
    m[0] = m[1];
    m[2] ^= 1;
}

DEVICE_FN void mbar_arrive(__local uchar* b, __local uchar* bars) {
    __local int* m = (__local int*)b;
    if (atomic_dec(&m[0]) == 1 && m[3] == 0) mbar_complete(m);
}

DEVICE_FN void mbar_expect_tx(__local uchar* b, uint bytes) {
    atomic_add(&((__local int*)b)[3], (int)bytes);
}

DEVICE_FN void mbar_complete_tx(__local uchar* b, uint bytes) {
    __local int* m = (__local int*)b;
    if (atomic_sub(&m[3], (int)bytes) == (int)bytes && m[0] == 0) mbar_complete(m);
}

/* TMA, emulated: box (x, y) of BLOCK_N rows x 64 columns read through the descriptor the host encoded (checked against
 * this kernel's box: a mismatch writes NaN), zeros past the tensor's edges, rows of 128 bytes stored with the engine's
 * 128-byte swizzle (the box starts on a 1 KiB boundary); then its bytes complete on the barrier. */
DEVICE_FN void tma_load_2d(__local ushort* dst, const tensor_map_t* m, __global const act_t* w, int x, int y, __local uchar* bar) {
    const uint cols = m->words[1], rows = m->words[2];
    const int ok = m->words[0] == ${tensorMapMagic}u && m->words[3] == 64u && m->words[4] == (uint)BLOCK_N;
    __global const ushort* src = (__global const ushort*)w;
    for (int r = 0; r < BLOCK_N; ++r)
        for (int c = 0; c < 64; ++c) {
            const uint gy = (uint)(y + r), gx = (uint)(x + c);
            dst[swizzle128(128u * r + 2u * c) / 2] = !ok ? (ushort)0xffffu : gy < rows && gx < cols ? src[(size_t)gy * cols + gx] : (ushort)0;
        }
    mbar_complete_tx(bar, BLOCK_N * 64 * 2);
}

/* the copies are synchronous here, so they have landed when the thread arrives */
DEVICE_FN void mbar_arrive_copies(__local uchar* b, __local uchar* bars) {
    mbar_arrive(b, bars);
}

DEVICE_FN void mbar_wait(__local uchar* b, int parity, __local uchar* bars) {
    if ((((__local volatile int*)b)[2] & 1) == parity) atomic_xchg(WS_FAULT(bars), 1);
}
#endif
</#if>

/* the fused combine (FUSE_COMBINE): a tile's stores published before its count, other work-groups' tiles read again */
#define FENCE_GLOBAL() mem_fence(CLK_GLOBAL_MEM_FENCE)
#define ATOMIC_ADD_GLOBAL(p, v) atomic_add((volatile __global int*)(p), (v))
#define LOAD_L2(p) (*(volatile __global const float*)(p))
