package io.flexigpt.compress;

import io.flexigpt.nn.Linear;
import io.flexigpt.nn.Projection;
import io.flexigpt.nn.TransformerBlock;
import java.util.List;

/** The seven projections of a block, by their Hugging Face names, in a fixed order. */
public final class Projections {
    private Projections() {}

    public static final List<String> NAMES = List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj");

    public static Projection get(TransformerBlock block, String name) {
        switch (name) {
            case "q_proj": return block.attention().q();
            case "k_proj": return block.attention().k();
            case "v_proj": return block.attention().v();
            case "o_proj": return block.attention().o();
            case "gate_proj": return block.mlp().gate();
            case "up_proj": return block.mlp().up();
            case "down_proj": return block.mlp().down();
            default: throw new IllegalArgumentException("unknown projection '" + name + "'; expected one of " + NAMES);
        }
    }

    /** The plain weight of a projection of an uncompressed block. */
    public static Linear linear(TransformerBlock block, String name) {
        Projection p = get(block, name);
        if (!(p instanceof Linear)) throw new IllegalArgumentException("projection " + name + " is a " + p.getClass().getSimpleName() + ", not a plain Linear");
        return (Linear) p;
    }
}
