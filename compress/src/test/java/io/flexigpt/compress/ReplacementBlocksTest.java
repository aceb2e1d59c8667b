package io.flexigpt.compress;

import static io.flexigpt.tensor.testing.SeededTheory.qt;
import static org.junit.jupiter.api.Assertions.*;
import static org.quicktheories.generators.SourceDSL.*;

import io.flexigpt.autograd.Variable;
import io.flexigpt.nn.LlamaModel;
import io.flexigpt.nn.TransformerBlock;
import io.flexigpt.tensor.DType;
import io.flexigpt.tensor.Linalg;
import io.flexigpt.tensor.Rng;
import io.flexigpt.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Replacement blocks: SVD-initialised adapters whose product is the best rank-r approximation of the
 * weight difference, split evenly ({@code B = U S^½}, {@code A = S^½ Vᵀ}); LoRA initialisation; blocks that
 * reference the source's weights and copy the pruned block's norms; and output scales that give each
 * residual branch the per-channel RMS of the pruned block's on the calibration inputs.
 */
class ReplacementBlocksTest {

    @Test
    void svdAdaptersMultiplyToTheTruncatedDifferenceAndAreBalanced() {
        record Case(int out, int in, int rank, boolean withBase, long seed) {}
        Gen<Case> cases = in -> new Case(
                integers().between(1, 14).generate(in),
                integers().between(1, 14).generate(in),
                integers().between(1, 14).generate(in),
                booleans().all().generate(in),
                longs().all().generate(in));
        qt(60).forAll(cases)
                .checkAssert(c -> svdAdaptersMultiplyToTheTruncatedDifferenceAndAreBalanced(
                        c.out(), c.in(), c.rank(), c.withBase(), c.seed()));
    }

    private void svdAdaptersMultiplyToTheTruncatedDifferenceAndAreBalanced(
            int out, int in, int rank, boolean withBase, long seed) {
        Rng rng = new Rng(seed);
        Tensor target = rng.normal(0, 1, out, in), base = withBase ? rng.normal(0, 1, out, in) : null;
        int r = Math.min(rank, Math.min(out, in));
        Tensor[] ab = ReplacementBlocks.adapters(target, base, r, FlexiGptConfig.AdapterInit.SVD, rng);
        Tensor a = ab[0], b = ab[1];
        assertArrayEquals(new int[] {r, in}, a.shape());
        assertArrayEquals(new int[] {out, r}, b.shape());
        Tensor diff = (withBase ? target.sub(base) : target).to(DType.F64);
        Tensor best = Linalg.svd(diff, r).reconstruct();
        assertTrue(b.to(DType.F64).matmul(a.to(DType.F64)).maxAbsDiff(best) < 1e-4, "B A = [D]_r");
        double sigmaSum = Linalg.singularValues(diff).narrow(0, 0, r).sum();
        assertEquals(sigmaSum, a.to(DType.F64).square().sum(), 1e-4 * (1 + sigmaSum), "||A||² = Σ σ_i");
        assertEquals(sigmaSum, b.to(DType.F64).square().sum(), 1e-4 * (1 + sigmaSum), "||B||² = Σ σ_i");
        if (r == Math.min(out, in)) {
            Tensor rebuilt = b.matmul(a);
            if (withBase) rebuilt = rebuilt.add(base);
            assertTrue(rebuilt.maxAbsDiff(target) < 1e-4, "at full rank base + B A = W_p");
        }
    }

    @Test
    void loraAdaptersStartWithBZeroAndSmallRandomA() {
        Tensor[] ab = ReplacementBlocks.adapters(
                Tensor.ones(30, 400), Tensor.zeros(30, 400), 6, FlexiGptConfig.AdapterInit.LORA, new Rng(2));
        assertArrayEquals(new int[] {6, 400}, ab[0].shape());
        assertEquals(0.0, ab[1].abs().sum());
        assertArrayEquals(new int[] {30, 6}, ab[1].shape());
        double std = Math.sqrt(ab[0].square().mean());
        assertEquals(1 / Math.sqrt(400), std, 0.1 / Math.sqrt(400), "A ~ N(0, 1/in)");
    }

    @Test
    void aReplacementReferencesTheSourceWeightsAndCopiesThePrunedNormsAndAdapters() {
        LlamaModel m = TinyModels.random(2, 5);
        TransformerBlock pruned = m.blocks().get(1), source = m.blocks().get(0);
        Map<String, Tensor[]> adapters =
                ReplacementBlocks.adapters(pruned, source, RankSpec.of(3), FlexiGptConfig.AdapterInit.SVD, new Rng(1));
        TransformerBlock r = ReplacementBlocks.build(m.config(), pruned, source, adapters, null, null);
        for (String name : Projections.NAMES) {
            SharedLowRankLinear p = (SharedLowRankLinear) Projections.get(r, name);
            assertSame(Projections.linear(source, name).weight(), p.base(), name);
            assertNotSame(adapters.get(name)[0], p.adapterA().value(), "adapter A is the block's own copy");
            assertEquals(0.0, p.adapterA().value().maxAbsDiff(adapters.get(name)[0]));
            assertEquals(0.0, p.adapterB().value().maxAbsDiff(adapters.get(name)[1]));
        }
        assertNotSame(pruned.attentionNorm().weight(), r.attentionNorm().weight());
        assertEquals(
                0.0,
                r.attentionNorm()
                        .weight()
                        .value()
                        .maxAbsDiff(pruned.attentionNorm().weight().value()));
        assertEquals(
                0.0,
                r.mlpNorm()
                        .weight()
                        .value()
                        .maxAbsDiff(pruned.mlpNorm().weight().value()));
        assertNull(r.attentionScale());
        assertNull(r.mlpScale());
    }

