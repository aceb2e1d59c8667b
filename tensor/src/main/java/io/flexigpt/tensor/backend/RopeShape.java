package io.flexigpt.tensor.backend;

import io.flexigpt.tensor.RopeLayout;

/**
 * Rotary position embedding of {@code rows} token rows of {@code heads·headDim} floats each: pair
 * {@code i} of every head (see {@link RopeLayout}) at position {@code p} rotates by the angle
 * {@code p · theta^(-2i/headDim)}.
 */
public record RopeShape(int rows, int heads, int headDim, RopeLayout layout, float theta) {
    public RopeShape {
        Operands.requirePositive("rope", rows, heads, headDim);
        Operands.product(rows, heads, headDim);
        if (headDim % 2 != 0) throw new IllegalArgumentException("rope: head size " + headDim + " is odd");
        if (!(theta > 1f) || Float.isInfinite(theta))
            throw new IllegalArgumentException("rope: theta must be finite and > 1, got " + theta);
        if (layout == null) throw new IllegalArgumentException("rope: layout is null");
    }

    /** Throws unless the operands fit this shape: one non-negative position per row, distinct buffers. */
    public void check(int[] positions, DeviceBuffer x, DeviceBuffer out) {
        Operands.requireDistinct("rope", x, out);
        Operands.requireLength("rope", "x", x, (long) rows * heads * headDim);
        Operands.requireLength("rope", "out", out, (long) rows * heads * headDim);
        if (positions.length != rows)
            throw new IllegalArgumentException("rope: " + positions.length + " positions for " + rows + " rows");
        for (int p : positions) {
            if (p < 0) throw new IllegalArgumentException("rope: negative position " + p);
        }
    }
}
