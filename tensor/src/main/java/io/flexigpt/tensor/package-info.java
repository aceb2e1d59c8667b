/**
 * The {@link io.flexigpt.tensor.Tensor} type: strided fp32 (and, for exact gradient checks, fp64)
 * N-dimensional arrays with views, broadcasting elementwise ops, reductions, a fast matmul, linear
 * algebra on EJML and a seeded random number generator.
 */
package io.flexigpt.tensor;
