package io.flexigpt.autograd;

import io.flexigpt.tensor.ShapeException;
import io.flexigpt.tensor.Tensor;
import java.util.Arrays;

/**
 * A tensor value in a differentiable computation. Leaves are constants ({@link #constant}) or
 * parameters ({@link #parameter}, which require a gradient); every op applied to a value that requires a
 * gradient records a node, and {@link #backward()} runs those nodes in reverse topological order,
 * accumulating into the {@link #grad()} of each parameter. Inside a {@link NoGrad} scope nothing is
 * recorded.
 */
public final class Variable {
    private final Tensor value;
    private boolean requiresGrad;
    private Tensor grad;
    private String name;
    Node node;

    private Variable(Tensor value, boolean requiresGrad, Node node) {
        this.value = value;
        this.requiresGrad = requiresGrad;
        this.node = node;
    }

    /** A value that needs no gradient. */
    public static Variable constant(Tensor value) {
        return new Variable(value, false, null);
    }

    /** A leaf whose gradient is accumulated by {@link #backward()}. */
    public static Variable parameter(Tensor value) {
        return new Variable(value, true, null);
    }

    /** Records the result of an op: it requires a gradient when any input does (and grad mode is on). */
    static Variable result(Tensor value, String op, Node.Backward backward, Variable... inputs) {
        if (!NoGrad.active()) {
            for (Variable in : inputs) {
                if (in != null && in.requiresGrad) return new Variable(value, true, new Node(op, inputs, backward));
            }
        }
        return new Variable(value, false, null);
    }

    public Tensor value() {
        return value;
    }

    /** The accumulated gradient (null before any backward reached this leaf). */
    public Tensor grad() {
        return grad;
    }

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** Freezes ({@code false}) or unfreezes a leaf; a frozen parameter gets no gradient and no update. */
    public void setRequiresGrad(boolean requiresGrad) {
        if (node != null) throw new IllegalStateException("setRequiresGrad: only leaves can be frozen or unfrozen");
        this.requiresGrad = requiresGrad;
        if (!requiresGrad) grad = null;
    }

    public boolean isLeaf() {
        return node == null;
    }

    public String name() {
        return name;
    }

    public Variable named(String name) {
        this.name = name;
        return this;
    }

    public int[] shape() {
        return value.shape();
    }

    public int dim(int axis) {
        return value.dim(axis);
    }

    public int rank() {
        return value.rank();
    }

    /** The same value cut from the graph: a constant. */
    public Variable detach() {
        return constant(value);
    }

    public void zeroGrad() {
        grad = null;
    }

    void accumulateGrad(Tensor g) {
        Tensor fitted = g.rank() == value.rank() && Arrays.equals(g.shape(), value.shape())
                ? g
                : Broadcast.sumTo(g, value.shape());
        grad = grad == null ? fitted.copy() : grad.add(fitted);
    }

    /** Sets the gradient (used by optimisers' clipping and by state restore). */
    public void setGrad(Tensor g) {
        if (g != null && !Arrays.equals(g.shape(), value.shape())) {
            throw new ShapeException("setGrad: gradient shape " + Arrays.toString(g.shape()) + " does not match value "
                    + Arrays.toString(value.shape()));
        }
        grad = g;
    }

    /** Back-propagates from this scalar (seed 1). */
    public void backward() {
        if (value.numel() != 1) {
            throw new ShapeException("backward: implicit seed needs a scalar, got shape "
                    + Arrays.toString(value.shape()) + "; pass a seed gradient");
        }
        Tensor seed = Tensor.full(1f, value.shape());
        backward(value.dtype() == io.flexigpt.tensor.DType.F64 ? seed.to(io.flexigpt.tensor.DType.F64) : seed);
    }

    /** Back-propagates an explicit seed gradient of this value's shape. */
    public void backward(Tensor seed) {
        Backprop.run(this, seed);
    }

    // ------------------------------------------------------------------ elementwise

    public Variable add(Variable o) {
        return ElementwiseOps.add(this, o);
    }

    public Variable sub(Variable o) {
        return ElementwiseOps.sub(this, o);
    }

    public Variable mul(Variable o) {
        return ElementwiseOps.mul(this, o);
    }

    public Variable div(Variable o) {
        return ElementwiseOps.div(this, o);
    }

    public Variable add(double s) {
        return ElementwiseOps.addScalar(this, s);
    }

    public Variable mul(double s) {
        return ElementwiseOps.mulScalar(this, s);
    }

    public Variable neg() {
        return mul(-1);
    }

