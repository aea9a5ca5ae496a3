/* wgmma shared-memory descriptor of a K-major tile with 128-byte rows and 128-byte swizzle: start address,
 * leading offset 16 B (unused when swizzled), stride 1 KiB between 8-row core-matrix groups. */
DEVICE_FN ulong wgmma_desc(uint addr) {
    return (ulong)((addr & 0x3FFFFu) >> 4) | (1ul << 16) | (64ul << 32) | (1ul << 62);
}
