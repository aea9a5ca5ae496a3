package com.example.moe;

import dev.moegen.dsl.spec.SpecFiles;
import dev.moegen.dsl.spec.SpecFormat;
import dev.moegen.generated.TinyMoeLayer;
import dev.moegen.runtime.exec.Backends;
import dev.moegen.verify.junit.MoeAssertions;
import dev.moegen.verify.junit.Observed;
import org.junit.jupiter.api.Test;

class TinyMoeTest {
    @Test
    void generatedLayerMatchesTheReference() throws Exception {
        var spec = SpecFiles.parse(TinyMoeLayer.SPEC_JSON, SpecFormat.JSON, "tiny-moe");
        try (var session = Backends.open("auto")) {
            var layer = new TinyMoeLayer(session, 64);
            MoeAssertions.assertMatchesReference(spec, in -> {
                layer.loadWeights(in.wRouter(), in.w13(), in.w2());
                return Observed.y(layer.forward(in.x(), in.tokens()));
            }, 42L, 1, 7, 64);
        }
    }
}
