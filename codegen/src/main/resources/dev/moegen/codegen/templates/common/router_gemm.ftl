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
