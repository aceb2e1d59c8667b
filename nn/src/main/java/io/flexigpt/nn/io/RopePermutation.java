package io.flexigpt.nn.io;

import io.flexigpt.nn.HfNames;
import io.flexigpt.nn.LlamaConfig;
import io.flexigpt.tensor.RopeLayout;
import io.flexigpt.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Converts q/k projection weights between rotary layouts by permuting the rows of each head, as Hugging
 * Face's Llama conversion does: interleaved row pairs (2i, 2i+1) become rows (i, i + headDim/2).
 */
public final class RopePermutation {
    private RopePermutation() {}

    /** Rows of {@code w [heads*headDim, in]} reordered from interleaved to rotate-half. */
    public static Tensor toRotateHalf(Tensor w, int heads) {
        int rows = w.dim(0), in = w.dim(1), headDim = rows / heads;
        return w.reshape(heads, headDim / 2, 2, in).transpose(1, 2).reshape(rows, in);
    }

    /** Rows of {@code w [heads*headDim, in]} reordered from rotate-half to interleaved. */
    public static Tensor toInterleaved(Tensor w, int heads) {
        int rows = w.dim(0), in = w.dim(1), headDim = rows / heads;
        return w.reshape(heads, 2, headDim / 2, in).transpose(1, 2).reshape(rows, in);
    }

    /** The checkpoint with its q/k weights in {@code layout} (itself when already so). */
    public static Checkpoint toLayout(Checkpoint c, RopeLayout layout) {
        LlamaConfig cfg = c.config();
        if (cfg.ropeLayout() == layout) return c;
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : c.weights().entrySet()) {
            String n = e.getKey();
            int heads = n.endsWith(HfNames.projectionWeight("q_proj"))
                    ? cfg.nHeads()
                    : n.endsWith(HfNames.projectionWeight("k_proj")) ? cfg.nKvHeads() : 0;
            Tensor t = e.getValue();
            if (heads > 0) t = layout == RopeLayout.ROTATE_HALF ? toRotateHalf(t, heads) : toInterleaved(t, heads);
            out.put(n, t);
        }
        return new Checkpoint(cfg.withRopeLayout(layout), out, c.tokenizer(), c.source());
    }
}
