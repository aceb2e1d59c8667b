/**
 * Compute backends: the small set of fp32 kernels a transformer forward needs (matmul, softmax,
 * RMSNorm, RoPE, SiLU·mul, elementwise ops, causal attention) behind {@link
 * io.flexigpt.tensor.backend.ComputeBackend}, with {@link io.flexigpt.tensor.backend.CpuBackend} as
 * the plain reference and {@link io.flexigpt.tensor.backend.Backends} choosing one by device name.
 * Other backends (OpenCL in module gpu) are found through {@link java.util.ServiceLoader}.
 */
package io.flexigpt.tensor.backend;
