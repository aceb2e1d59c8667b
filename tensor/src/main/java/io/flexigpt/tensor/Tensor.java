package io.flexigpt.tensor;

import java.util.Arrays;

/**
 * An N-dimensional array of fp32 (or fp64) numbers with a shape and strides over shared storage.
 *
 * <p>Tensors are values: every op returns a new tensor and leaves its inputs unchanged. Views
 * ({@link #reshape}, {@link #transpose}, {@link #permute}, {@link #slice}, {@link #expand}, ...) share
 * storage with their source and copy nothing; {@link #contiguous()} materialises a view. The few
 * methods that write into a tensor end in {@code InPlace} (used by optimisers and caches).
 */
public final class Tensor {
    final float[] f;
    final double[] d;
    final int offset;
    final int[] shape;
    final int[] strides;

    Tensor(float[] f, double[] d, int offset, int[] shape, int[] strides) {
        this.f = f;
        this.d = d;
        this.offset = offset;
        this.shape = shape;
        this.strides = strides;
    }

    // ------------------------------------------------------------------ factories

    /** Wraps {@code data} (row-major, not copied) as a tensor of the given shape. */
    public static Tensor of(float[] data, int... shape) {
        int[] s = shape.clone();
        int n = Shapes.numel(s);
        if (n != data.length) {
            throw new ShapeException("of: " + data.length + " values do not fill shape " + Shapes.str(s) + " (" + n + " elements)");
        }
        return new Tensor(data, null, 0, s, Shapes.contiguousStrides(s));
    }

    /** Wraps {@code data} (row-major, not copied) as an fp64 tensor of the given shape. */
    public static Tensor ofDouble(double[] data, int... shape) {
        int[] s = shape.clone();
        int n = Shapes.numel(s);
        if (n != data.length) {
            throw new ShapeException("ofDouble: " + data.length + " values do not fill shape " + Shapes.str(s) + " (" + n + " elements)");
        }
        return new Tensor(null, data, 0, s, Shapes.contiguousStrides(s));
    }

    public static Tensor zeros(int... shape) {
        return zeros(DType.F32, shape);
    }

