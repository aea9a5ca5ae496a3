<#if gemm == "tiled">
/*
 * Router GEMM, tiled: logits[t, r] = x[t, :] . w_router[r, :] (+ b_router[r]). Each work-item computes MWI tokens x
 * NWI router rows with the GroupGEMM's register tile; neighbouring work-items share tokens, so x rows stay in cache.
 */
${kq.moe_router_gemm} void moe_router_gemm(${sig.moe_router_gemm}) {
    const idx_t gid = GLOBAL_ID(0);
    const int row_tiles = (ROUTER_ROWS + NWI - 1) / NWI;
    if (gid >= (idx_t)((T + MWI - 1) / MWI) * row_tiles) return;
    const int t0 = (int)(gid / row_tiles) * MWI, r0 = (int)(gid % row_tiles) * NWI;
    const int kb = 0, ke = HIDDEN;
    /* a token or row past the edge reads the last one and is not stored */
<#list 0..<mwi as i>
    GLOBAL const act_t* A${i} = x + (idx_t)min(t0 + ${i}, T - 1) * HIDDEN;
</#list>
<#list 0..<nwi as j>
    GLOBAL const act_t* B${j} = w_router + (idx_t)min(r0 + ${j}, ROUTER_ROWS - 1) * HIDDEN;
</#list>
<@dot_tile rows=mwi cols=nwi/>
<#list 0..<mwi as i>
<#list 0..<nwi as j>
    if (t0 + ${i} < T && r0 + ${j} < ROUTER_ROWS) logits[(idx_t)(t0 + ${i}) * ROUTER_ROWS + r0 + ${j}] = s${i}_${j}<#if routerBias> + (r0 + ${j} < EXPERTS ? b_router[r0 + ${j}] : 0.0f)</#if>;
</#list>
</#list>
}
<#else>
/* Router GEMM: logits[t, r] = x[t, :] . w_router[r, :] (+ b_router[r]); one work-item per (t, r). */
${kq.moe_router_gemm} void moe_router_gemm(${sig.moe_router_gemm}) {
    idx_t gid = GLOBAL_ID(0);
    if (gid >= (idx_t)T * ROUTER_ROWS) return;
    idx_t t = gid / ROUTER_ROWS;
    int r = (int)(gid % ROUTER_ROWS);
    float acc = 0.0f;
    for (int h = 0; h < HIDDEN; ++h) acc += LOAD_ACT(x, t * HIDDEN + h) * LOAD_ACT(w_router, (idx_t)r * HIDDEN + h);
<#if routerBias>
    if (r < EXPERTS) acc += b_router[r];
</#if>
    logits[gid] = acc;
}
</#if>
