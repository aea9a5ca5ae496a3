package dev.moegen.codegen.emit;

import dev.moegen.codegen.params.Heuristic;
import dev.moegen.codegen.params.KernelParams;
import dev.moegen.codegen.params.Param;
import dev.moegen.codegen.plan.KernelPlan;
import dev.moegen.codegen.plan.KernelRole;
import dev.moegen.codegen.plan.PlannedKernel;
import dev.moegen.codegen.platform.BackendId;
import dev.moegen.codegen.platform.Dialect;
import dev.moegen.codegen.platform.Dialects;
import dev.moegen.codegen.platform.Target;
import dev.moegen.dsl.types.DType;
import dev.moegen.dsl.layer.Activation;
import dev.moegen.dsl.layer.MoeLayerSpec;
import dev.moegen.dsl.spec.SpecFiles;
import dev.moegen.dsl.spec.SpecFormat;
import freemarker.template.Configuration;
import freemarker.template.TemplateException;
import freemarker.template.TemplateExceptionHandler;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders a plan into one kernel source per backend from the Freemarker templates. Only numbers and
 * enum-derived choices enter the source; the layer name appears in a comment, sanitised.
 */
public final class SourceEmitter {
    public static final String GENERATOR_VERSION = "0.1.0";
    private static final Configuration CFG = configure();

    private SourceEmitter() {}

    private static Configuration configure() {
        Configuration c = new Configuration(Configuration.VERSION_2_3_34);
        c.setClassForTemplateLoading(SourceEmitter.class, "/dev/moegen/codegen/templates");
        c.setDefaultEncoding("UTF-8");
        c.setNumberFormat("computer");
        c.setTemplateExceptionHandler(TemplateExceptionHandler.RETHROW_HANDLER);
        c.setLogTemplateExceptions(false);
        c.setFallbackOnNullLoopVariable(false);
        return c;
    }

    /** The plan's source for its own target's backend. */
    public static GeneratedSource emit(KernelPlan plan) {
        return emit(plan, plan.target().backend());
    }

    /** The plan's source spelled for {@code backend} (the bodies are shared, so any backend can render any plan). */
    public static GeneratedSource emit(KernelPlan plan, BackendId backend) {
        Dialect dialect = Dialects.get(backend);
        MoeLayerSpec s = plan.spec();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("generatorVersion", GENERATOR_VERSION);
        m.put("backend", backend.id());
        m.put("dialect", dialect.templateFolder());
        m.put("layerName", Identifiers.snake(s.name()));
        m.put("specHash", specHash(s));
        m.put("params", plan.params().asMap());
        m.put("kernels", plan.kernels().stream().map(PlannedKernel::name).toList());
        m.put("sig", signatures(plan));
        Map<String, String> wg = new LinkedHashMap<>();
        for (KernelRole r : KernelRole.values()) wg.put(r.entry(), r.qualifier());
        m.put("kq", wg);
        m.put("defines", defines(plan));
        m.put("dtype", s.dtype().id());
        m.put("gemm", plan.params().gemm().id());
        m.put("logitsVec4", plan.logitsVector() == 4);
        m.put("combineVec", plan.combineVector());
        m.put("mmaType", mmaType(s.dtype()));
        int n1 = plan.params().bRows(s.activation().gated()), n2 = plan.params().bRows(false);
        m.put("wgmmaN", java.util.stream.Stream.of(n1, n2).distinct().toList());
        m.put("wgmmaTiles", List.of(Map.of("stage", 1, "n", n1), Map.of("stage", 2, "n", n2)));
        // a weight row's offset within one expert's matrix: 32-bit where every expert's matrix fits (fewer registers)
        long expertElems = Math.max((long) s.activation().gemm1Width(s.intermediate()), s.hidden()) * Math.max(s.hidden(), s.intermediate());
        m.put("expertOffset", expertElems < Integer.MAX_VALUE ? "int" : "idx_t");
        m.put("tensorMapMagic", Integer.toUnsignedString(dev.moegen.codegen.plan.TensorMapSpec.EMULATION_MAGIC));
        m.put("activation", s.activation().id());
        m.put("gated", s.activation().gated());
        m.put("clampLimit", floatLiteral(Activation.CLAMP_LIMIT));
        m.put("clampAlpha", floatLiteral(Activation.CLAMP_ALPHA));
        m.put("scoring", s.routing().scoring().id());
        m.put("grouped", s.routing().grouped());
        m.put("correctionBias", s.routing().correctionBias());
        m.put("routerBias", s.routing().routerBias());
        m.put("renormalize", s.routing().renormalize());
        m.put("groupMax", s.routing().groupScore() == dev.moegen.dsl.layer.GroupScore.MAX);
        m.put("renormP", floatLiteral(s.routing().renormalizeP()));
        m.put("noisy", s.routing().noisyGating());
        m.put("randomSecond", s.routing().secondExpertPolicy() == dev.moegen.dsl.layer.SecondExpertPolicy.RANDOM);
        m.put("randomGating", s.routing().random());
        m.put("expertChoice", s.routing().expertChoice());
        m.put("routedScaling", floatLiteral(s.routing().routedScalingFactor()));
        m.put("sharedSlices", s.sharedSlices());
        m.put("sharedGated", s.shared() != null && s.shared().gated());
        m.put("expertBias", s.expertBias());
        return new GeneratedSource(backend, Identifiers.snake(s.name()) + dialect.extension(), render("program.ftl", m, s.name()));
    }

