package io.flexigpt.autograd;

import io.flexigpt.tensor.Tensor;

/** Matrix products: C = A B gives dA = dC Bᵀ and dB = Aᵀ dC, both through transposed views (no copies). */
final class LinearOps {
    private LinearOps() {}

    static Variable matmul(Variable a, Variable b) {
        Tensor av = a.value(), bv = b.value();
        return Variable.result(av.matmul(bv), "matmul", g -> new Tensor[] {
            a.requiresGrad() ? g.matmul(bv.transpose(-1, -2)) : null,
            b.requiresGrad() ? av.transpose(-1, -2).matmul(g) : null}, a, b);
    }
}
