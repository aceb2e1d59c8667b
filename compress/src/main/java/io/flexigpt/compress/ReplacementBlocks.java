package io.flexigpt.compress;

import io.flexigpt.autograd.NoGrad;
import io.flexigpt.autograd.Variable;
import io.flexigpt.nn.Attention;
import io.flexigpt.nn.FeedForward;
import io.flexigpt.nn.LlamaConfig;
import io.flexigpt.nn.Projection;
import io.flexigpt.nn.RmsNorm;
import io.flexigpt.nn.TransformerBlock;
import io.flexigpt.tensor.Linalg;
import io.flexigpt.tensor.Rng;
import io.flexigpt.tensor.Svd;
import io.flexigpt.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds the blocks that stand in for pruned ones: shared base weights plus low-rank adapters. */
final class ReplacementBlocks {
    private ReplacementBlocks() {}

    /**
     * Adapter factors for {@code target} (≈ {@code base + B A}, or ≈ {@code B A} without a base). SVD init:
     * {@code [target - base]_r = U S Vᵀ} (top-r triplets by {@link Linalg#topSpectrum(Tensor, int)}), {@code B = U S^½}, {@code A = S^½ Vᵀ}. LoRA init: {@code B = 0},
     * {@code A ~ N(0, 1/in)}.
     */
    static Tensor[] adapters(Tensor target, Tensor base, int rank, FlexiGptConfig.AdapterInit init, Rng rng) {
        if (init == FlexiGptConfig.AdapterInit.LORA) {
            return new Tensor[] {
                rng.normal(0, (float) (1 / Math.sqrt(target.dim(1))), rank, target.dim(1)),
                Tensor.zeros(target.dim(0), rank)
            };
        }
        Tensor diff = base == null ? target : target.sub(base);
        return adapters(Linalg.topSpectrum(diff, rank).top());
    }

    /** SVD-initialised adapter factors {@code {A, B}} from the top-r triplets of the difference: {@code B = U S^½}, {@code A = S^½ Vᵀ}. */
    static Tensor[] adapters(Svd top) {
        Tensor root = top.s().sqrt();
        Tensor b = top.u().mul(root.reshape(1, -1));
        Tensor a = top.vt().mul(root.reshape(-1, 1));
        return new Tensor[] {a.contiguous(), b.contiguous()};
    }

    /** {@link #adapters(Svd)} for every projection, from factors already found by the source search. */
    static Map<String, Tensor[]> adapters(Map<String, Svd> factors) {
        Map<String, Tensor[]> out = new LinkedHashMap<>();
        for (String m : Projections.NAMES) out.put(m, adapters(factors.get(m)));
        return out;
    }

    /** Adapter factors {@code {A, B}} for every projection of {@code pruned}, towards its weights from {@code source}'s (or from zero). */
    static Map<String, Tensor[]> adapters(
            TransformerBlock pruned, TransformerBlock source, RankSpec rank, FlexiGptConfig.AdapterInit init, Rng rng) {
        Map<String, Tensor[]> out = new LinkedHashMap<>();
        for (String m : Projections.NAMES) {
            Tensor target = Projections.linear(pruned, m).weight().value();
            Tensor base = source == null
                    ? null
                    : Projections.linear(source, m).weight().value();
            out.put(m, adapters(target, base, rank.rankFor(target), init, rng));
        }
        return out;
    }

    /** As {@link #build(LlamaConfig, TransformerBlock, TransformerBlock, Map, Tensor, Tensor, boolean)} with plain (not normalised) branches. */
    static TransformerBlock build(
            LlamaConfig config,
            TransformerBlock pruned,
            TransformerBlock source,
            Map<String, Tensor[]> adapters,
            Tensor attentionScale,
            Tensor mlpScale) {
        return build(config, pruned, source, adapters, attentionScale, mlpScale, false);
    }

