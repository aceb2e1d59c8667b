package io.flexigpt.nn.io;

import io.flexigpt.nn.LlamaConfig;
import io.flexigpt.nn.tokenizer.Tokenizer;
import io.flexigpt.tensor.Tensor;
import java.nio.file.Path;
import java.util.Map;

/**
 * Weights of a Llama-family model as read from any format: tensors in Hugging Face naming
 * ({@code model.layers.N.self_attn.q_proj.weight}, ...), matrices {@code [out][in]}, q/k rows in the rotary
 * layout that {@code config.ropeLayout()} names. {@code tokenizer} is set when the file carries one (GGUF);
 * {@code source} may be null for in-memory checkpoints.
 */
public record Checkpoint(LlamaConfig config, Map<String, Tensor> weights, Tokenizer tokenizer, Path source) {}
