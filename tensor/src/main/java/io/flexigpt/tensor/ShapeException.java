package io.flexigpt.tensor;

/** Thrown when an operation receives tensors whose shapes do not fit; the message names the op and every shape. */
public final class ShapeException extends IllegalArgumentException {
    public ShapeException(String message) {
        super(message);
    }
}
