package io.flexigpt.tensor;

import io.flexigpt.tensor.io.HalfFloats;
import java.util.Arrays;

/**
 * An N-dimensional array of fp32 (or fp64) numbers with a shape and strides over shared storage.
 * A tensor may also hold BF16 or F16 values in 16 bits ({@link #ofHalf}): storage for frozen weights
 * at half the memory. Such a tensor is read-only; matrix products widen its values exactly inside the
 * GEMM's packing, and every other op computes on its exact fp32 widening, so results are those of
 * {@code to(DType.F32)}.
 *
 * <p>Tensors are values: every op returns a new tensor and leaves its inputs unchanged. Views
 * ({@link #reshape}, {@link #transpose}, {@link #permute}, {@link #slice}, {@link #expand}, ...) share
 * storage with their source and copy nothing; {@link #contiguous()} materialises a view. The few
 * methods that write into a tensor end in {@code InPlace} (used by optimisers and caches).
 */
public final class Tensor {
    final float[] f;
    final double[] d;
    /** BF16 or F16 bit patterns (see {@link #dtype}); null for fp32 and fp64 tensors. */
    final short[] h;

    private final DType dtype;
    final int offset;
    final int[] shape;
    final int[] strides;

    Tensor(float[] f, double[] d, int offset, int[] shape, int[] strides) {
        this(f, d, null, f != null ? DType.F32 : DType.F64, offset, shape, strides);
    }

    private Tensor(float[] f, double[] d, short[] h, DType dtype, int offset, int[] shape, int[] strides) {
        this.f = f;
        this.d = d;
        this.h = h;
        this.dtype = dtype;
        this.offset = offset;
        this.shape = shape;
        this.strides = strides;
    }

    /** The same storage seen with another offset, shape and strides. */
    private Tensor view(int offset, int[] shape, int[] strides) {
        return new Tensor(f, d, h, dtype, offset, shape, strides);
    }

    // ------------------------------------------------------------------ factories

    /** Wraps {@code data} (row-major, not copied) as a tensor of the given shape. */
    public static Tensor of(float[] data, int... shape) {
        int[] s = shape.clone();
        int n = Shapes.numel(s);
        if (n != data.length) {
            throw new ShapeException(
                    "of: " + data.length + " values do not fill shape " + Shapes.str(s) + " (" + n + " elements)");
        }
        return new Tensor(data, null, 0, s, Shapes.contiguousStrides(s));
    }

    /** Wraps {@code data} (row-major, not copied) as an fp64 tensor of the given shape. */
    public static Tensor ofDouble(double[] data, int... shape) {
        int[] s = shape.clone();
        int n = Shapes.numel(s);
        if (n != data.length) {
            throw new ShapeException("ofDouble: " + data.length + " values do not fill shape " + Shapes.str(s) + " ("
                    + n + " elements)");
        }
        return new Tensor(null, data, 0, s, Shapes.contiguousStrides(s));
    }

    public static Tensor zeros(int... shape) {
        return zeros(DType.F32, shape);
    }

    public static Tensor zeros(DType dtype, int... shape) {
        int[] s = shape.clone();
        int n = Shapes.numel(s);
        return switch (dtype) {
            case F32 -> new Tensor(new float[n], null, 0, s, Shapes.contiguousStrides(s));
            case F64 -> new Tensor(null, new double[n], 0, s, Shapes.contiguousStrides(s));
            case BF16, F16 -> new Tensor(null, null, new short[n], dtype, 0, s, Shapes.contiguousStrides(s));
        };
    }

    /**
     * Wraps row-major BF16 or F16 bit patterns (not copied; the caller must not change them afterwards) as a
     * read-only 16-bit tensor of the given shape.
     */
    public static Tensor ofHalf(short[] bits, DType dtype, int... shape) {
        if (!dtype.isHalf())
            throw new IllegalArgumentException("ofHalf: " + dtype + " is not a 16-bit type (BF16, F16)");
        int[] s = shape.clone();
        int n = Shapes.numel(s);
        if (n != bits.length) {
            throw new ShapeException(
                    "ofHalf: " + bits.length + " values do not fill shape " + Shapes.str(s) + " (" + n + " elements)");
        }
        return new Tensor(null, null, bits, dtype, 0, s, Shapes.contiguousStrides(s));
    }

