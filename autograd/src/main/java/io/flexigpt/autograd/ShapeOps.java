package io.flexigpt.autograd;

import io.flexigpt.tensor.Tensor;

/** Views and joins: their gradients are the inverse view, a zero-padded slice, or a split. */
final class ShapeOps {
    private ShapeOps() {}

    static Variable reshape(Variable a, int[] shape) {
        int[] in = a.shape();
        return Variable.result(a.value().reshape(shape), "reshape", g -> new Tensor[] {g.reshape(in)}, a);
    }

    static Variable transpose(Variable a, int x, int y) {
        return Variable.result(a.value().transpose(x, y), "transpose", g -> new Tensor[] {g.transpose(x, y)}, a);
    }

    static Variable permute(Variable a, int[] order) {
        int rank = a.rank();
        int[] inverse = new int[rank];
        for (int i = 0; i < rank; i++) inverse[order[i] < 0 ? order[i] + rank : order[i]] = i;
        return Variable.result(a.value().permute(order), "permute", g -> new Tensor[] {g.permute(inverse)}, a);
    }

    static Variable slice(Variable a, int axis, int start, int end) {
        Tensor x = a.value();
        return Variable.result(
                x.slice(axis, start, end),
                "slice",
                g -> {
                    Tensor full = Tensor.zeros(g.dtype(), x.shape());
                    full.slice(axis, start, end).copyFromInPlace(g);
                    return new Tensor[] {full};
                },
                a);
    }

    static Variable select(Variable a, int axis, int index) {
        Tensor x = a.value();
        return Variable.result(
                x.select(axis, index),
                "select",
                g -> {
                    Tensor full = Tensor.zeros(g.dtype(), x.shape());
                    full.select(axis, index).copyFromInPlace(g);
                    return new Tensor[] {full};
                },
                a);
    }

    static Variable unsqueeze(Variable a, int axis) {
        int[] in = a.shape();
        return Variable.result(a.value().unsqueeze(axis), "unsqueeze", g -> new Tensor[] {g.reshape(in)}, a);
    }

    static Variable squeeze(Variable a, int axis) {
        int[] in = a.shape();
        return Variable.result(a.value().squeeze(axis), "squeeze", g -> new Tensor[] {g.reshape(in)}, a);
    }

    static Variable expand(Variable a, int[] shape) {
        return Variable.result(a.value().expand(shape), "expand", g -> new Tensor[] {g}, a);
    }

    static Variable contiguous(Variable a) {
        return Variable.result(a.value().contiguous(), "contiguous", g -> new Tensor[] {g}, a);
    }

    static Variable concat(int axis, Variable[] parts) {
        Tensor[] values = new Tensor[parts.length];
        int[] sizes = new int[parts.length];
        for (int i = 0; i < parts.length; i++) values[i] = parts[i].value();
        Tensor out = Tensor.concat(axis, values);
        int ax = axis < 0 ? axis + out.rank() : axis;
        for (int i = 0; i < parts.length; i++) sizes[i] = values[i].dim(ax);
        return Variable.result(out, "concat", g -> g.split(ax, sizes), parts);
    }

    static Variable[] split(Variable a, int axis, int[] sizes) {
        int ax = axis < 0 ? axis + a.rank() : axis;
        Variable[] out = new Variable[sizes.length];
        int at = 0;
        for (int i = 0; i < sizes.length; i++) {
            out[i] = slice(a, ax, at, at + sizes[i]);
            at += sizes[i];
        }
        return out;
    }
}
