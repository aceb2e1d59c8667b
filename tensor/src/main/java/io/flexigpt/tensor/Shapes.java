package io.flexigpt.tensor;

import java.util.Arrays;

/** Shape arithmetic shared by the tensor ops: sizes, strides, axis normalisation, broadcasting. */
final class Shapes {
    private Shapes() {}

    static final int MAX_ELEMENTS = Integer.MAX_VALUE - 16;

    static int numel(int[] shape) {
        long n = 1;
        for (int s : shape) {
            if (s < 0) throw new ShapeException("negative dimension in shape " + Arrays.toString(shape));
            n *= s;
            if (n > MAX_ELEMENTS)
                throw new ShapeException(
                        "shape " + Arrays.toString(shape) + " has more than " + MAX_ELEMENTS + " elements");
        }
        return (int) n;
    }

    static int[] contiguousStrides(int[] shape) {
        int[] strides = new int[shape.length];
        int s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            strides[i] = s;
            s *= Math.max(shape[i], 1);
        }
        return strides;
    }

    static int axis(int axis, int rank, String op) {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw new IndexOutOfBoundsException(op + ": axis " + axis + " out of range for rank " + rank);
        }
        return a;
    }

    static String str(int[] shape) {
        return Arrays.toString(shape);
    }

    /** numpy-style broadcast of two shapes; throws naming the op and both shapes. */
    static int[] broadcast(int[] a, int[] b, String op) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i - (rank - a.length) >= 0 ? a[i - (rank - a.length)] : 1;
            int db = i - (rank - b.length) >= 0 ? b[i - (rank - b.length)] : 1;
            if (da != db && da != 1 && db != 1) {
                throw new ShapeException(op + ": shapes " + str(a) + " and " + str(b)
                        + " cannot be broadcast together (axis " + i + ": " + da + " vs " + db + ")");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }
}