    public static Tensor zeros(DType dtype, int... shape) {
        int[] s = shape.clone();
        int n = Shapes.numel(s);
        return dtype == DType.F32
                ? new Tensor(new float[n], null, 0, s, Shapes.contiguousStrides(s))
                : new Tensor(null, new double[n], 0, s, Shapes.contiguousStrides(s));
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
        return f != null ? DType.F32 : DType.F64;
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
            throw new IndexOutOfBoundsException(op + ": " + index.length + " indices for a tensor of rank " + shape.length + " " + Shapes.str(shape));
        }
        int p = offset;
        for (int i = 0; i < index.length; i++) {
            int ix = index[i];
            if (ix < 0 || ix >= shape[i]) {
                throw new IndexOutOfBoundsException(op + ": index " + ix + " out of bounds for axis " + i + " of size " + shape[i] + " (shape " + Shapes.str(shape) + ")");
            }
            p += ix * strides[i];
        }
        return p;
    }

    double read(int storageIndex) {
        return f != null ? f[storageIndex] : d[storageIndex];
    }

    void write(int storageIndex, double v) {
        if (f != null) f[storageIndex] = (float) v;
        else d[storageIndex] = v;
    }

    /** The element at {@code index} (one index per axis), as a double. */
    public double get(int... index) {
        return read(storageIndex(index, "get"));
    }

    /** The single value of a tensor with one element. */
    public double item() {
        if (numel() != 1) throw new ShapeException("item: tensor of shape " + Shapes.str(shape) + " has " + numel() + " elements, expected 1");
        int p = offset;
        return read(p);
    }

    /** Writes one element; storage shared with views sees the change. */
    public void setInPlace(double value, int... index) {
        write(storageIndex(index, "setInPlace"), value);
    }

    /** The elements in row-major order, as a new array. */
    public float[] toFloatArray() {
        Tensor c = contiguous();
        float[] out = new float[c.numel()];
        if (c.f != null) System.arraycopy(c.f, c.offset, out, 0, out.length);
        else for (int i = 0; i < out.length; i++) out[i] = (float) c.d[c.offset + i];
        return out;
    }

    /** The elements in row-major order, as a new double array. */
    public double[] toDoubleArray() {
        Tensor c = contiguous();
        double[] out = new double[c.numel()];
        if (c.d != null) System.arraycopy(c.d, c.offset, out, 0, out.length);
        else for (int i = 0; i < out.length; i++) out[i] = c.f[c.offset + i];
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

    /** This tensor converted to {@code dtype} (itself when it already has it). */
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
            if (known == 0 || n % known != 0) throw new ShapeException("reshape: cannot reshape " + Shapes.str(shape) + " into " + Shapes.str(newShape));
            s[infer] = n / known;
        }
        if (Shapes.numel(s) != n) {
            throw new ShapeException("reshape: cannot reshape " + Shapes.str(shape) + " (" + n + " elements) into " + Shapes.str(newShape));
        }
        Tensor c = contiguous();
        return new Tensor(c.f, c.d, c.offset, s, Shapes.contiguousStrides(s));
    }

    /** Swaps two axes (a view). */
    public Tensor transpose(int axis0, int axis1) {
        int a = Shapes.axis(axis0, shape.length, "transpose"), b = Shapes.axis(axis1, shape.length, "transpose");
        int[] s = shape.clone(), st = strides.clone();
        s[a] = shape[b];
        s[b] = shape[a];
        st[a] = strides[b];
        st[b] = strides[a];
        return new Tensor(f, d, offset, s, st);
    }

    /** The transpose of a 2-D tensor (a view). */
    public Tensor t() {
        if (shape.length != 2) throw new ShapeException("t: expected a 2-D tensor, got shape " + Shapes.str(shape));
        return transpose(0, 1);
    }

    /** Reorders the axes: output axis i is input axis {@code order[i]} (a view). */
    public Tensor permute(int... order) {
        if (order.length != shape.length) throw new ShapeException("permute: order " + Arrays.toString(order) + " does not match rank of shape " + Shapes.str(shape));
        boolean[] seen = new boolean[order.length];
        int[] s = new int[order.length], st = new int[order.length];
        for (int i = 0; i < order.length; i++) {
            int a = Shapes.axis(order[i], shape.length, "permute");
            if (seen[a]) throw new ShapeException("permute: axis " + a + " repeated in " + Arrays.toString(order));
            seen[a] = true;
            s[i] = shape[a];
            st[i] = strides[a];
        }
        return new Tensor(f, d, offset, s, st);
    }

    /** Elements {@code start} (inclusive) to {@code end} (exclusive) along one axis (a view). */
    public Tensor slice(int axis, int start, int end) {
        int a = Shapes.axis(axis, shape.length, "slice");
        if (start < 0 || end > shape[a] || start > end) {
            throw new IndexOutOfBoundsException("slice: range [" + start + ", " + end + ") out of bounds for axis " + a + " of size " + shape[a] + " (shape " + Shapes.str(shape) + ")");
        }
        int[] s = shape.clone();
        s[a] = end - start;
        return new Tensor(f, d, offset + start * strides[a], s, strides.clone());
    }

    /** {@code length} elements from {@code start} along one axis (a view). */
    public Tensor narrow(int axis, int start, int length) {
        return slice(axis, start, start + length);
    }

    /** The sub-tensor at {@code index} along one axis, with that axis removed (a view). */
    public Tensor select(int axis, int index) {
        int a = Shapes.axis(axis, shape.length, "select");
        if (index < 0 || index >= shape[a]) {
            throw new IndexOutOfBoundsException("select: index " + index + " out of bounds for axis " + a + " of size " + shape[a] + " (shape " + Shapes.str(shape) + ")");
        }
        int[] s = new int[shape.length - 1], st = new int[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (i == a) continue;
            s[j] = shape[i];
            st[j++] = strides[i];
        }
        return new Tensor(f, d, offset + index * strides[a], s, st);
    }

    /** Inserts an axis of size 1 at {@code axis} (a view). */
    public Tensor unsqueeze(int axis) {
        int a = axis < 0 ? axis + shape.length + 1 : axis;
        if (a < 0 || a > shape.length) throw new IndexOutOfBoundsException("unsqueeze: axis " + axis + " out of range for rank " + shape.length);
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
        return new Tensor(f, d, offset, s, st);
    }

    /** Removes an axis of size 1 (a view). */
    public Tensor squeeze(int axis) {
        int a = Shapes.axis(axis, shape.length, "squeeze");
        if (shape[a] != 1) throw new ShapeException("squeeze: axis " + a + " has size " + shape[a] + ", expected 1 (shape " + Shapes.str(shape) + ")");
        return select(a, 0);
    }

    /**
     * Broadcasts to {@code newShape} (numpy rules; leading axes may be added) without copying: expanded
     * axes get stride 0.
     */
    public Tensor expand(int... newShape) {
        if (newShape.length < shape.length) throw new ShapeException("expand: cannot expand shape " + Shapes.str(shape) + " to fewer axes " + Shapes.str(newShape));
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
            else throw new ShapeException("expand: cannot expand shape " + Shapes.str(shape) + " to " + Shapes.str(newShape) + " (axis " + i + ": " + src + " vs " + newShape[i] + ")");
        }
        return new Tensor(f, d, offset, s, st);
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
            throw new ShapeException("maxAbsDiff: shapes " + Shapes.str(shape) + " and " + Shapes.str(other.shape) + " differ");
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
