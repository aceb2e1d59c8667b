package io.flexigpt.compress;

import io.flexigpt.nn.LlamaModel;
import io.flexigpt.nn.TransformerBlock;
import io.flexigpt.tensor.Rng;
import io.flexigpt.tensor.Tensor;
import java.util.Arrays;
import java.util.Map;

/**
 * Grows a model by inserting, after chosen blocks, new blocks that share those blocks' weights, each with
 * its own LoRA-initialised adapters, norm gains and output scales initialised to 0 — so the grown model
 * starts as exactly the original function. Only the new blocks' adapters, norms and scales are trainable.
 */
public final class Extension {
    private Extension() {}

    /** A copy of {@code base} with a shared block inserted after each of {@code after} (indices into the original). */
    public static LlamaModel extend(LlamaModel base, int[] after, RankSpec rank, long seed) {
        LlamaModel grown = FlexiGpt.sharingWeights(base);
        int[] sorted = after.clone();
        Arrays.sort(sorted);
        Rng rng = new Rng(seed);
        int dim = base.config().dim();
        for (int k = sorted.length - 1; k >= 0; k--) {
            int i = sorted[k];
            if (i < 0 || i >= base.blocks().size())
                throw new IllegalArgumentException("cannot insert after block " + i + " of "
                        + base.blocks().size());
            TransformerBlock source = grown.blocks().get(i);
            Map<String, Tensor[]> adapters =
                    ReplacementBlocks.adapters(source, source, rank, FlexiGptConfig.AdapterInit.LORA, rng);
            TransformerBlock added = ReplacementBlocks.build(
                    grown.config(), source, source, adapters, Tensor.zeros(dim), Tensor.zeros(dim));
            grown.blocks().insert(i + 1, added);
        }
        grown.freeze();
        for (TransformerBlock b : grown.blocks().asList()) {
            if (b.attentionScale() != null) ReplacementBlocks.unfreezeOwnParameters(b);
        }
        return grown;
    }

    /** {@code count} insertion points spread evenly over the blocks. */
    public static int[] evenlySpaced(int blocks, int count) {
        int[] after = new int[count];
        for (int k = 0; k < count; k++) after[k] = (int) Math.floor((k + 0.5) * blocks / count);
        return after;
    }
}
