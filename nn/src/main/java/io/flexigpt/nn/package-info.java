/**
 * Neural-network modules for decoder-only language models: {@link io.flexigpt.nn.Module} with named
 * parameters and state dicts, the Llama layers and model with an editable block stack, KV-cached
 * generation, checkpoint loaders ({@code io.flexigpt.nn.io}), tokenizers ({@code io.flexigpt.nn.tokenizer})
 * and training ({@code io.flexigpt.nn.train}).
 */
package io.flexigpt.nn;
