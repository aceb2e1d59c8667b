package io.flexigpt.tensor;

import java.util.Arrays;

/** Ops that join, split or index along an axis: concat, stack, split, index-select and index-add. */
final class Joins {
    private Joins() {}

    static Tensor concat(int axisArg, Tensor... parts) {
        if (parts.length == 0) throw new ShapeException("concat: no tensors given");
        int rank = parts[0].shape.length;
        int axis = Shapes.axis(axisArg, rank, "concat");
        int total = 0;
        DType dtype = DType.F32;
        for (Tensor p : parts) {
            if (p.shape.length != rank) throw new ShapeException("concat: ranks differ: " + shapes(parts));
            for (int i = 0; i < rank; i++) {
                if (i != axis && p.shape[i] != parts[0].shape[i]) {
                    throw new ShapeException("concat: shapes " + shapes(parts) + " differ outside axis " + axis);
                }
            }
            total += p.shape[axis];
            if (p.dtype() == DType.F64) dtype = DType.F64;
        }
        int[] shape = parts[0].shape.clone();
        shape[axis] = total;
        Tensor out = Tensor.zeros(dtype, shape);
        int at = 0;
        for (Tensor p : parts) {
            Strided.copy(p, out.slice(axis, at, at + p.shape[axis])); // 16-bit parts are widened
            at += p.shape[axis];
        }
        return out;
    }

    static Tensor stack(int axisArg, Tensor... parts) {
        if (parts.length == 0) throw new ShapeException("stack: no tensors given");
        int axis = axisArg < 0 ? axisArg + parts[0].shape.length + 1 : axisArg;
        Tensor[] expanded = new Tensor[parts.length];
        for (int i = 0; i < parts.length; i++) {
            if (!Arrays.equals(parts[i].shape, parts[0].shape))
                throw new ShapeException("stack: shapes differ: " + shapes(parts));
            expanded[i] = parts[i].unsqueeze(axis);
        }
        return concat(axis, expanded);
    }

    static Tensor[] split(Tensor x, int axisArg, int... sizes) {
        int axis = Shapes.axis(axisArg, x.shape.length, "split");
        int sum = 0;
        for (int s : sizes) sum += s;
        if (sum != x.shape[axis]) {
            throw new ShapeException("split: sizes " + Arrays.toString(sizes) + " do not add up to axis " + axis
                    + " of shape " + Shapes.str(x.shape));
        }
        Tensor[] out = new Tensor[sizes.length];
        int at = 0;
        for (int i = 0; i < sizes.length; i++) {
            out[i] = x.slice(axis, at, at + sizes[i]);
            at += sizes[i];
        }
        return out;
    }

    static Tensor indexSelect(Tensor x, int axisArg, int[] indices) {
        int axis = Shapes.axis(axisArg, x.shape.length, "indexSelect");
        int[] shape = x.shape.clone();
        shape[axis] = indices.length;
        Tensor out =
                Tensor.zeros(x.dtype().isHalf() ? DType.F32 : x.dtype(), shape); // only the chosen rows are widened
        for (int i = 0; i < indices.length; i++) {
            checkIndex(indices[i], x.shape[axis], "indexSelect", i);
            Strided.copy(x.select(axis, indices[i]), out.select(axis, i));
        }
        return out;
    }

    /** Adds {@code src.select(axis, i)} into {@code target.select(axis, indices[i])} for every i, in place. */
    static void indexAddInPlace(Tensor target, int axisArg, int[] indices, Tensor src) {
        target.requireWritable("indexAdd");
        int axis = Shapes.axis(axisArg, target.shape.length, "indexAdd");
        int[] expected = target.shape.clone();
        expected[axis] = indices.length;
        if (!Arrays.equals(expected, src.shape)) {
            throw new ShapeException("indexAdd: source shape " + Shapes.str(src.shape) + " does not match "
                    + Shapes.str(expected) + " for target " + Shapes.str(target.shape));
        }
        for (int i = 0; i < indices.length; i++) {
            checkIndex(indices[i], target.shape[axis], "indexAdd", i);
            Tensor dst = target.select(axis, indices[i]);
            Tensor s = src.select(axis, i);
            Strided.forEach(dst.shape, s, dst, (n, os, ss, od, sd) -> {
                for (int j = 0; j < n; j++) dst.write(od + j * sd, dst.read(od + j * sd) + s.read(os + j * ss));
            });
        }
    }

    static void checkIndex(int index, int bound, String op, int position) {
        if (index < 0 || index >= bound) {
            throw new IndexOutOfBoundsException(
                    op + ": index " + index + " (at position " + position + ") out of bounds for size " + bound);
        }
    }

    private static String shapes(Tensor[] parts) {
        StringBuilder sb = new StringBuilder();
        for (Tensor p : parts) sb.append(sb.length() == 0 ? "" : ", ").append(Shapes.str(p.shape));
        return sb.toString();
    }
}
