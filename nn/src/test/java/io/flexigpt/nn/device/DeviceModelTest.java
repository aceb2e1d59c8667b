package io.flexigpt.nn.device;

import static io.flexigpt.tensor.testing.SeededTheory.qt;
import static org.junit.jupiter.api.Assertions.*;
import static org.quicktheories.generators.SourceDSL.*;

import io.flexigpt.autograd.Variable;
import io.flexigpt.nn.Attention;
import io.flexigpt.nn.FeedForward;
import io.flexigpt.nn.Generator;
import io.flexigpt.nn.LanguageModel;
import io.flexigpt.nn.Linear;
import io.flexigpt.nn.LinearTerm;
import io.flexigpt.nn.LlamaConfig;
import io.flexigpt.nn.LlamaModel;
import io.flexigpt.nn.Projection;
import io.flexigpt.nn.RmsNorm;
import io.flexigpt.nn.SamplingConfig;
import io.flexigpt.nn.TransformerBlock;
import io.flexigpt.tensor.Rng;
import io.flexigpt.tensor.RopeLayout;
import io.flexigpt.tensor.Tensor;
import io.flexigpt.tensor.backend.CpuBackend;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * {@link DeviceModel} on the reference {@link CpuBackend} computes what the tensor path of {@link
 * LlamaModel} computes: for random grouped-query models of both RoPE layouts, for blocks that share
 * weights and scale their outputs, for projections of scaled product terms, in one pass and token by token
 * through a session, and in generation.
 */
class DeviceModelTest {
    static LlamaModel randomModel(int heads, int group, int headHalf, int layers, boolean interleaved, long seed) {
        int dim = heads * 2 * headHalf;
        LlamaConfig c = LlamaConfig.builder()
                .dim(dim)
                .layers(layers)
                .heads(heads)
                .kvHeads(heads / group)
                .hiddenDim(3 * dim / 2 + 1)
                .vocabSize(37)
                .maxSeqLen(24)
                .tiedEmbeddings(seed % 2 == 0)
                .ropeLayout(interleaved ? RopeLayout.INTERLEAVED : RopeLayout.ROTATE_HALF)
                .build();
        return LlamaModel.random(c, seed);
    }

    static int[] tokens(long seed, int n, int vocab) {
        Random r = new Random(seed);
        int[] t = new int[n];
        for (int i = 0; i < n; i++) t[i] = r.nextInt(vocab);
        return t;
    }

    static void assertClose(Tensor expected, Tensor actual, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        double scale = 1 + expected.abs().max(-1, false).max(0, false).item();
        assertTrue(
                actual.maxAbsDiff(expected) <= 2e-5 * scale, what + ": max difference " + actual.maxAbsDiff(expected));
    }

    @Test
    void logitsEqualTheTensorPath() {
        record Case(int kvHeads, int group, int headHalf, int layers, boolean interleaved, int length, long seed) {}
        Gen<Case> cases = in -> new Case(
                integers().between(1, 2).generate(in),
                integers().between(1, 2).generate(in),
                integers().between(1, 4).generate(in),
                integers().between(1, 3).generate(in),
                booleans().all().generate(in),
                integers().between(1, 24).generate(in),
                longs().all().generate(in));
        qt(20).forAll(cases)
                .checkAssert(c -> logitsEqualTheTensorPath(
                        c.kvHeads(), c.group(), c.headHalf(), c.layers(), c.interleaved(), c.length(), c.seed()));
    }

    private void logitsEqualTheTensorPath(
            int kvHeads, int group, int headHalf, int layers, boolean interleaved, int length, long seed) {
        LlamaModel model = randomModel(kvHeads * group, group, headHalf, layers, interleaved, seed);
        int[] t = tokens(seed, length, model.config().vocabSize());
        assertClose(model.logits(t), new DeviceModel(model, new CpuBackend()).logits(t), "logits");
    }

    @Test
    void aSessionFedInPiecesEqualsOnePass() {
        qt(15).forAll(integers().between(2, 20), integers().between(1, 19), longs().all())
                .checkAssert((length, split, seed) -> {
                    LlamaModel model = randomModel(4, 2, 2, 2, seed % 3 == 0, seed);
                    DeviceModel device = new DeviceModel(model, new CpuBackend());
                    int[] t = tokens(seed, length, model.config().vocabSize());
                    int cut = Math.min(split, length - 1);
                    Tensor full = device.logits(t);
                    LanguageModel.Session s = device.session(length);
                    Tensor first = s.append(java.util.Arrays.copyOf(t, cut), true);
                    assertClose(full.slice(0, 0, cut), first, "prefix");
                    for (int i = cut; i < length; i++) {
                        Tensor last = s.append(new int[] {t[i]}, false);
                        assertClose(full.slice(0, i, i + 1), last, "position " + i);
                    }
                    assertEquals(length, s.position());
                    IllegalStateException full1 =
                            assertThrows(IllegalStateException.class, () -> s.append(new int[] {1}, false));
                    assertTrue(full1.getMessage().contains("capacity"), full1.getMessage());
                });
    }

