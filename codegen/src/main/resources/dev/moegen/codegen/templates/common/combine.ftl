/* Combine: y[t, h] = sum over slots, in slot order, of the K slices (in order) of out[slot_position[t, slot], h];
 * dropped slots (position -1) add nothing. Fixed order, no atomics: bitwise deterministic. */
KERNEL void moe_combine(GLOBAL const float* expert_out, GLOBAL const int* slot_position, GLOBAL act_t* y, int T, int splits) {
    const idx_t gid = GLOBAL_ID(0);
    if (gid >= (idx_t)T * HIDDEN) return;
    const idx_t t = gid / HIDDEN, slab = (idx_t)MAX_PADDED(T) * HIDDEN;
    const int h = (int)(gid % HIDDEN);
    float acc = 0.0f;
    for (int s = 0; s < SLOTS; ++s) {
        const int p = slot_position[t * SLOTS + s];
        if (p >= 0)
            for (int k = 0; k < splits; ++k) acc += expert_out[k * slab + (idx_t)p * HIDDEN + h];
    }
    STORE_ACT(y, gid, acc);
}
