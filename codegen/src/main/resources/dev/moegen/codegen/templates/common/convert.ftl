/* bf16 <-> fp32 conversions (round to nearest even, NaN kept quiet). */
DEVICE_FN float bf16_to_float(ushort b) { return AS_FLOAT(((uint)b) << 16); }
DEVICE_FN ushort float_to_bf16(float f) {
    uint u = AS_UINT(f);
    if ((u & 0x7fffffffu) > 0x7f800000u) return (ushort)((u >> 16) | 0x40u);
    return (ushort)((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);
}