    /**
     * The replacement for {@code pruned}: projections sharing {@code source}'s weight variables (none when
     * {@code source} is null) with copies of the given adapters, the pruned block's own norm gains, and
     * output scales when given (gains of normalised branches when {@code normalisedBranches}).
     */
    static TransformerBlock build(
            LlamaConfig config,
            TransformerBlock pruned,
            TransformerBlock source,
            Map<String, Tensor[]> adapters,
            Tensor attentionScale,
            Tensor mlpScale,
            boolean normalisedBranches) {
        Map<String, Projection> p = new HashMap<>();
        for (String m : Projections.NAMES) {
            Variable base =
                    source == null ? null : Projections.linear(source, m).weight();
            Tensor[] ab = adapters.get(m);
            p.put(m, new SharedLowRankLinear(base, ab[0].copy(), ab[1].copy()));
        }
        return new TransformerBlock(
                new RmsNorm(
                        pruned.attentionNorm().weight().value().copy(),
                        pruned.attentionNorm().eps()),
                new Attention(config, p.get("q_proj"), p.get("k_proj"), p.get("v_proj"), p.get("o_proj")),
                new RmsNorm(
                        pruned.mlpNorm().weight().value().copy(),
                        pruned.mlpNorm().eps()),
                new FeedForward(p.get("gate_proj"), p.get("up_proj"), p.get("down_proj")),
                attentionScale,
                mlpScale,
                normalisedBranches);
    }

    /**
     * What recovery trains in a replacement (or inserted) block, found from its structure: its norm gains,
     * output scales and every adapter factor. Shared base weights are not among them, whatever their names.
     */
    static List<Variable> ownParameters(TransformerBlock block) {
        List<Variable> out = new ArrayList<>();
        out.addAll(block.attentionNorm().parameters());
        out.addAll(block.mlpNorm().parameters());
        out.addAll(Projections.adapters(block));
        out.addAll(block.outputScales());
        return out;
    }

    /** Makes {@link #ownParameters(TransformerBlock)} trainable; everything else keeps its state. */
    static void unfreezeOwnParameters(TransformerBlock block) {
        for (Variable v : ownParameters(block)) v.setRequiresGrad(true);
    }

    /** Attention and MLP residual-branch outputs of {@code block} on input {@code x}, as {@code [tokens, dim]}. */
    static Tensor[] branchOutputs(TransformerBlock block, Variable x) {
        return branchOutputs(block, x, block.attentionScale());
    }

    /** As {@link #branchOutputs(TransformerBlock, Variable)}, with the attention branch scaled by {@code attentionScale} (null: unscaled). */
    private static Tensor[] branchOutputs(TransformerBlock block, Variable x, Variable attentionScale) {
        try (NoGrad ignored = NoGrad.enter()) {
            Variable a = block.branchOutput(
                    block.attention().forward(block.attentionNorm().forward(x), 0, null), attentionScale);
            Variable h = x.add(a);
            Variable m = block.branchOutput(block.mlp().forward(block.mlpNorm().forward(h)), block.mlpScale());
            int d = x.dim(2);
            return new Tensor[] {a.value().reshape(-1, d), m.value().reshape(-1, d)};
        }
    }

    /**
     * Per-channel {@code rms(original) / rms(replacement)} of both branches over the calibration inputs, clamped
     * to [1/8, 8]. The attention scale is found first; the MLP scale is then measured with the attention
     * branch already scaled, since that is the residual stream the MLP sees in the scaled replacement.
     */
    static Tensor[] outputScales(TransformerBlock original, TransformerBlock replacement, List<Tensor> inputs) {
        List<Tensor[]> want = new ArrayList<>();
        Tensor num = null, den = null;
        for (Tensor x : inputs) {
            Tensor[] o = branchOutputs(original, Variable.constant(x));
            want.add(o);
            Tensor so = o[0].square().sum(0, false),
                    sr =
                            branchOutputs(replacement, Variable.constant(x))[0]
                                    .square()
                                    .sum(0, false);
            num = num == null ? so : num.add(so);
            den = den == null ? sr : den.add(sr);
        }
        Tensor attention = ratio(num, den);
        Variable scale = Variable.constant(attention);
        num = null;
        den = null;
        for (int i = 0; i < inputs.size(); i++) {
            Tensor so = want.get(i)[1].square().sum(0, false),
                    sr =
                            branchOutputs(replacement, Variable.constant(inputs.get(i)), scale)[1]
                                    .square()
                                    .sum(0, false);
            num = num == null ? so : num.add(so);
            den = den == null ? sr : den.add(sr);
        }
        return new Tensor[] {attention, ratio(num, den)};
    }

    private static Tensor ratio(Tensor num, Tensor den) {
        return num.div(den.maximum(1e-30)).sqrt().maximum(0.125).minimum(8.0);
    }
}
