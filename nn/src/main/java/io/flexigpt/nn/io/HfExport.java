package io.flexigpt.nn.io;

import io.flexigpt.io.AtomicFiles;
import io.flexigpt.tensor.Tensor;
import io.flexigpt.tensor.io.StoredType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes a plain Llama checkpoint as a Hugging Face model directory that transformers loads
 * ({@code LlamaForCausalLM}): {@code model.safetensors} in F32 or F16 with q/k rows in the rotate-half
 * layout, {@code config.json}, and copies of the tokenizer files given (tokenizer.json,
 * tokenizer_config.json, ...) under the names they are given. Every file is written atomically; non-finite weights are an error.
 */
public final class HfExport {
    private HfExport() {}

    public static void write(Path dir, Checkpoint checkpoint, StoredType type, Map<String, Path> tokenizerFiles)
            throws IOException {
        GgufWriter.ggufTensors(checkpoint); // a plain model: every tensor is one of a Llama model's
        for (Map.Entry<String, Tensor> e : checkpoint.weights().entrySet()) requireFinite(e.getKey(), e.getValue());
        HfCheckpoint.write(dir, checkpoint, type);
        for (Map.Entry<String, Path> f : tokenizerFiles.entrySet())
            AtomicFiles.write(dir.resolve(f.getKey()), Files.readAllBytes(f.getValue()));
    }

    static void requireFinite(String name, Tensor t) {
        float[] v = t.contiguous().toFloatArray();
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i]))
                throw new IllegalArgumentException(
                        "tensor '" + name + "' holds " + v[i] + " at element " + i + "; a checkpoint must be finite");
        }
    }
}