    public static Tensor full(float value, int... shape) {
        Tensor t = zeros(shape);
        Arrays.fill(t.f, value);
        return t;
    }

    public static Tensor ones(int... shape) {
        return full(1f, shape);
    }

    /** A rank-0 tensor holding one value. */
    public static Tensor scalar(float value) {
        return new Tensor(new float[] {value}, null, 0, new int[0], new int[0]);
    }

    /** {@code [0, 1, ..., n-1]} as a 1-D fp32 tensor. */
    public static Tensor arange(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = i;
        return of(v, n);
    }

    // ------------------------------------------------------------------ properties

    public DType dtype() {
        return dtype;
    }

    /** Bytes of element storage this tensor's shape covers (4 per fp32 element, 8 per fp64, 2 per BF16/F16). */
    public long storageBytes() {
        return (long) numel() * dtype.bytes();
    }

    /** This tensor when it computes directly (fp32 or fp64), else its exact fp32 widening. Ops start with it. */
    Tensor arithmetic() {
        return h == null ? this : to(DType.F32);
    }

    /** Refuses to write into a 16-bit tensor, which is read-only storage for frozen weights. */
    void requireWritable(String op) {
        if (h != null) {
            throw new UnsupportedOperationException(
                    op + ": a " + dtype + " tensor is read-only 16-bit storage for frozen weights; "
                            + "write into its to(DType.F32) copy instead");
        }
    }

    /** A copy of the shape. */
    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    /** Size of one axis; negative axes count from the end. */
    public int dim(int axis) {
        return shape[Shapes.axis(axis, shape.length, "dim")];
    }

    public int numel() {
        return Shapes.numel(shape);
    }

