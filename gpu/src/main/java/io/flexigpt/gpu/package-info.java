/**
 * The OpenCL backend of FlexiGPT: kernels written as Aparapi {@code Kernel}s (tiled matmul in local
 * memory, row softmax, RMSNorm, RoPE, SiLU·mul, elementwise ops, causal attention) behind {@link
 * io.flexigpt.gpu.OpenClBackend}, which module tensor finds through {@code ServiceLoader} under the
 * device name {@code opencl}. Every launch is checked to have run through OpenCL; Aparapi's silent
 * fallback to Java threads is turned into an error.
 */
package io.flexigpt.gpu;
