package io.flexigpt.autograd;

import io.flexigpt.tensor.Tensor;

/** Matrix products: C = A B gives dA = dC Bᵀ and dB = Aᵀ dC, both through transposed views (no copies). */
final class LinearOps {
    private LinearOps() {}

    static Variable matmul(Variable a, Variable b) {
        Tensor av = a.value(), bv = b.value();
        return Variable.result(
                av.matmul(bv),
                "matmul",
                g -> new Tensor[] {
                    a.requiresGrad() ? g.matmul(bv.transpose(-1, -2)) : null,
                    b.requiresGrad() ? rightGrad(av, bv, g) : null
                },
                a,
                b);
    }

    /**
     * Aᵀ dC. When B is one matrix shared by a batch of A (a linear layer on [batch, time, in]), the
     * batch is folded into the reduction: one product over all rows instead of a product per batch
     * entry and a sum over the batch.
     */
    private static Tensor rightGrad(Tensor av, Tensor bv, Tensor g) {
        if (bv.rank() == 2 && av.rank() > 2) {
            int k = av.dim(-1), n = g.dim(-1);
            return av.reshape(-1, k).transpose(0, 1).matmul(g.reshape(-1, n));
        }
        return av.transpose(-1, -2).matmul(g);
    }
}
