package dev.moegen.dsl.ops;

/**
 * GShard's top-2 dispatch: a token's second pick is kept only if 2·g₂ > u, with g₂ its (renormalised) weight and u
 * uniform on [0, 1) from the layer's counter-based stream keyed by seed and token; otherwise its id becomes −1
 * (dropped, like a capacity drop).
 */
public record RandomSecondExpert() implements Op {}