    /** True when the elements lie row-major and dense in storage (so views such as reshape are free). */
    public boolean isContiguous() {
        int expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] == 1) continue;
            if (strides[i] != expected) return false;
            expected *= shape[i];
        }
        return true;
    }

    // ------------------------------------------------------------------ element access

    int storageIndex(int[] index, String op) {
        if (index.length != shape.length) {
            throw new IndexOutOfBoundsException(op + ": " + index.length + " indices for a tensor of rank "
                    + shape.length + " " + Shapes.str(shape));
        }
        int p = offset;
        for (int i = 0; i < index.length; i++) {
            int ix = index[i];
            if (ix < 0 || ix >= shape[i]) {
                throw new IndexOutOfBoundsException(op + ": index " + ix + " out of bounds for axis " + i + " of size "
                        + shape[i] + " (shape " + Shapes.str(shape) + ")");
            }
            p += ix * strides[i];
        }
        return p;
    }

    double read(int storageIndex) {
        if (f != null) return f[storageIndex];
        if (d != null) return d[storageIndex];
        return widen(h[storageIndex]);
    }

    /** Writes one stored element; a 16-bit tensor rounds to nearest even (used only while it is being built). */
    void write(int storageIndex, double v) {
        if (f != null) f[storageIndex] = (float) v;
        else if (d != null) d[storageIndex] = v;
        else h[storageIndex] = dtype == DType.BF16 ? HalfFloats.f32ToBf16((float) v) : HalfFloats.f32ToF16((float) v);
    }

    /** The exact fp32 value of one 16-bit element of this tensor. */
    float widen(short bits) {
        return dtype == DType.BF16 ? HalfFloats.bf16ToF32(bits) : HalfFloats.f16ToF32(bits);
    }

    /** The element at {@code index} (one index per axis), as a double. */
    public double get(int... index) {
        return read(storageIndex(index, "get"));
    }

    /** The single value of a tensor with one element. */
    public double item() {
        if (numel() != 1)
            throw new ShapeException(
                    "item: tensor of shape " + Shapes.str(shape) + " has " + numel() + " elements, expected 1");
        int p = offset;
        return read(p);
    }

    /** Writes one element; storage shared with views sees the change. */
    public void setInPlace(double value, int... index) {
        requireWritable("setInPlace");
        write(storageIndex(index, "setInPlace"), value);
    }

    /** The elements in row-major order, as a new array. */
    public float[] toFloatArray() {
        float[] out = new float[numel()];
        if (f != null && isContiguous()) System.arraycopy(f, offset, out, 0, out.length);
        else Strided.copy(this, of(out, shape)); // one pass from any layout or dtype
        return out;
    }

    /** The elements in row-major order, as a new double array. */
    public double[] toDoubleArray() {
        Tensor c = contiguous();
        double[] out = new double[c.numel()];
        if (c.d != null) System.arraycopy(c.d, c.offset, out, 0, out.length);
        else for (int i = 0; i < out.length; i++) out[i] = c.read(c.offset + i);
        return out;
    }

    // ------------------------------------------------------------------ views

    /** The same elements in a dense row-major layout (this tensor itself when already contiguous). */
    public Tensor contiguous() {
        if (isContiguous()) return this;
        return copy();
    }

    /** A dense copy that shares no storage with this tensor. */
    public Tensor copy() {
        Tensor out = zeros(dtype(), shape);
        Strided.copy(this, out);
        return out;
    }

    /**
     * This tensor converted to {@code dtype} (itself when it already has it): exact when widening, rounded to
     * nearest even when narrowing to BF16 or F16.
     */
    public Tensor to(DType dtype) {
        if (dtype == dtype()) return this;
        Tensor out = zeros(dtype, shape);
        Strided.copy(this, out);
        return out;
    }

    /**
     * The elements in a new shape; one dimension may be -1 (inferred). A view when this tensor is
     * contiguous, otherwise a copy.
     */
    public Tensor reshape(int... newShape) {
        int[] s = newShape.clone();
        int known = 1, infer = -1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (infer >= 0) throw new ShapeException("reshape: more than one -1 in " + Shapes.str(newShape));
                infer = i;
            } else {
                if (s[i] < 0) throw new ShapeException("reshape: negative dimension in " + Shapes.str(newShape));
                known *= s[i];
            }
        }
        int n = numel();
        if (infer >= 0) {
            if (known == 0 || n % known != 0)
                throw new ShapeException(
                        "reshape: cannot reshape " + Shapes.str(shape) + " into " + Shapes.str(newShape));
            s[infer] = n / known;
        }
        if (Shapes.numel(s) != n) {
            throw new ShapeException("reshape: cannot reshape " + Shapes.str(shape) + " (" + n + " elements) into "
                    + Shapes.str(newShape));
        }
        Tensor c = contiguous();
        return c.view(c.offset, s, Shapes.contiguousStrides(s));
    }

    /** Swaps two axes (a view). */
    public Tensor transpose(int axis0, int axis1) {
        int a = Shapes.axis(axis0, shape.length, "transpose"), b = Shapes.axis(axis1, shape.length, "transpose");
        int[] s = shape.clone(), st = strides.clone();
        s[a] = shape[b];
        s[b] = shape[a];
        st[a] = strides[b];
        st[b] = strides[a];
        return view(offset, s, st);
    }

    /** The transpose of a 2-D tensor (a view). */
    public Tensor t() {
        if (shape.length != 2) throw new ShapeException("t: expected a 2-D tensor, got shape " + Shapes.str(shape));
        return transpose(0, 1);
    }

    /** Reorders the axes: output axis i is input axis {@code order[i]} (a view). */
    public Tensor permute(int... order) {
        if (order.length != shape.length)
            throw new ShapeException(
                    "permute: order " + Arrays.toString(order) + " does not match rank of shape " + Shapes.str(shape));
        boolean[] seen = new boolean[order.length];
        int[] s = new int[order.length], st = new int[order.length];
        for (int i = 0; i < order.length; i++) {
            int a = Shapes.axis(order[i], shape.length, "permute");
            if (seen[a]) throw new ShapeException("permute: axis " + a + " repeated in " + Arrays.toString(order));
            seen[a] = true;
            s[i] = shape[a];
            st[i] = strides[a];
        }
        return view(offset, s, st);
    }

    /** Elements {@code start} (inclusive) to {@code end} (exclusive) along one axis (a view). */
    public Tensor slice(int axis, int start, int end) {
        int a = Shapes.axis(axis, shape.length, "slice");
        if (start < 0 || end > shape[a] || start > end) {
            throw new IndexOutOfBoundsException("slice: range [" + start + ", " + end + ") out of bounds for axis " + a
                    + " of size " + shape[a] + " (shape " + Shapes.str(shape) + ")");
        }
        int[] s = shape.clone();
        s[a] = end - start;
        return view(offset + start * strides[a], s, strides.clone());
    }

    /** {@code length} elements from {@code start} along one axis (a view). */
    public Tensor narrow(int axis, int start, int length) {
        return slice(axis, start, start + length);
    }

    /** The sub-tensor at {@code index} along one axis, with that axis removed (a view). */
    public Tensor select(int axis, int index) {
        int a = Shapes.axis(axis, shape.length, "select");
        if (index < 0 || index >= shape[a]) {
            throw new IndexOutOfBoundsException("select: index " + index + " out of bounds for axis " + a + " of size "
                    + shape[a] + " (shape " + Shapes.str(shape) + ")");
        }
        int[] s = new int[shape.length - 1], st = new int[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (i == a) continue;
            s[j] = shape[i];
            st[j++] = strides[i];
        }
        return view(offset + index * strides[a], s, st);
    }

    /** Inserts an axis of size 1 at {@code axis} (a view). */
    public Tensor unsqueeze(int axis) {
        int a = axis < 0 ? axis + shape.length + 1 : axis;
        if (a < 0 || a > shape.length)
            throw new IndexOutOfBoundsException("unsqueeze: axis " + axis + " out of range for rank " + shape.length);
        int[] s = new int[shape.length + 1], st = new int[shape.length + 1];
        for (int i = 0, j = 0; i < s.length; i++) {
            if (i == a) {
                s[i] = 1;
                st[i] = 0;
            } else {
                s[i] = shape[j];
                st[i] = strides[j++];
            }
        }
        return view(offset, s, st);
    }

    /** Removes an axis of size 1 (a view). */
    public Tensor squeeze(int axis) {
        int a = Shapes.axis(axis, shape.length, "squeeze");
        if (shape[a] != 1)
            throw new ShapeException(
                    "squeeze: axis " + a + " has size " + shape[a] + ", expected 1 (shape " + Shapes.str(shape) + ")");
        return select(a, 0);
    }

    /**
     * Broadcasts to {@code newShape} (numpy rules; leading axes may be added) without copying: expanded
     * axes get stride 0.
     */
    public Tensor expand(int... newShape) {
        if (newShape.length < shape.length)
            throw new ShapeException(
                    "expand: cannot expand shape " + Shapes.str(shape) + " to fewer axes " + Shapes.str(newShape));
        int lead = newShape.length - shape.length;
        int[] s = newShape.clone(), st = new int[newShape.length];
        for (int i = 0; i < newShape.length; i++) {
            if (i < lead) {
                st[i] = 0;
                continue;
            }
            int src = shape[i - lead];
            if (src == newShape[i]) st[i] = strides[i - lead];
            else if (src == 1) st[i] = 0;
            else
                throw new ShapeException("expand: cannot expand shape " + Shapes.str(shape) + " to "
                        + Shapes.str(newShape) + " (axis " + i + ": " + src + " vs " + newShape[i] + ")");
        }
        return view(offset, s, st);
    }

    // ------------------------------------------------------------------ elementwise

    public Tensor add(Tensor other) {
        return Elementwise.binary(this, other, Elementwise.Binary.ADD);
    }

    public Tensor sub(Tensor other) {
        return Elementwise.binary(this, other, Elementwise.Binary.SUB);
    }

    public Tensor mul(Tensor other) {
        return Elementwise.binary(this, other, Elementwise.Binary.MUL);
    }

    public Tensor div(Tensor other) {
        return Elementwise.binary(this, other, Elementwise.Binary.DIV);
    }

    /** Elementwise maximum (broadcasting). */
    public Tensor maximum(Tensor other) {
        return Elementwise.binary(this, other, Elementwise.Binary.MAX);
    }

    /** Elementwise minimum (broadcasting). */
    public Tensor minimum(Tensor other) {
        return Elementwise.binary(this, other, Elementwise.Binary.MIN);
    }

    /** Elementwise power with a tensor exponent (broadcasting). */
    public Tensor pow(Tensor exponent) {
        return Elementwise.binary(this, exponent, Elementwise.Binary.POW);
    }

    public Tensor add(double s) {
        return Elementwise.scalar(this, s, Elementwise.Binary.ADD, false);
    }

    public Tensor sub(double s) {
        return Elementwise.scalar(this, s, Elementwise.Binary.SUB, false);
    }

    public Tensor mul(double s) {
        return Elementwise.scalar(this, s, Elementwise.Binary.MUL, false);
    }

    public Tensor div(double s) {
        return Elementwise.scalar(this, s, Elementwise.Binary.DIV, false);
    }

    /** {@code s - this}. */
    public Tensor rsub(double s) {
        return Elementwise.scalar(this, s, Elementwise.Binary.SUB, true);
    }

    public Tensor pow(double exponent) {
        return Elementwise.scalar(this, exponent, Elementwise.Binary.POW, false);
    }

    public Tensor maximum(double s) {
        return Elementwise.scalar(this, s, Elementwise.Binary.MAX, false);
    }

    public Tensor minimum(double s) {
        return Elementwise.scalar(this, s, Elementwise.Binary.MIN, false);
    }

    /** 1 where {@code this > other} (broadcasting), else 0. */
    public Tensor gt(Tensor other) {
        return Elementwise.binary(this, other, Elementwise.Binary.GT);
    }

    /** 1 where {@code this >= other} (broadcasting), else 0. */
    public Tensor ge(Tensor other) {
        return Elementwise.binary(this, other, Elementwise.Binary.GE);
    }

    /** 1 where {@code this < other} (broadcasting), else 0. */
    public Tensor lt(Tensor other) {
        return Elementwise.binary(this, other, Elementwise.Binary.LT);
    }

    /** 1 where {@code this == other} (broadcasting), else 0. */
    public Tensor eq(Tensor other) {
        return Elementwise.binary(this, other, Elementwise.Binary.EQ);
    }

    /** 1 where {@code this > s}, else 0. */
    public Tensor gt(double s) {
        return Elementwise.scalar(this, s, Elementwise.Binary.GT, false);
    }

    /** 1 where {@code this < s}, else 0. */
    public Tensor lt(double s) {
        return Elementwise.scalar(this, s, Elementwise.Binary.LT, false);
    }

    public Tensor neg() {
        return Elementwise.unary(this, Elementwise.Unary.NEG);
    }

    public Tensor exp() {
        return Elementwise.unary(this, Elementwise.Unary.EXP);
    }

    public Tensor log() {
        return Elementwise.unary(this, Elementwise.Unary.LOG);
    }

    public Tensor sqrt() {
        return Elementwise.unary(this, Elementwise.Unary.SQRT);
    }

    public Tensor rsqrt() {
        return Elementwise.unary(this, Elementwise.Unary.RSQRT);
    }

    public Tensor tanh() {
        return Elementwise.unary(this, Elementwise.Unary.TANH);
    }

    public Tensor sigmoid() {
        return Elementwise.unary(this, Elementwise.Unary.SIGMOID);
    }

    /** {@code x * sigmoid(x)}. */
    public Tensor silu() {
        return Elementwise.unary(this, Elementwise.Unary.SILU);
    }

    public Tensor relu() {
        return Elementwise.unary(this, Elementwise.Unary.RELU);
    }

    public Tensor abs() {
        return Elementwise.unary(this, Elementwise.Unary.ABS);
    }

    public Tensor square() {
        return Elementwise.unary(this, Elementwise.Unary.SQUARE);
    }

    /** {@code cond != 0 ? a : b} elementwise, broadcasting all three. */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) {
        return Elementwise.where(cond, a, b);
    }

    /** This tensor with {@code value} wherever {@code mask} (broadcast) is non-zero. */
    public Tensor maskedFill(Tensor mask, double value) {
        Tensor fill = dtype() == DType.F32 ? scalar((float) value) : ofDouble(new double[] {value});
        return Elementwise.where(mask, fill, this);
    }

    // ------------------------------------------------------------------ reductions

    /** Sum of all elements (accumulated in double). */
    public double sum() {
        return Reductions.sumAll(this);
    }

    /** Whether every element is finite (no NaN, no infinity). */
    public boolean isFinite() {
        return Reductions.allFinite(this);
    }

    /** Mean of all elements. */
    public double mean() {
        return Reductions.sumAll(this) / numel();
    }

    public Tensor sum(int axis, boolean keepDim) {
        return Reductions.reduce(this, axis, keepDim, Reductions.Kind.SUM, false);
    }

    public Tensor mean(int axis, boolean keepDim) {
        return Reductions.reduce(this, axis, keepDim, Reductions.Kind.MEAN, false);
    }

    public Tensor max(int axis, boolean keepDim) {
        return Reductions.reduce(this, axis, keepDim, Reductions.Kind.MAX, false);
    }

    /** Index of the maximum along {@code axis} (first on ties), as exact integer-valued fp32. */
    public Tensor argmax(int axis, boolean keepDim) {
        return Reductions.reduce(this, axis, keepDim, Reductions.Kind.ARGMAX, false);
    }

    /** Variance along {@code axis}; {@code unbiased} divides by n-1 instead of n. */
    public Tensor variance(int axis, boolean keepDim, boolean unbiased) {
        return Reductions.reduce(this, axis, keepDim, Reductions.Kind.VAR, unbiased);
    }

    /** Numerically stable softmax along {@code axis}. */
    public Tensor softmax(int axis) {
        return Reductions.softmax(this, axis, false);
    }

    /**
     * Causal softmax over the last axis of attention scores {@code [..., rows, keys]}: row r is the query
     * at absolute position {@code queryOffset + r % time} and only keys up to that position take part;
     * later keys get probability 0. Equals masking them with -inf and taking {@link #softmax}.
     */
    public Tensor causalSoftmax(int time, int queryOffset) {
        return Reductions.causalSoftmax(this, time, queryOffset);
    }

    /**
     * The gradient of a softmax along {@code axis} whose output is this tensor, given the gradient
     * {@code grad} of its output: {@code this * (grad - sum(grad * this, axis))}.
     */
    public Tensor softmaxBackward(Tensor grad, int axis) {
        return Reductions.softmaxBackward(this, grad, axis);
    }

    /**
     * Gradients of {@link #rmsNorm} with respect to its input (this tensor) and its weight, given the
     * gradient {@code grad} of its output: {@code {dInput, dWeight}}.
     */
    public Tensor[] rmsNormBackward(Tensor weight, Tensor grad, double eps) {
        return Reductions.rmsNormBackward(this, weight, grad, eps);
    }

    /** The gradient of {@link #silu} at this tensor given the gradient {@code grad} of its output: {@code grad * s (1 + x (1 - s))}, s = sigmoid(x). */
    public Tensor siluBackward(Tensor grad) {
        return Elementwise.siluBackward(this, grad);
    }

    /** Numerically stable log-softmax along {@code axis}. */
    public Tensor logSoftmax(int axis) {
        return Reductions.softmax(this, axis, true);
    }

    /** RMSNorm over the last axis: {@code x / sqrt(mean(x^2) + eps) * weight}. */
    public Tensor rmsNorm(Tensor weight, double eps) {
        return Reductions.rmsNorm(this, weight, eps);
    }

    /**
     * Rotary position embedding of a {@code [batch, time, heads, headDim]} tensor whose first time step is
     * at {@code positionOffset}; {@code layout} says which features pair up, and {@code inverse} rotates
     * backwards (the transpose, used for gradients).
     */
    public Tensor rope(int positionOffset, double theta, RopeLayout layout, boolean inverse) {
        return Rope.apply(this, positionOffset, theta, layout, inverse);
    }

    // ------------------------------------------------------------------ matmul

    /**
     * Matrix product over the last two axes, {@code [..., m, k] @ [..., k, n]}, broadcasting the batch
     * axes. Transposed views are passed to the kernel as transposed operands, never copied.
     */
    public Tensor matmul(Tensor other) {
        return MatMul.matmul(this, other);
    }

    // ------------------------------------------------------------------ joins and indexing

    /** Joins tensors along an existing axis. */
    public static Tensor concat(int axis, Tensor... parts) {
        return Joins.concat(axis, parts);
    }

    /** Joins equally shaped tensors along a new axis. */
    public static Tensor stack(int axis, Tensor... parts) {
        return Joins.stack(axis, parts);
    }

    /** Views of consecutive pieces of the given sizes along {@code axis}. */
    public Tensor[] split(int axis, int... sizes) {
        return Joins.split(this, axis, sizes);
    }

    /** The sub-tensors at {@code indices} along {@code axis} (e.g. embedding rows), copied. */
    public Tensor indexSelect(int axis, int... indices) {
        return Joins.indexSelect(this, axis, indices);
    }

    /** Adds slice i of {@code src} into slice {@code indices[i]} of this tensor along {@code axis}, in place. */
    public void indexAddInPlace(int axis, int[] indices, Tensor src) {
        Joins.indexAddInPlace(this, axis, indices, src);
    }

    // ------------------------------------------------------------------ in place

    /** {@code this += alpha * other} (other broadcast to this shape), in place. */
    public void addInPlace(Tensor other, double alpha) {
        requireWritable("addInPlace");
        Tensor e = other.expand(shape);
        if (f != null && e.f != null && isContiguous() && e.isContiguous()) {
            float a = (float) alpha;
            int n = numel();
            for (int i = 0; i < n; i++) f[offset + i] += a * e.f[e.offset + i];
            return;
        }
        Strided.forEach(shape, e, this, (n, oe, se, ot, st) -> {
            for (int i = 0; i < n; i++) write(ot + i * st, read(ot + i * st) + alpha * e.read(oe + i * se));
        });
    }

    /** {@code this *= s}, in place. */
    public void mulInPlace(double s) {
        requireWritable("mulInPlace");
        Strided.forEach(shape, this, this, (n, oa, sa, ob, sb) -> {
            for (int i = 0; i < n; i++) write(oa + i * sa, read(oa + i * sa) * s);
        });
    }

    /** Copies {@code src} (broadcast to this shape) into this tensor, in place. */
    public void copyFromInPlace(Tensor src) {
        requireWritable("copyFromInPlace");
        Strided.copy(src.expand(shape), this);
    }

    /** Sets every element to {@code value}, in place. */
    public void fillInPlace(double value) {
        requireWritable("fillInPlace");
        Strided.forEach(shape, this, this, (n, oa, sa, ob, sb) -> {
            for (int i = 0; i < n; i++) write(oa + i * sa, value);
        });
    }

    // ------------------------------------------------------------------ misc

    /** True if both tensors have the same shape and every pair of elements is within {@code atol + rtol*|other|}. */
    public boolean allClose(Tensor other, double atol, double rtol) {
        if (!Arrays.equals(shape, other.shape)) return false;
        double[] a = toDoubleArray(), b = other.toDoubleArray();
        for (int i = 0; i < a.length; i++) {
            double diff = Math.abs(a[i] - b[i]);
            if (!(diff <= atol + rtol * Math.abs(b[i]))) return false;
        }
        return true;
    }

    /** The largest absolute elementwise difference to a tensor of the same shape. */
    public double maxAbsDiff(Tensor other) {
        if (!Arrays.equals(shape, other.shape)) {
            throw new ShapeException(
                    "maxAbsDiff: shapes " + Shapes.str(shape) + " and " + Shapes.str(other.shape) + " differ");
        }
        double[] a = toDoubleArray(), b = other.toDoubleArray();
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Tensor").append(dtype()).append(Shapes.str(shape));
        int n = numel();
        double[] v = n <= 16 ? toDoubleArray() : null;
        if (v != null) {
            sb.append(' ').append(Arrays.toString(v));
        }
        return sb.toString();
    }
}
