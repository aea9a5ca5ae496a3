/*
 * Expert load and balance figures from one forward's routing, in one work-group of SCAN_WG work-items (an auxiliary
 * kernel: checked runs and training loops launch it after a forward, the forward itself does not):
 *   1. per token: the log-sum-exp of the gate logits (router z-loss) and the scores' normaliser (token_lse)
 *   2. per expert: assignments the router asked for (undispatched picks count; under expert choice, the tokens it
 *      chose), mean probability P, count·P for the Switch auxiliary loss E·sum(f·P) with f = count / all counted, dropped = asked - kept (expert_kept from the permutation)<#if correctionBias>, and
 *      DeepSeek-V3's update b + gamma * sign(T*K/E - count)</#if>
 * Outputs: expert_load = [count per expert, dropped], load_stats = [P per expert, E * sum f*P, mean lse^2].
 */
DEVICE_FN float stats_gate_logit(GLOBAL const float* lg, int t, int e<#if noisy>, int seed</#if>) {
    return lg[e]<#if noisy> + philox_normal(seed, t, e, 0) * softplusf_(lg[NOISE_ROW + e])</#if>;
}

${kq.moe_load_stats} void moe_load_stats(${sig.moe_load_stats}) {
    SHARED float red[SCAN_WG];
    SHARED int redi[SCAN_WG];
    const int lid = LOCAL_ID(0);
    float z = 0.0f; /* sum of (lse / sqrt(T))^2: a partial sum overflows only where the mean itself does */
    const float rt = T > 0 ? 1.0f / sqrt((float)T) : 0.0f;
    for (int t = lid; t < T; t += SCAN_WG) {
        GLOBAL const float* lg = logits + (idx_t)t * ROUTER_ROWS;
        float m = -INFINITY, sum = 0.0f, sig = 0.0f;
        for (int e = 0; e < EXPERTS; ++e) m = fmax(m, stats_gate_logit(lg, t, e<#if noisy>, seed</#if>));
        for (int e = 0; e < EXPERTS; ++e) {
            const float h = stats_gate_logit(lg, t, e<#if noisy>, seed</#if>);
            sum += exp(h - m);
            sig += sigmoidf_(h);
        }
        const float lse = m + log(sum);
        z += (lse * rt) * (lse * rt);
        token_lse[t] = <#if scoring == "softmax">lse<#else>sig</#if>;
    }
    BARRIER();
    float aux = 0.0f; /* sum of count * P; the Switch loss is E * aux / (assignments counted) */
    int dropped = 0, asked = 0;
    for (int e = lid; e < EXPERTS; e += SCAN_WG) {
        int count = 0;
        for (int t = 0; t < T; ++t)
            for (int k = 0; k < ROUTED_SLOTS; ++k) {
                int id = topk_ids[(idx_t)t * SLOTS + k];
<#if expertChoice>
                count += id == e; /* expert choice: the tokens the expert chose */
<#else>
                if (id < 0) id = -1 - id; /* a pick GShard's coin did not dispatch still counts as asked */
                count += id == e;
</#if>
            }
        float p = 0.0f;
        for (int t = 0; t < T; ++t) {
            const float h = stats_gate_logit(logits + (idx_t)t * ROUTER_ROWS, t, e<#if noisy>, seed</#if>);
<#if scoring == "softmax">
            p += exp(h - token_lse[t]);
<#else>
            p += token_lse[t] == 0.0f ? 0.0f : sigmoidf_(h) / token_lse[t]; /* sigmoid scores normalised per token */
</#if>
        }
        p = T > 0 ? p / (float)T : 0.0f;
        expert_load[e] = count;
        load_stats[e] = p;
        aux += (float)count * p;
        asked += count;
        dropped += count - expert_kept[e];
<#if correctionBias>
        const float d = (float)T * TOP_K / EXPERTS - (float)count;
        updated_bias[e] = e_score_correction_bias[e] + BIAS_UPDATE_SPEED * (d > 0.0f ? 1.0f : d < 0.0f ? -1.0f : 0.0f);
</#if>
    }
    red[lid] = z;
    redi[lid] = dropped;
    BARRIER();
    if (lid == 0) { float zs = 0.0f; int ds = 0; for (int i = 0; i < SCAN_WG; ++i) { zs += red[i]; ds += redi[i]; } z = zs; dropped = ds; }
    BARRIER();
    red[lid] = aux;
    redi[lid] = asked;
    BARRIER();
    if (lid == 0) {
        float as = 0.0f;
        int n = 0;
        for (int i = 0; i < SCAN_WG; ++i) { as += red[i]; n += redi[i]; }
        load_stats[EXPERTS] = n > 0 ? EXPERTS * as / (float)n : 0.0f;
        load_stats[EXPERTS + 1] = z;
        expert_load[EXPERTS] = dropped;
    }
}
