package io.flexigpt.compress;

import io.flexigpt.autograd.Variable;
import io.flexigpt.nn.HfNames;
import io.flexigpt.nn.LinearTerm;
import io.flexigpt.nn.Projection;
import io.flexigpt.tensor.Tensor;
import java.util.List;

/**
 * {@code y = x Wsᵀ + (x Aᵀ) Bᵀ}: a base weight {@code Ws [out, in]} that is a reference to another
 * module's parameter (shared, never copied) plus this module's own low-rank adapter {@code A [r, in]},
 * {@code B [out, r]}. Without a base it is the plain low-rank product (the no-sharing ablation). With the
 * base being the layer's own frozen weight it is a LoRA layer.
 */
final class SharedLowRankLinear extends Projection {
    private final Variable base;
    private final Variable a, b;
    private final int in, out;
    private final List<LinearTerm> terms;

    public SharedLowRankLinear(Variable base, Tensor a, Tensor b) {
        if (a.rank() != 2 || b.rank() != 2 || a.dim(0) != b.dim(1)) {
            throw new IllegalArgumentException("adapter shapes A " + java.util.Arrays.toString(a.shape()) + " and B "
                    + java.util.Arrays.toString(b.shape()) + " do not chain");
        }
        if (base != null && (base.dim(0) != b.dim(0) || base.dim(1) != a.dim(1))) {
            throw new IllegalArgumentException("base " + java.util.Arrays.toString(base.shape())
                    + " does not match adapter B A of shape [" + b.dim(0) + ", " + a.dim(1) + "]");
        }
        this.base = base == null ? null : parameter("weight", base);
        this.a = parameter(HfNames.ADAPTER_A, a);
        this.b = parameter(HfNames.ADAPTER_B, b);
        this.in = a.dim(1);
        this.out = b.dim(0);
        LinearTerm adapter = LinearTerm.of(this.b, this.a);
        this.terms = this.base == null ? List.of(adapter) : List.of(LinearTerm.of(this.base), adapter);
    }

    /** The shared base weight (the same instance as the source module's), or null. */
    public Variable base() {
        return base;
    }

    /** The trainable low-rank factors, {@code A} then {@code B}; the base is not among them. */
    public List<Variable> adapters() {
        return List.of(a, b);
    }

    public Variable adapterA() {
        return a;
    }

    public Variable adapterB() {
        return b;
    }

    public int adapterRank() {
        return a.dim(0);
    }

    /** The terms {@code Ws} (when there is a base) and {@code B A}. */
    @Override
    public List<LinearTerm> terms() {
        return terms;
    }

    @Override
    public int inFeatures() {
        return in;
    }

    @Override
    public int outFeatures() {
        return out;
    }
}