    /** Each kernel's C parameter list by entry name, rendered from its {@link KernelRole#signature}. */
    static Map<String, String> signatures(KernelPlan plan) {
        Map<String, String> m = new LinkedHashMap<>();
        for (KernelRole r : KernelRole.values()) m.put(r.entry(), r.renderSignature(plan.spec(), plan.params()));
        return m;
    }

    /**
     * The benchmark's floor kernels for {@code groups} x {@code wg} work-items (grid-stride loops); with the
     * tensor-core peak kernels where the target has tensor cores (mma.sync, and wgmma m64n256 on sm_90a).
     */
    public static GeneratedSource emitBench(Target target, int groups, int wg, DType dtype) {
        Dialect dialect = Dialects.get(target.backend());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("generatorVersion", GENERATOR_VERSION);
        m.put("backend", target.backend().id());
        m.put("dialect", dialect.templateFolder());
        m.put("tensorBench", target.caps().tensorCores());
        m.put("dtype", dtype.id());
        m.put("groups", groups);
        m.put("wg", wg);
        m.put("gemm", "wgmma"); // the tensor-core header: mma.sync everywhere, wgmma m64n256 on sm_90a
        m.put("mmaType", mmaType(dtype));
        m.put("wgmmaN", List.of(256));
        m.put("params", Map.of("VW", Heuristic.vectorWidth(target))); // the vector kernels use the device's native width
        return new GeneratedSource(target.backend(), "moe_bench_" + dtype.id() + dialect.extension(), render("bench_program.ftl", m, "bench kernels"));
    }

    private static String render(String template, Map<String, Object> model, String what) {
        StringWriter out = new StringWriter();
        try {
            CFG.getTemplate(template).process(model, out);
        } catch (IOException | TemplateException e) {
            throw new IllegalStateException("template rendering failed for " + what + ": " + e.getMessage(), e);
        }
        return out.toString();
    }

    /** PTX type of the tensor-core operands: f16 for fp16 layers, bf16 otherwise. */
    private static String mmaType(DType d) {
        return d == DType.FP16 ? "f16" : "bf16";
    }

    static Map<String, Object> defines(KernelPlan plan) {
        MoeLayerSpec s = plan.spec();
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("EXPERTS", s.experts());
        d.put("ALL_EXPERTS", s.totalExperts());
        d.put("TOP_K", s.topK());
        d.put("SLOTS", s.slotsPerToken());
        d.put("ROUTED_SLOTS", s.routedSlots());
        d.put("ROUTER_ROWS", plan.routerRows());
        d.put("HIDDEN", s.hidden());
        d.put("INTER", s.intermediate());
        d.put("N1", s.activation().gemm1Width(s.intermediate()));
        plan.transpose(dev.moegen.codegen.plan.BufferId.W13).ifPresent(t -> d.put("PANEL1", t.panel())); // the tiled loop's weight panels
        plan.transpose(dev.moegen.codegen.plan.BufferId.W2).ifPresent(t -> d.put("PANEL2", t.panel()));
        d.put("N_GROUP", s.routing().nGroup());
        d.put("TOPK_GROUP", s.routing().topkGroup());
        d.put("PER_GROUP", s.experts() / s.routing().nGroup());
        if (s.routing().noisyGating()) d.put("NOISE_ROW", dev.moegen.dsl.graph.LayerGraph.noiseRow(s));
        if (s.routing().correctionBias()) d.put("BIAS_UPDATE_SPEED", floatLiteral(s.routing().biasUpdateSpeed()) + "f");
        d.put("SEQ_CAPACITY", s.perSequence() ? Math.min(Integer.MAX_VALUE, s.sequenceCapacity()) : 0); // 0: the capacity argument holds over all T
        KernelParams p = plan.params();
        boolean gated = s.activation().gated();
        for (Param q : Param.values()) if (q.isDefine()) d.put(q.define(), p.effective(q));
        d.put("GEMM_THREADS", p.gemmThreads());
        d.put("GEMM2_THREADS", p.gemm2Threads());
        d.put("COMBINE_VEC", plan.combineVector());
        if (p.gemm().tensorCores()) {
            d.put("GEMM1_ROWS_OFFSET", p.rowTableOffset(gated));
            d.put("GEMM1_SMEM_BYTES", p.sharedBytes(gated));
            d.put("GEMM2_ROWS_OFFSET", p.rowTableOffset(false));
            d.put("GEMM2_SMEM_BYTES", p.sharedBytes(false));
            d.put("GEMM1_BARS_OFFSET", p.barrierOffset(gated));
            d.put("GEMM2_BARS_OFFSET", p.barrierOffset(false));
            d.put("MATH_THREADS", p.mathThreads());
            d.put("PRODUCER_THREADS", KernelParams.PRODUCER_THREADS);
            if (p.producer()) { // setmaxnreg: the producer gives registers back, the math warpgroups take them (balanced at launch's count)
                d.put("LAUNCH_REGISTERS", KernelParams.launchRegisters(p.gemmThreads()));
                d.put("PRODUCER_REGISTERS", KernelParams.PRODUCER_REGISTERS);
                d.put("MATH_REGISTERS", KernelParams.mathRegisters(p.gemmThreads(), p.mathThreads()));
            }
        }
        return d;
    }

    /** A C float literal that round-trips the double's float value (e.g. 2.5f, 1.702f). */
    static String floatLiteral(double v) {
        String f = Float.toString((float) v);
        return f.contains(".") || f.contains("E") ? f : f + ".0";
    }

    /** SHA-256 of the spec's canonical JSON: identifies what a generated file was made from. */
    public static String specHash(MoeLayerSpec s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(SpecFiles.format(s, SpecFormat.JSON).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
