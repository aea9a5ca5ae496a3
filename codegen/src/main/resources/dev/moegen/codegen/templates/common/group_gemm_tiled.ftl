<#--
  Tiled GroupGEMM (gemm=tiled), CLBlast's direct GEMM on a CPU's terms: a work-group of (BLOCK_N / NWI) x (BLOCK_M / MWI)
  work-items owns a BLOCK_M-row block of the permutation (one expert) and BLOCK_N output columns; each work-item
  computes an MWI x NWI register tile (x 2 with the up rows when gated) as dot products along K, VW elements per
  load and per FMA, straight from global memory: both operands are K-contiguous rows, so the caches do the staging.
  A work-item's rows are consecutive and valid rows come first in a block, so a work-item whose first row is padding
  returns at once: decode (one row per expert) costs MWI rows, not BLOCK_M. No barriers, no local memory.
  GroupGEMM 2 has its own tile (BLOCK_N2, MWI2, NWI2: its N and K are GroupGEMM 1's K and N, so its best tile differs).
-->
<#macro group_gemm_tiled stage>
<#if stage == 1><#local K = "HIDDEN" N = "INTER" gatedStage = gated BN = "BLOCK_N" RM = "MWI" CN = "NWI" mwi = params.MWI nwi = params.NWI>
<#else><#local K = "INTER" N = "HIDDEN" gatedStage = false BN = "BLOCK_N2" RM = "MWI2" CN = "NWI2" mwi = params.MWI2 nwi = params.NWI2></#if>
${kq["moe_group_gemm_" + stage]} void moe_group_gemm_${stage}(${sig["moe_group_gemm_" + stage]}) {
    const int blk = GROUP_ID(1);
    if (blk * BLOCK_M >= num_tokens_post_padded[0]) return;
    const int sentinel = T * SLOTS;
    const int p0 = blk * BLOCK_M + LOCAL_ID(1) * ${RM};
    const int a0 = sorted_token_ids[p0];
    if (a0 >= sentinel) return;
    const int nb = GROUP_ID(0) * ${BN} + LOCAL_ID(0);
    if (nb >= ${N}) return;
    const idx_t e = expert_ids[blk];
<@k_slice stage K/>
    const int kb = kt0 * BLOCK_K, ke = min(${K}, kt1 * BLOCK_K);
    /* A rows; a padding row reads row p0's operands and is not stored */
<#list 0..<mwi as i>
<#if i gt 0>
    const int a${i} = sorted_token_ids[p0 + ${i}], ok${i} = a${i} < sentinel;
</#if>
<#if stage == 1>
    GLOBAL const act_t* A${i} = x + (idx_t)(<#if i gt 0>(ok${i} ? a${i} : a0)<#else>a0</#if> / SLOTS) * HIDDEN;
<#else>
    GLOBAL const act_t* A${i} = inter + (idx_t)(p0<#if i gt 0> + (ok${i} ? ${i} : 0)</#if>) * INTER;
</#if>
</#list>
    /* B rows: columns nb + j * (${BN} / ${CN}), so neighbouring work-items write neighbouring columns; a column past
       the edge reads the last row and is not stored */
<#list 0..<nwi as j>
    const int n${j} = nb + ${j} * (${BN} / ${CN});
<#if stage == 1>
    GLOBAL const act_t* B${j} = w13 + (e * N1 + min(n${j}, INTER - 1)) * HIDDEN;
<#if gatedStage>
    GLOBAL const act_t* U${j} = B${j} + (idx_t)INTER * HIDDEN;
</#if>
<#else>
    GLOBAL const act_t* B${j} = w2 + (e * HIDDEN + min(n${j}, HIDDEN - 1)) * INTER;
</#if>
</#list>
<@dot_tile rows=mwi cols=nwi gated=gatedStage/>
<#if stage == 1 && actPack gt 0>
<#if expertBias>
<#list 0..<mwi as i><#list 0..<nwi as j>
    s${i}_${j} += b13[e * N1 + min(n${j}, INTER - 1)];<#if gated> su${i}_${j} += b13[e * N1 + INTER + min(n${j}, INTER - 1)];</#if>
</#list></#list>
</#if>
    /* the tile's ${mwi * nwi} activations at once (lanes past the tile are 0 and not stored) */
<#assign lanes = actPack>
    const packf act = activate_pack(MAKE_PACK(<#list 0..<lanes as l><#if l lt mwi * nwi>s${(l / nwi)?floor}_${l % nwi}<#else>0.0f</#if><#sep>, </#list>),
                                    MAKE_PACK(<#list 0..<lanes as l><#if l lt mwi * nwi>su${(l / nwi)?floor}_${l % nwi}<#else>0.0f</#if><#sep>, </#list>));
</#if>
<#list 0..<mwi as i>
<#if i gt 0>
    if (ok${i}) {
</#if>
<#list 0..<nwi as j>
<#if stage == 1 && actPack gt 0>
    <#if i gt 0>    </#if>if (n${j} < ${N}) STORE_ACT(out, (idx_t)(p0 + ${i}) * INTER + n${j}, PACK_GET(act, ${"0123456789abcdef"[i * nwi + j]}));
<#else>
    <#if i gt 0>    </#if>if (n${j} < ${N}) <@store stage=stage p="p0 + ${i}" n="n${j}" acc="s${i}_${j}" up=gatedStage?then("su${i}_${j}", "0.0f")/>;
</#if>
</#list>
<#if i gt 0>
    }
</#if>
</#list>
}
</#macro>
<@group_gemm_tiled stage=1/>

<@group_gemm_tiled stage=2/>