    private static List<Tensor> inputs(LlamaModel m, long seed) {
        Rng rng = new Rng(seed);
        return List.of(rng.normal(0, 1, 2, 7, TinyModels.DIM), rng.normal(0, 1, 1, 5, TinyModels.DIM));
    }

    /** A replacement for block 0 of {@code m} built on block 0 of {@code base}, with zero (LoRA-initialised) adapters. */
    private static TransformerBlock onBase(LlamaModel m, LlamaModel base, Tensor sa, Tensor sm) {
        TransformerBlock pruned = m.blocks().get(0), source = base.blocks().get(0);
        return ReplacementBlocks.build(
                m.config(),
                pruned,
                source,
                ReplacementBlocks.adapters(pruned, source, RankSpec.of(2), FlexiGptConfig.AdapterInit.LORA, new Rng(3)),
                sa,
                sm);
    }

    @Test
    void scalesOfAnExactReplacementAreOneAndADoubledAttentionOutputIsHalved() {
        qt(10).forAll(longs().all()).checkAssert(seed -> {
            LlamaModel m = TinyModels.random(1, seed);
            Tensor[] same =
                    ReplacementBlocks.outputScales(m.blocks().get(0), onBase(m, m, null, null), inputs(m, seed));
            assertTrue(same[0].sub(1).abs().max(0, false).item() < 1e-6
                    && same[1].sub(1).abs().max(0, false).item() < 1e-6);

            Tensor o = m.stateDict().get("model.layers.0.self_attn.o_proj.weight");
            LlamaModel doubled = TinyModels.edited(m, Map.of("model.layers.0.self_attn.o_proj.weight", o.mul(2)));
            Tensor[] half =
                    ReplacementBlocks.outputScales(m.blocks().get(0), onBase(m, doubled, null, null), inputs(m, seed));
            assertTrue(half[0].sub(0.5).abs().max(0, false).item() < 1e-5, "attention scale " + half[0]);

            LlamaModel huge = TinyModels.edited(m, Map.of("model.layers.0.self_attn.o_proj.weight", o.mul(100)));
            Tensor[] clamped =
                    ReplacementBlocks.outputScales(m.blocks().get(0), onBase(m, huge, null, null), inputs(m, seed));
            assertEquals(0.125, clamped[0].max(0, false).item(), 1e-7, "clamped at 1/8");
            assertEquals(0.125, -clamped[0].neg().max(0, false).item(), 1e-7);
        });
    }

    @Test
    void withItsScalesEachBranchHasThePrunedBlocksPerChannelRms() {
        qt(10).forAll(longs().all()).checkAssert(seed -> {
            LlamaModel m = TinyModels.random(2, seed);
            LlamaModel other = TinyModels.random(2, seed + 1);
            Map<String, Tensor> sd = m.stateDict();
            // a source whose o_proj and down_proj are the pruned block's times 1.5 and 0.6: the scales stay inside
            // [1/8, 8]
            LlamaModel source = TinyModels.edited(
                    other,
                    Map.of(
                            "model.layers.0.self_attn.o_proj.weight",
                                    sd.get("model.layers.0.self_attn.o_proj.weight")
                                            .mul(1.5),
                            "model.layers.0.mlp.down_proj.weight",
                                    sd.get("model.layers.0.mlp.down_proj.weight")
                                            .mul(0.6)));
            List<Tensor> x = inputs(m, seed);
            Tensor[] scales = ReplacementBlocks.outputScales(m.blocks().get(0), onBase(m, source, null, null), x);
            TransformerBlock scaled = onBase(m, source, scales[0], scales[1]);
            for (int branch = 0; branch < 2; branch++) {
                Tensor want = null, have = null;
                for (Tensor xi : x) {
                    Tensor w = ReplacementBlocks.branchOutputs(m.blocks().get(0), Variable.constant(xi))[branch]
                            .square()
                            .sum(0, false);
                    Tensor h = ReplacementBlocks.branchOutputs(scaled, Variable.constant(xi))[branch]
                            .square()
                            .sum(0, false);
                    want = want == null ? w : want.add(w);
                    have = have == null ? h : have.add(h);
                }
                Tensor ratio = have.div(want).sqrt();
                assertTrue(
                        ratio.sub(1).abs().max(0, false).item() < 1e-3,
                        (branch == 0 ? "attention" : "MLP") + " RMS ratio per channel " + ratio);
            }
        });
    }
}
