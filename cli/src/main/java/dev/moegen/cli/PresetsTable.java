package dev.moegen.cli;

import dev.moegen.dsl.layer.MoeLayerSpec;
import java.util.List;

/** One row per preset: the numbers that decide kernel shapes. */
final class PresetsTable {
    private PresetsTable() {}

    static List<String> header() {
        return List.of("preset", "E", "top-k", "hidden", "inter", "shared", "scoring", "groups", "activation", "capacity");
    }

    static List<String> row(MoeLayerSpec s) {
        var r = s.routing();
        String shared = s.shared().present() ? s.shared().count() + "x" + s.shared().intermediate() + (s.shared().gated() ? " gated" : "") : "-";
        String scoring = r.scoring().id() + (r.correctionBias() ? "+bias" : "") + (r.renormalize() ? " renorm" + (r.renormalizeP() != 1 ? " p=" + r.renormalizeP() : "") : "")
                + (r.routedScalingFactor() != 1 ? " x" + r.routedScalingFactor() : "");
        return List.of(s.name(), "" + s.experts(), "" + s.topK(), "" + s.hidden(), "" + s.intermediate(), shared, scoring,
                r.grouped() ? r.topkGroup() + "/" + r.nGroup() + (r.groupScore() == dev.moegen.dsl.layer.GroupScore.MAX ? " by max" : "") : "-", s.activation().id(),
                capacity(s));
    }

    /** "dropless", "cf 1.25", "64", with "/seq 512" when it holds per sequence. */
    static String capacity(MoeLayerSpec s) {
        if (s.dropless()) return "dropless";
        String c = s.expertCapacity() != null ? "" + s.expertCapacity() : "cf " + s.capacityFactor();
        return s.perSequence() ? c + " /seq " + s.sequenceLength() : c;
    }
}