    @Test
    void sharedWeightsAndOutputScalesAreHonouredAndUploadedOnce() {
        LlamaModel model = randomModel(2, 1, 2, 2, false, 11);
        LlamaConfig c = model.config();
        TransformerBlock source = model.blocks().get(0);
        Rng rng = new Rng(5);
        Attention attention = new Attention(
                c,
                shared(source.attention().q()),
                shared(source.attention().k()),
                shared(source.attention().v()),
                shared(source.attention().o()));
        FeedForward mlp = new FeedForward(
                shared(source.mlp().gate()),
                shared(source.mlp().up()),
                shared(source.mlp().down()));
        TransformerBlock replacement = new TransformerBlock(
                new RmsNorm(rng.normal(1, 0.1f, c.dim()), c.normEps()),
                attention,
                new RmsNorm(rng.normal(1, 0.1f, c.dim()), c.normEps()),
                mlp,
                rng.normal(0.5f, 0.2f, c.dim()),
                rng.normal(0.5f, 0.2f, c.dim()));
        model.blocks().replace(1, replacement);
        int[] t = tokens(3, 9, c.vocabSize());
        DeviceModel device = new DeviceModel(model, new CpuBackend());
        assertClose(model.logits(t), device.logits(t), "logits");
        long expected = 0;
        for (Variable p : model.parameters()) expected += p.value().numel();
        if (!c.tiedEmbeddings()) expected -= model.embedding().weight().value().numel();
        assertEquals(expected, device.parameterFloats(), "every parameter once, the shared ones included");
    }

    /** A projection {@code 0.5·W + (-1.5)·B A}: scaled terms, one of them a product. */
    private static final class ScaledTerms extends Projection {
        private final Variable w, b, a;

        ScaledTerms(Tensor w, Tensor b, Tensor a) {
            this.w = parameter("w", w);
            this.b = parameter("b", b);
            this.a = parameter("a", a);
        }

        @Override
        public List<LinearTerm> terms() {
            return List.of(new LinearTerm(0.5, List.of(w)), new LinearTerm(-1.5, List.of(b, a)));
        }

        @Override
        public int inFeatures() {
            return w.dim(1);
        }

        @Override
        public int outFeatures() {
            return w.dim(0);
        }
    }

    @Test
    void projectionsAreEvaluatedFromTheirTermsScalesIncluded() {
        LlamaModel model = randomModel(2, 1, 2, 2, true, 4);
        LlamaConfig c = model.config();
        Rng rng = new Rng(9);
        TransformerBlock b = model.blocks().get(1);
        Attention attention = new Attention(
                c,
                new ScaledTerms(
                        rng.normal(0, 0.3f, c.dim(), c.dim()),
                        rng.normal(0, 0.3f, c.dim(), 3),
                        rng.normal(0, 0.3f, 3, c.dim())),
                b.attention().k(),
                b.attention().v(),
                b.attention().o());
        FeedForward mlp = new FeedForward(
                b.mlp().gate(),
                b.mlp().up(),
                new ScaledTerms(
                        rng.normal(0, 0.3f, c.dim(), c.hiddenDim()),
                        rng.normal(0, 0.3f, c.dim(), 2),
                        rng.normal(0, 0.3f, 2, c.hiddenDim())));
        model.blocks().replace(1, new TransformerBlock(b.attentionNorm(), attention, b.mlpNorm(), mlp));
        int[] t = tokens(6, 11, c.vocabSize());
        Tensor withTerms = model.logits(t);
        assertClose(withTerms, new DeviceModel(model, new CpuBackend()).logits(t), "logits");
        Tensor x = rng.normal(0, 1, 4, c.dim());
        ScaledTerms q = (ScaledTerms) attention.q();
        Tensor expected = x.matmul(q.w.value()
                .mul(0.5f)
                .add(q.b.value().matmul(q.a.value()).mul(-1.5f))
                .t());
        assertTrue(
                q.forward(Variable.constant(x)).value().maxAbsDiff(expected) < 1e-5,
                "the tensor path sums the scaled terms");
    }

    private static Linear shared(Projection p) {
        return new Linear(((Linear) p).weight());
    }

    @Test
    void generationOnTheDeviceMatchesTheTensorPath() {
        LlamaModel model = randomModel(4, 2, 2, 2, true, 8);
        int[] prompt = {1, 5, 9};
        SamplingConfig sampling = new SamplingConfig(0.9, 0.95, 0, 17);
        int[] cpu = new Generator(model).generate(prompt, 15, sampling, null, null);
        int[] dev = new Generator(new DeviceModel(model, new CpuBackend())).generate(prompt, 15, sampling, null, null);
        assertArrayEquals(cpu, dev);
        assertEquals(15, dev.length);
    }
}
