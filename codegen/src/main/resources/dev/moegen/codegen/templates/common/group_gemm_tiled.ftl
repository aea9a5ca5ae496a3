<#--
  Tiled GroupGEMM (gemm=tiled), CLBlast's xgemm on a CPU's terms: an outer-product register tile. A work-group of
  (BLOCK_N / (NWI·VW)) x (BLOCK_M / MWI) work-items owns a BLOCK_M-row block of the permutation (one expert) and
  BLOCK_N output columns; each work-item keeps MWI rows x NWI vectors of VW columns (x 2 with the up columns when gated)
  as VW-wide accumulators. Per k it loads NWI weight vectors along N and adds a_i[k] x b[k, n..n+VW) to each: no
  horizontal sums, and the epilogue (bias, activation, routing weight, store) runs VW columns at a time.
  That needs the weights k-major, in panels of PANEL output columns (KernelPlan.transpose: each expert's panel p holds
  columns [p·PANEL, (p+1)·PANEL) as [K][PANEL], as BLIS packs B), so a work-item's loads run through consecutive
  addresses; the runtime lays them out so when it uploads them (PlanLayer), once. PANEL divides N (and I, so w13's up
  half starts a panel) and is N itself (plain k-major) where rows are short or no 16-multiple divides N; otherwise VW
  divides it, so no vector crosses a panel.
  A rows are read VW k at a time and broadcast lane by lane.
  A work-item's rows are consecutive and valid rows come first in a block, so a work-item whose first row is padding
  returns at once: decode (one row per expert) costs MWI rows, not BLOCK_M. No barriers, no local memory.
  Vector j of a work-item starts at column (block + (local id + j * work-items along N) * VW), so neighbouring
  work-items read neighbouring vectors. Where N >= VW a vector past the edge is loaded from N - VW (in bounds, full
  speed) and stores only its columns at or past its own start; where N < VW lanes are loaded one by one, clamped.
  GroupGEMM 2 has its own tile (BLOCK_N2, MWI2, NWI2: its N and K are GroupGEMM 1's K and N, so its best tile differs).
-->
<#-- One k step of the tile: the weight vectors at row k + kk, then a_i x b_j for every accumulator (a: A row i's value, "#" for i). -->
<#macro step a kk>
        {
            const idx_t row = (idx_t)(k + ${kk}) * ${tt.P};
<#list 0..<tt.nwi as j>
            const vecf b${j} = <@bload p="B${j} + row" c="c${j}"/>;
<#if tt.gated>
            const vecf u${j} = <@bload p="U${j} + row" c="c${j}"/>;
</#if>
</#list>
<#list 0..<tt.mwi as i>
            const vecf s${i} = VSPLAT(${a?replace("#", i?c)});
<#list 0..<tt.nwi as j>
            acc${i}_${j} = VFMA(s${i}, b${j}, acc${i}_${j});
<#if tt.gated>
            up${i}_${j} = VFMA(s${i}, u${j}, up${i}_${j});
</#if>
</#list>
</#list>
        }
</#macro>
<#-- A weight vector of VW columns from c; lane by lane, clamped, where N < VW. -->
<#macro bload p c><#if tt.narrow>vload_act_edge(${p}, ${c}, ${tt.N})<#else>VLOAD_ACT(${p}, 0)</#if></#macro>
<#macro fload p c><#if tt.narrow>vload_f32_edge(${p}, ${c}, ${tt.N})<#else>VLOAD_F32(${p}, ${c})</#if></#macro>
<#macro group_gemm_tiled stage>
<#if stage == 1><#local K = "HIDDEN" N = "INTER" P = "PANEL1" gatedStage = gated BN = "BLOCK_N" RM = "MWI" CN = "NWI" mwi = params.MWI nwi = params.NWI nValue = defines.INTER>
<#else><#local K = "INTER" N = "HIDDEN" P = "PANEL2" gatedStage = false BN = "BLOCK_N2" RM = "MWI2" CN = "NWI2" mwi = params.MWI2 nwi = params.NWI2 nValue = defines.HIDDEN></#if>
<#local vw = params.VW narrow = nValue lt vw>
<#local lanes = "0123456789abcdef">
<#assign tt = {"mwi": mwi, "nwi": nwi, "gated": gatedStage, "P": P, "narrow": narrow, "N": N}>
${kq["moe_group_gemm_" + stage]} void moe_group_gemm_${stage}(${sig["moe_group_gemm_" + stage]}) {
    const int blk = GROUP_ID(1);
    if (blk * BLOCK_M >= num_tokens_post_padded[0]) return;
    const int sentinel = T * SLOTS;
    const int p0 = blk * BLOCK_M + LOCAL_ID(1) * ${RM};
    const int a0 = sorted_token_ids[p0];
    if (a0 >= sentinel) return;
    const int per_row = ${BN} / (${CN} * VW); /* work-items along N */
    const int nb = GROUP_ID(0) * ${BN} + LOCAL_ID(0) * VW;
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
    /* B: this expert's weights; vector j loads columns [cj, cj + VW) (Bj, Uj: where they start in their panel) and
       stores those from nj on */
<#if stage == 1>
    GLOBAL const act_t* B = w13 + e * HIDDEN * N1;
<#else>
    GLOBAL const act_t* B = w2 + e * INTER * HIDDEN;
</#if>
<#list 0..<nwi as j>
    const int n${j} = nb + ${j} * per_row * VW, c${j} = <#if narrow>n${j}<#else>min(n${j}, ${N} - VW)</#if>;
<#if narrow>
    GLOBAL const act_t* B${j} = B;<#if gatedStage> GLOBAL const act_t* U${j} = B + (idx_t)(INTER / ${P}) * ${P} * HIDDEN + INTER % ${P};</#if>
<#else>
    GLOBAL const act_t* B${j} = B + (idx_t)(c${j} / ${P}) * ${P} * ${K} + c${j} % ${P};
<#if gatedStage>
    GLOBAL const act_t* U${j} = B + (idx_t)((INTER + c${j}) / ${P}) * ${P} * HIDDEN + (INTER + c${j}) % ${P};
</#if>
</#if>
</#list>
<#list 0..<mwi as i><#list 0..<nwi as j>
    vecf acc${i}_${j} = VZERO<#if gatedStage>, up${i}_${j} = VZERO</#if>;
</#list></#list>
    int k = kb;
    for (; k + VW <= ke; k += VW) { /* VW k at a time: one vector load per A row, its lanes broadcast in turn */
<#list 0..<mwi as i>
        const vecf a${i}v = VLOAD_ACT(A${i}, k);
</#list>
<#list 0..<vw as kk>
<@step a="VLANE(a#v, ${lanes[kk]})" kk=kk/>
</#list>
    }
    for (; k < ke; ++k) { /* the last (ke - kb) % VW */
<@step a="LOAD_ACT(A#, k)" kk=0/>
    }
<#list 0..<nwi as j>
<#if expertBias>
<#if stage == 1>
    const vecf bias${j} = <@fload p="b13 + e * N1" c="c${j}"/><#if gatedStage>, ubias${j} = <@fload p="b13 + e * N1 + INTER" c="c${j}"/></#if>;
<#else>
    const vecf bias${j} = split == 0 ? <@fload p="b2 + e * HIDDEN" c="c${j}"/> : VZERO;
</#if>
</#if>
</#list>
<#list 0..<mwi as i>
<#if i gt 0>
    if (ok${i}) {
</#if>
    {
<#if stage == 1>
        GLOBAL act_t* row = out + (idx_t)(p0 + ${i}) * INTER;
<#else>
        GLOBAL float* row = out + ((idx_t)split * MAX_PADDED(T) + p0 + ${i}) * HIDDEN;
        const float w = topk_weights[<#if i gt 0>a${i}<#else>a0</#if>];
</#if>
<#list 0..<nwi as j>
<#if stage == 1>
        const vecf v${j} = vactivate(acc${i}_${j}<#if expertBias> + bias${j}</#if>, <#if gatedStage>up${i}_${j}<#if expertBias> + ubias${j}</#if><#else>VZERO</#if>);
<#else>
        const vecf v${j} = (acc${i}_${j}<#if expertBias> + bias${j}</#if>) * VSPLAT(w);
</#if>
<#local st = (stage == 1)?then("VSTORE_ACT", "VSTORE_F32")>
        if (c${j} == n${j} && n${j} + VW <= ${N}) ${st}(row, c${j}, v${j});
        else {
<#list 0..<vw as l>
            if (c${j} + ${l} >= n${j} && c${j} + ${l} < ${N}) <#if stage == 1>STORE_ACT(row, c${j} + ${l}, VLANE(v${j}, ${lanes[l]}));<#else>row[c${j} + ${l}] = VLANE(v${j}, ${lanes[l]});</#if>
</#list>
        }
</#list>
    }
<#if i gt 0>
    }
</#if>
</#list>
}
</#macro>
<@group_gemm_tiled stage=1/>

<@group_gemm_tiled stage=2/>
