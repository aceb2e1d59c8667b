package io.flexigpt.integration;

import static org.junit.jupiter.api.Assertions.*;

import io.flexigpt.autograd.Variable;
import io.flexigpt.compress.BlockInfluence;
import io.flexigpt.compress.CalibrationData;
import io.flexigpt.compress.Extension;
import io.flexigpt.compress.FlexiGpt;
import io.flexigpt.compress.FlexiGptConfig;
import io.flexigpt.compress.RankSpec;
import io.flexigpt.nn.Generator;
import io.flexigpt.nn.LinearTerm;
import io.flexigpt.nn.LlamaConfig;
import io.flexigpt.nn.LlamaModel;
import io.flexigpt.nn.Projection;
import io.flexigpt.nn.SamplingConfig;
import io.flexigpt.nn.TransformerBlock;
import io.flexigpt.nn.device.DeviceModel;
import io.flexigpt.tensor.Rng;
import io.flexigpt.tensor.RopeLayout;
import io.flexigpt.tensor.Tensor;
import io.flexigpt.tensor.backend.ComputeBackend;
import io.flexigpt.tensor.backend.CpuBackend;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The device path runs every kind of model the library makes — a plain one, FlexiGPT-compressed ones
 * (shared bases with low-rank adapters, output scales, normalised branches, unshared adapters) and an
 * extended one — with nothing but the layers' structure: on the CPU reference backend the logits are those
 * of the tensor path within 1e-4 and greedy decoding picks the same tokens; on OpenCL (when there is a
 * device; required under {@code CI=true}) within 2e-3 and the same tokens.
 */
class EveryModelKindOnTheDeviceTest {
    static final int[] PROBE = {1, 7, 3, 22, 39, 0, 15, 15, 8, 31, 2, 17, 5, 5, 30};

    /** Six blocks, dim 16, 4 heads over 2 kv heads; linear weights ten times the usual initialisation so every block matters. */
    static LlamaModel teacher(RopeLayout layout, long seed) {
        LlamaConfig c = LlamaConfig.builder()
                .dim(16)
                .layers(6)
                .heads(4)
                .kvHeads(2)
                .hiddenDim(24)
                .vocabSize(40)
                .maxSeqLen(64)
                .tiedEmbeddings(seed % 2 == 0)
                .ropeLayout(layout)
                .build();
        Map<String, Tensor> w = new LinkedHashMap<>(LlamaModel.random(c, seed).stateDict());
        w.replaceAll((name, t) -> name.endsWith("_proj.weight") ? t.mul(10) : t);
        return LlamaModel.fromWeights(c, w);
    }

    /** The models of every kind made from {@code teacher}, by name. */
    static Map<String, LlamaModel> everyKind(LlamaModel teacher, long seed) {
        Rng rng = new Rng(seed);
        int[] text = new int[400];
        for (int i = 0; i < text.length; i++)
            text[i] = rng.nextInt(teacher.config().vocabSize());
        CalibrationData calibration = CalibrationData.sample(text, 4, 16, 2, seed);
        double[] importance = new BlockInfluence().score(teacher, calibration);
        FlexiGptConfig standard = FlexiGptConfig.standard(0.4, RankSpec.of(3));
        Map<String, LlamaModel> kinds = new LinkedHashMap<>();
        kinds.put("plain", teacher);
        kinds.put(
                "flexigpt",
                FlexiGpt.compress(teacher, importance, calibration, standard).model());
        kinds.put(
                "flexigpt, normalised branches",
                perturbed(
                        FlexiGpt.compress(
                                        teacher,
                                        importance,
                                        calibration,
                                        standard.withOutputNormalisation(FlexiGptConfig.OutputNormalisation.PAPER))
                                .model(),
                        rng));
        kinds.put(
                "flexigpt, unshared",
                FlexiGpt.compress(teacher, importance, calibration, standard.withSharing(false))
                        .model());
        kinds.put("extended", perturbed(Extension.extend(teacher, new int[] {1, 4}, RankSpec.of(3), seed), rng));
        return kinds;
    }

    /**
     * {@code model} with random output scales and adapters {@code B} on its scaled blocks: extension and the
     * paper's normalisation start at (or next to) the identity, which would hide a wrong branch.
     */
    static LlamaModel perturbed(LlamaModel model, Rng rng) {
        for (TransformerBlock b : model.blocks().asList()) {
            if (b.attentionScale() == null) continue;
            randomise(b.attentionScale(), rng);
            randomise(b.mlpScale(), rng);
            for (Projection p : b.projections().values()) {
                for (LinearTerm term : p.terms())
                    if (term.factors().size() == 2) randomise(term.factors().get(0), rng); // B of B·A
            }
        }
        return model;
    }

    private static void randomise(Variable parameter, Rng rng) {
        parameter.value().copyFromInPlace(rng.normal(0, 0.5f, parameter.shape()));
    }

    static void runsAsOnTheTensorPath(String kind, LlamaModel model, ComputeBackend backend, double tolerance) {
        DeviceModel device = new DeviceModel(model, backend);
        Tensor expected = model.logits(PROBE), got = device.logits(PROBE);
        assertArrayEquals(expected.shape(), got.shape(), kind);
        assertTrue(
                got.maxAbsDiff(expected) <= tolerance,
                kind + " on " + backend.name() + ": max logit difference " + got.maxAbsDiff(expected));
        SamplingConfig greedy = SamplingConfig.greedy();
        int[] prompt = {1, 7, 3};
        assertArrayEquals(
                new Generator(model).generate(prompt, 30, greedy, null, null),
                new Generator(device).generate(prompt, 30, greedy, null, null),
                kind + " on " + backend.name() + ": greedy tokens");
    }

    @Test
    void everyKindOfModelRunsOnTheCpuReferenceBackendAsOnTheTensorPath() {
        for (RopeLayout layout : RopeLayout.values()) {
            long seed = layout.ordinal() + 3;
            for (Map.Entry<String, LlamaModel> e :
                    everyKind(teacher(layout, seed), seed).entrySet()) {
                runsAsOnTheTensorPath(e.getKey() + " (" + layout + ")", e.getValue(), new CpuBackend(), 1e-4);
            }
        }
    }

    @Test
    void everyKindOfModelRunsOnOpenClAsOnTheTensorPath() {
        ComputeBackend opencl = OpenClForTests.open();
        try (opencl) {
            for (Map.Entry<String, LlamaModel> e :
                    everyKind(teacher(RopeLayout.ROTATE_HALF, 11), 11).entrySet()) {
                runsAsOnTheTensorPath(e.getKey(), e.getValue(), opencl, 2e-3);
            }
        }
    }
}