    public Variable exp() {
        return ElementwiseOps.exp(this);
    }

    public Variable log() {
        return ElementwiseOps.log(this);
    }

    public Variable sqrt() {
        return ElementwiseOps.sqrt(this);
    }

    public Variable rsqrt() {
        return ElementwiseOps.rsqrt(this);
    }

    public Variable pow(double p) {
        return ElementwiseOps.pow(this, p);
    }

    public Variable square() {
        return ElementwiseOps.square(this);
    }

    public Variable tanh() {
        return ElementwiseOps.tanh(this);
    }

    public Variable sigmoid() {
        return ElementwiseOps.sigmoid(this);
    }

    public Variable silu() {
        return ElementwiseOps.silu(this);
    }

    public Variable relu() {
        return ElementwiseOps.relu(this);
    }

    public Variable abs() {
        return ElementwiseOps.abs(this);
    }

    /** Elementwise maximum; the gradient goes to the larger input (to this one on ties). */
    public Variable maximum(Variable o) {
        return ElementwiseOps.maximum(this, o);
    }

    /** This value with {@code fill} where {@code mask} (a constant, broadcast) is non-zero; no gradient flows there. */
    public Variable maskedFill(Tensor mask, double fill) {
        return ElementwiseOps.maskedFill(this, mask, fill);
    }

    // ------------------------------------------------------------------ reductions

    public Variable sum() {
        return ReductionOps.sumAll(this);
    }

    public Variable mean() {
        return ReductionOps.meanAll(this);
    }

    public Variable sum(int axis, boolean keepDim) {
        return ReductionOps.sum(this, axis, keepDim);
    }

    public Variable mean(int axis, boolean keepDim) {
        return ReductionOps.mean(this, axis, keepDim);
    }

    /** Maximum along an axis; the gradient goes to the first maximal element. */
    public Variable max(int axis, boolean keepDim) {
        return ReductionOps.max(this, axis, keepDim);
    }

    /** Population variance along an axis (divides by n). */
    public Variable variance(int axis, boolean keepDim) {
        Variable centred = sub(mean(axis, true));
        return centred.square().mean(axis, keepDim);
    }

    public Variable softmax(int axis) {
        return ReductionOps.softmax(this, axis);
    }

    public Variable logSoftmax(int axis) {
        return ReductionOps.logSoftmax(this, axis);
    }

    /** RMSNorm over the last axis with gain {@code weight}. */
    public Variable rmsNorm(Variable weight, double eps) {
        return ReductionOps.rmsNorm(this, weight, eps);
    }

    // ------------------------------------------------------------------ linear algebra

    /** Batched matrix product over the last two axes; backward uses transposed-operand products, no copies. */
    public Variable matmul(Variable o) {
        return LinearOps.matmul(this, o);
    }

    // ------------------------------------------------------------------ shape

    public Variable reshape(int... shape) {
        return ShapeOps.reshape(this, shape);
    }

    public Variable transpose(int a, int b) {
        return ShapeOps.transpose(this, a, b);
    }

    /** Transpose of a 2-D value. */
    public Variable t() {
        return transpose(0, 1);
    }

    public Variable permute(int... order) {
        return ShapeOps.permute(this, order);
    }

    public Variable slice(int axis, int start, int end) {
        return ShapeOps.slice(this, axis, start, end);
    }

    public Variable select(int axis, int index) {
        return ShapeOps.select(this, axis, index);
    }

    public Variable unsqueeze(int axis) {
        return ShapeOps.unsqueeze(this, axis);
    }

    public Variable squeeze(int axis) {
        return ShapeOps.squeeze(this, axis);
    }

    public Variable expand(int... shape) {
        return ShapeOps.expand(this, shape);
    }

    /** Dense copy of the value (a no-op for gradients). */
    public Variable contiguous() {
        return ShapeOps.contiguous(this);
    }

    public static Variable concat(int axis, Variable... parts) {
        return ShapeOps.concat(axis, parts);
    }

    public static Variable stack(int axis, Variable... parts) {
        Variable[] u = new Variable[parts.length];
        for (int i = 0; i < parts.length; i++) u[i] = parts[i].unsqueeze(axis);
        return concat(axis, u);
    }

    public Variable[] split(int axis, int... sizes) {
        return ShapeOps.split(this, axis, sizes);
    }

    @Override
    public String toString() {
        return "Variable" + (name == null ? "" : "(" + name + ")") + "[" + value
                + (requiresGrad ? ", requiresGrad" : "") + "]";
    }
}
