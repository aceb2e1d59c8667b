package io.flexigpt.tensor;

/**
 * Element type of a {@link Tensor}'s storage. Models compute in {@link #F32}; {@link #F64} exists so
 * that gradients and numerical properties can be checked in double precision with the same code.
 */
public enum DType {
    F32, F64
}
