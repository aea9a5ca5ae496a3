package dev.moegen.verify.reference;

/** Every intermediate of a reference layer run; {@code inter} and {@code expertOut} are in sorted order. */
public record LayerResult(
        double[] logits, double[] scores, double[] selectionScores, RoutingResult routing, Alignment alignment,
        double[] inter, double[] expertOut, double[] y) {}
