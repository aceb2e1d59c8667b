/**
 * Neural-network modules for decoder-only language models: {@link io.flexigpt.nn.Module} with named
 * parameters and state dicts, the Llama layers and model with an editable block stack, {@link
 * io.flexigpt.nn.LanguageModel} and KV-cached generation, checkpoint loaders ({@code io.flexigpt.nn.io}),
 * tokenizers ({@code io.flexigpt.nn.tokenizer}) and training ({@code io.flexigpt.nn.train}). The layers
 * compute on the tensor kernels only; running them on a compute backend is {@code io.flexigpt.nn.device}'s
 * business, derived from what the layers expose.
 */
package io.flexigpt.nn;
