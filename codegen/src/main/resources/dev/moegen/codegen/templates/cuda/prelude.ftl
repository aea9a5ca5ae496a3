/* CUDA C++ spelling of the kernel macros used by the shared kernel bodies in common/. */
#include <cuda_fp16.h>
#define KERNEL extern "C" __global__
/* a kernel whose block size is a tunable: ptxas fits its registers to the block the host launches (so an infeasible
 * block fails at compile time, not at launch) */
#define KERNEL_WG(n) extern "C" __global__ __launch_bounds__(n)
#define GLOBAL
#define SHARED __shared__
#define LOCAL_PTR
#define DEVICE_FN static __device__ __forceinline__
#define BARRIER() __syncthreads()
#define GROUP_ID(d) ((int)((d) == 0 ? blockIdx.x : (d) == 1 ? blockIdx.y : blockIdx.z))
#define NUM_GROUPS(d) ((int)((d) == 0 ? gridDim.x : (d) == 1 ? gridDim.y : gridDim.z))
#define LOCAL_ID(d) ((int)((d) == 0 ? threadIdx.x : (d) == 1 ? threadIdx.y : threadIdx.z))
#define GLOBAL_ID(d) ((long long)((d) == 0 ? (long long)blockIdx.x * blockDim.x + threadIdx.x \
                     : (d) == 1 ? (long long)blockIdx.y * blockDim.y + threadIdx.y : (long long)blockIdx.z * blockDim.z + threadIdx.z))
#define LOAD_FLOAT4(p, i) (((const float4*)(p))[i])
#define AS_FLOAT(u) __uint_as_float(u)
#define AS_UINT(f) __float_as_uint(f)
#ifndef INFINITY
#define INFINITY __int_as_float(0x7f800000)
#endif
typedef unsigned int uint;
typedef unsigned short ushort;
typedef unsigned long ulong;
typedef long long idx_t;
typedef __half half_t;
#define LOAD_HALF(p, i) __half2float((p)[i])
#define STORE_HALF(p, i, v) ((p)[i] = __float2half_rn(v))
/* A gating group of exactly one warp reduces with shuffles instead of shared-memory trees. */
#define WARP_REDUCE (GATE_WG == 32)
#define SHFL_XOR(v, s) __shfl_xor_sync(0xffffffffu, (v), (s))
