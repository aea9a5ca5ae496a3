<#--
  The router GEMM's register tile under the tiled loop (its rows are K-contiguous, so a dot product): s{i}_{j} = sum over k in [kb, ke) of A{i}[k] * B{j}[k]
  for `rows` A pointers and `cols` B pointers, VW elements per load and per FMA,
  then the last (ke - kb) % VW elements one at a time. The caller declares A{i}, B{j}, kb and ke.
-->
<#assign mwi = params.MWI nwi = params.NWI>
<#macro dot_tile rows cols>
<#list 0..<rows as i><#list 0..<cols as j>
    vecf acc${i}_${j} = VZERO;
</#list></#list>
    int k = kb;
    for (; k + VW <= ke; k += VW) {
<#list 0..<rows as i>
        const vecf a${i}v = VLOAD_ACT(A${i}, k);
</#list>
<#list 0..<cols as j>
        {
            const vecf b = VLOAD_ACT(B${j}, k);
<#list 0..<rows as i>
            acc${i}_${j} = VFMA(a${i}v, b, acc${i}_${j});
</#list>
        }
</#list>
    }
<#list 0..<rows as i><#list 0..<cols as j>
    float s${i}_${j} = VSUM(acc${i}_${j});
</#list></#list>
    for (; k < ke; ++k) { /* the last K % VW elements */
<#list 0..<rows as i>
        const float a${i}s = LOAD_ACT(A${i}, k);
</#list>
<#list 0..<cols as j>
        {
            const float b = LOAD_ACT(B${j}, k);
<#list 0..<rows as i>
            s${i}_${j} += a${i}s * b;
</#list>
        }
</#list>
    }
</#macro>
