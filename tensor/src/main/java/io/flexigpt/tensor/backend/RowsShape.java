package io.flexigpt.tensor.backend;

/** A contiguous row-major matrix treated row by row (softmax, RMSNorm). */
public record RowsShape(int rows, int cols) {
    public RowsShape {
        Operands.requirePositive("rows", rows, cols);
        Operands.product(rows, cols);
    }

    /** Throws unless every buffer holds {@code rows·cols} floats and they are distinct. */
    public void check(String op, DeviceBuffer... buffers) {
        Operands.requireDistinct(op, buffers);
        for (DeviceBuffer b : buffers) Operands.requireLength(op, "operand", b, (long) rows * cols);
    }
}
