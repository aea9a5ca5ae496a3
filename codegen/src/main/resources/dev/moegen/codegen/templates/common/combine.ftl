/* Combine: y[t, h] = sum over slots, in slot order, of the K slices (in order) of out[slot_position[t, slot], h];
 * dropped slots (position -1) add nothing. Fixed order, no atomics: bitwise deterministic. One work-item per
 * COMBINE_VEC consecutive columns<#if combineVec == 4>, read 16 bytes at a time</#if>. */
${kq.moe_combine} void moe_combine(${sig.moe_combine}) {
    const idx_t gid = GLOBAL_ID(0), per_token = HIDDEN / COMBINE_VEC;
    if (gid >= (idx_t)T * per_token) return;
    const idx_t t = gid / per_token, slab = (idx_t)MAX_PADDED(T) * HIDDEN;
    const int h = (int)(gid % per_token) * COMBINE_VEC;
    float acc[COMBINE_VEC];
    for (int j = 0; j < COMBINE_VEC; ++j) acc[j] = 0.0f;
    for (int s = 0; s < SLOTS; ++s) {
        const int p = slot_position[t * SLOTS + s];
        if (p < 0) continue;
        for (int k = 0; k < splits; ++k) {
            GLOBAL const float* src = expert_out + k * slab + (idx_t)p * HIDDEN + h;
<#if combineVec == 4>
            const float4 v = LOAD_FLOAT4(src, 0);
            acc[0] += v.x; acc[1] += v.y; acc[2] += v.z; acc[3] += v.w;
<#else>
            acc[0] += src[0];
</#if>
        }
    }
    for (int j = 0; j < COMBINE_VEC; ++j) STORE_ACT(y, t * HIDDEN + h + j, acc[j]);
}
