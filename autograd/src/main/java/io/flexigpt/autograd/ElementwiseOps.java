package io.flexigpt.autograd;

import io.flexigpt.tensor.Tensor;

/** Elementwise ops and their derivatives. Broadcast inputs get full-shape gradients; Backprop reduces them. */
final class ElementwiseOps {
    private ElementwiseOps() {}

    static Variable add(Variable a, Variable b) {
        return Variable.result(a.value().add(b.value()), "add", g -> new Tensor[] {g, g}, a, b);
    }

    static Variable sub(Variable a, Variable b) {
        return Variable.result(a.value().sub(b.value()), "sub", g -> new Tensor[] {g, g.neg()}, a, b);
    }

    static Variable mul(Variable a, Variable b) {
        Tensor av = a.value(), bv = b.value();
        return Variable.result(
                av.mul(bv),
                "mul",
                g -> new Tensor[] {a.requiresGrad() ? g.mul(bv) : null, b.requiresGrad() ? g.mul(av) : null},
                a,
                b);
    }

    static Variable div(Variable a, Variable b) {
        Tensor av = a.value(), bv = b.value();
        Tensor out = av.div(bv);
        return Variable.result(
                out,
                "div",
                g -> new Tensor[] {
                    a.requiresGrad() ? g.div(bv) : null,
                    b.requiresGrad() ? g.mul(out).div(bv).neg() : null
                },
                a,
                b);
    }

    static Variable addScalar(Variable a, double s) {
        return Variable.result(a.value().add(s), "addScalar", g -> new Tensor[] {g}, a);
    }

    static Variable mulScalar(Variable a, double s) {
        return Variable.result(a.value().mul(s), "mulScalar", g -> new Tensor[] {g.mul(s)}, a);
    }

    static Variable exp(Variable a) {
        Tensor out = a.value().exp();
        return Variable.result(out, "exp", g -> new Tensor[] {g.mul(out)}, a);
    }

    static Variable log(Variable a) {
        Tensor x = a.value();
        return Variable.result(x.log(), "log", g -> new Tensor[] {g.div(x)}, a);
    }

    static Variable sqrt(Variable a) {
        Tensor out = a.value().sqrt();
        return Variable.result(out, "sqrt", g -> new Tensor[] {g.div(out).mul(0.5)}, a);
    }

    static Variable rsqrt(Variable a) {
        Tensor x = a.value();
        Tensor out = x.rsqrt();
        // d/dx x^-1/2 = -1/2 x^-3/2 = -1/2 out / x
        return Variable.result(
                out, "rsqrt", g -> new Tensor[] {g.mul(out).div(x).mul(-0.5)}, a);
    }

    static Variable pow(Variable a, double p) {
        Tensor x = a.value();
        return Variable.result(
                x.pow(p), "pow", g -> new Tensor[] {g.mul(x.pow(p - 1)).mul(p)}, a);
    }

    static Variable square(Variable a) {
        Tensor x = a.value();
        return Variable.result(x.square(), "square", g -> new Tensor[] {g.mul(x).mul(2)}, a);
    }

    static Variable tanh(Variable a) {
        Tensor out = a.value().tanh();
        return Variable.result(
                out, "tanh", g -> new Tensor[] {g.mul(out.square().rsub(1))}, a);
    }

    static Variable sigmoid(Variable a) {
        Tensor out = a.value().sigmoid();
        return Variable.result(out, "sigmoid", g -> new Tensor[] {g.mul(out).mul(out.rsub(1))}, a);
    }

    static Variable silu(Variable a) {
        Tensor x = a.value();
        // d/dx x s(x) = s + x s (1 - s), fused
        return Variable.result(x.silu(), "silu", g -> new Tensor[] {x.siluBackward(g)}, a);
    }

    static Variable relu(Variable a) {
        Tensor x = a.value();
        return Variable.result(x.relu(), "relu", g -> new Tensor[] {g.mul(x.gt(0))}, a);
    }

    static Variable abs(Variable a) {
        Tensor x = a.value();
        return Variable.result(x.abs(), "abs", g -> new Tensor[] {g.mul(x.gt(0).sub(x.lt(0)))}, a);
    }

    static Variable maximum(Variable a, Variable b) {
        Tensor av = a.value(), bv = b.value();
        return Variable.result(
                av.maximum(bv),
                "maximum",
                g -> {
                    Tensor aWins = av.ge(bv);
                    return new Tensor[] {g.mul(aWins), g.mul(aWins.rsub(1))};
                },
                a,
                b);
    }

    static Variable maskedFill(Variable a, Tensor mask, double fill) {
        return Variable.result(
                a.value().maskedFill(mask, fill), "maskedFill", g -> new Tensor[] {g.maskedFill(mask, 0)}, a);
    }
}
