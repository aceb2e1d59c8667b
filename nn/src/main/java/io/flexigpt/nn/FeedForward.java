package io.flexigpt.nn;

import io.flexigpt.autograd.Functions;
import io.flexigpt.autograd.Variable;

/** The SwiGLU MLP: {@code down(silu(gate(x)) * up(x))}. */
public final class FeedForward extends Module {
    private final Projection gate, up, down;

    public FeedForward(Projection gate, Projection up, Projection down) {
        this.gate = module("gate_proj", gate);
        this.up = module("up_proj", up);
        this.down = module("down_proj", down);
    }

    public Projection gate() {
        return gate;
    }

    public Projection up() {
        return up;
    }

    public Projection down() {
        return down;
    }

    public Variable forward(Variable x) {
        return down.forward(Functions.swiglu(gate.forward(x), up.forward(x)));
    }
}
