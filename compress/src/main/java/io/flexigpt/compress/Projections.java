package io.flexigpt.compress;

import io.flexigpt.autograd.Variable;
import io.flexigpt.nn.HfNames;
import io.flexigpt.nn.Linear;
import io.flexigpt.nn.Projection;
import io.flexigpt.nn.TransformerBlock;
import java.util.ArrayList;
import java.util.List;

/** The seven projections of a block, by their Hugging Face names, in a fixed order. */
final class Projections {
    private Projections() {}

    static final List<String> NAMES = HfNames.PROJECTIONS;

    static Projection get(TransformerBlock block, String name) {
        Projection p = block.projections().get(name);
        if (p == null)
            throw new IllegalArgumentException("unknown projection '" + name + "'; expected one of " + NAMES);
        return p;
    }

    /** The plain weight of a projection of an uncompressed block. */
    static Linear linear(TransformerBlock block, String name) {
        Projection p = get(block, name);
        if (!(p instanceof Linear))
            throw new IllegalArgumentException(
                    "projection " + name + " is a " + p.getClass().getSimpleName() + ", not a plain Linear");
        return (Linear) p;
    }

    /** Every adapter factor of {@code block}'s shared low-rank projections (none on a plain block). */
    static List<Variable> adapters(TransformerBlock block) {
        List<Variable> out = new ArrayList<>();
        for (Projection p : block.projections().values())
            if (p instanceof SharedLowRankLinear s) out.addAll(s.adapters());
        return out;
    }
}
