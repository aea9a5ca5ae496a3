/* OpenCL C spelling of the kernel macros used by the shared kernel bodies in common/. */
#define KERNEL __kernel
#define KERNEL_WG(n) __kernel
#define GLOBAL __global
#define SHARED __local
#define LOCAL_PTR __local
/* always inline, as CUDA's __forceinline__: it also keeps PoCL's LLVM 15 out of an inliner crash (getInlineCost) */
#define DEVICE_FN static inline __attribute__((always_inline))
#define BARRIER() barrier(CLK_LOCAL_MEM_FENCE | CLK_GLOBAL_MEM_FENCE)
#define GROUP_ID(d) ((int)get_group_id(d))
#define NUM_GROUPS(d) ((int)get_num_groups(d))
#define LOCAL_ID(d) ((int)get_local_id(d))
#define GLOBAL_ID(d) ((long)get_global_id(d))
#define LOAD_FLOAT4(p, i) vload4((i), (p))
#define AS_FLOAT(u) as_float(u)
#define AS_UINT(f) as_uint(f)
typedef long idx_t;
/* fp16 storage without the cl_khr_fp16 extension: convert on load and store. */
typedef half half_t;
#define LOAD_HALF(p, i) vload_half((i), (p))
#define STORE_HALF(p, i, v) vstore_half_rte((v), (i), (p))
/* Sub-group shuffles are optional in OpenCL 1.2: gating reduces through local memory. */
#define WARP_REDUCE 0
