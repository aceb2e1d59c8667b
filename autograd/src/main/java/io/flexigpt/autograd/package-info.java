/**
 * Reverse-mode automatic differentiation over {@link io.flexigpt.tensor.Tensor}: {@link
 * io.flexigpt.autograd.Variable} records the ops applied to it, {@code backward()} accumulates gradients
 * into the leaves; {@link io.flexigpt.autograd.Functions} holds the fused transformer ops and losses;
 * optimisers, schedules and clipping live in {@code io.flexigpt.autograd.optim}.
 */
package io.flexigpt.autograd;
