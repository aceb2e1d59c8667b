package io.flexigpt.bench;

import io.flexigpt.io.AtomicFiles;
import io.flexigpt.io.Json;
import io.flexigpt.nn.HfNames;
import io.flexigpt.nn.LlamaConfig;
import io.flexigpt.tensor.Rng;
import io.flexigpt.tensor.Tensor;
import io.flexigpt.tensor.io.SafeTensorsWriter;
import io.flexigpt.tensor.io.StoredType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a random-weight stand-in for a published Llama-family model as a Hugging Face directory: the
 * real model's exact {@code config.json}, BF16 weights ~ N(0, 0.02²) (norm gains 1) in shards of at most
 * {@code --shard-bytes} listed in {@code model.safetensors.index.json}, and a copy of the given
 * {@code tokenizer.json}. Runs need no download and have the real shapes, so memory and speed figures
 * hold for the real model; the text generated is noise.
 *
 * <pre>java --add-modules jdk.incubator.vector -Xmx8g -cp bench/target/benchmarks.jar io.flexigpt.bench.StandInModels \
 *     SHAPE OUT_DIR TOKENIZER_JSON [--shard-bytes N] [--seed N]</pre>
 *
 * SHAPE is {@code smollm2-135m}, {@code smollm2-360m} or {@code tinyllama-1.1b}. The heap needs about
 * twice a shard's size (its tensors are held in fp32 while it is written).
 */
public final class StandInModels {
    /** One published model's shape and the config.json fields that describe it. */
    record Shape(
            String name,
            int hidden,
            int intermediate,
            int layers,
            int heads,
            int kvHeads,
            int vocab,
            boolean tied,
            double ropeTheta,
            int maxPositions,
            double rmsEps,
            int bos,
            int eos) {
        String configJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("architectures", List.of("LlamaForCausalLM"));
            m.put("attention_bias", false);
            m.put("bos_token_id", (long) bos);
            m.put("eos_token_id", (long) eos);
            m.put("hidden_act", "silu");
            m.put("hidden_size", (long) hidden);
            m.put("initializer_range", 0.02);
            m.put("intermediate_size", (long) intermediate);
            m.put("max_position_embeddings", (long) maxPositions);
            m.put("model_type", "llama");
            m.put("num_attention_heads", (long) heads);
            m.put("num_hidden_layers", (long) layers);
            m.put("num_key_value_heads", (long) kvHeads);
            m.put("pretraining_tp", 1L);
            m.put("rms_norm_eps", rmsEps);
            m.put("rope_scaling", null);
            m.put("rope_theta", ropeTheta);
            m.put("tie_word_embeddings", tied);
            m.put("torch_dtype", "bfloat16");
            m.put("use_cache", true);
            m.put("vocab_size", (long) vocab);
            return Json.writePretty(m);
        }

        /** Tensor names and shapes in Hugging Face order. */
        Map<String, int[]> tensors() {
            return HfNames.shapes(LlamaConfig.builder()
                    .dim(hidden)
                    .layers(layers)
                    .heads(heads)
                    .kvHeads(kvHeads)
                    .hiddenDim(intermediate)
                    .vocabSize(vocab)
                    .maxSeqLen(maxPositions)
                    .ropeTheta((float) ropeTheta)
                    .normEps((float) rmsEps)
                    .tiedEmbeddings(tied)
                    .build());
        }
    }

    static final Map<String, Shape> SHAPES = Map.of(
            "smollm2-135m", new Shape("smollm2-135m", 576, 1536, 30, 9, 3, 49152, true, 100000.0, 8192, 1e-5, 0, 0),
            "smollm2-360m", new Shape("smollm2-360m", 960, 2560, 32, 15, 5, 49152, true, 100000.0, 8192, 1e-5, 0, 0),
            "tinyllama-1.1b",
                    new Shape("tinyllama-1.1b", 2048, 5632, 22, 32, 4, 32000, false, 10000.0, 2048, 1e-5, 1, 2));

    static final long DEFAULT_SHARD_BYTES = 2_000_000_000L;

    public static void main(String[] args) throws IOException {
        if (args.length < 3) {
            System.err.println(
                    "usage: StandInModels SHAPE OUT_DIR TOKENIZER_JSON [--shard-bytes N] [--seed N]; SHAPE is one of "
                            + SHAPES.keySet());
            System.exit(2);
        }
        Shape shape = SHAPES.get(args[0]);
        if (shape == null)
            throw new IllegalArgumentException("unknown shape '" + args[0] + "', expected one of " + SHAPES.keySet());
        long shardBytes = DEFAULT_SHARD_BYTES, seed = 1;
        for (int i = 3; i < args.length; i += 2) {
            if (i + 1 >= args.length) throw new IllegalArgumentException(args[i] + " needs a value");
            switch (args[i]) {
                case "--shard-bytes" -> shardBytes = Long.parseLong(args[i + 1]);
                case "--seed" -> seed = Long.parseLong(args[i + 1]);
                default ->
                    throw new IllegalArgumentException(
                            "unknown option " + args[i] + " (expected --shard-bytes or --seed)");
            }
        }
        long start = System.nanoTime();
        write(shape, Paths.get(args[1]), Paths.get(args[2]), shardBytes, seed);
        System.out.printf("wrote %s to %s in %.1f s%n", shape.name(), args[1], (System.nanoTime() - start) / 1e9);
    }

    /** Writes the stand-in for {@code shape} into {@code dir} (created if needed). */
    static void write(Shape shape, Path dir, Path tokenizer, long shardBytes, long seed) throws IOException {
        if (!Files.isRegularFile(tokenizer)) throw new IOException(tokenizer + ": no such tokenizer file");
        Files.createDirectories(dir);
        List<List<String>> shards = shards(shape.tensors(), shardBytes);
        Map<String, int[]> shapes = shape.tensors();
        Map<String, Object> weightMap = new LinkedHashMap<>();
        long total = 0;
        Rng rng = new Rng(seed);
        for (int s = 0; s < shards.size(); s++) {
            String file = String.format("model-%05d-of-%05d.safetensors", s + 1, shards.size());
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (String name : shards.get(s)) {
                int[] dims = shapes.get(name);
                tensors.put(name, dims.length == 1 ? Tensor.ones(dims) : rng.normal(0, 0.02f, dims));
                weightMap.put(name, file);
                total += 2L * tensors.get(name).numel();
            }
            SafeTensorsWriter.write(dir.resolve(file), tensors, Map.of("format", "pt"), StoredType.BF16);
            System.out.printf("  %s: %d tensors%n", file, tensors.size());
        }
        Map<String, Object> index = new LinkedHashMap<>();
        index.put("metadata", Map.of("total_size", total));
        index.put("weight_map", weightMap);
        AtomicFiles.writeString(dir.resolve("model.safetensors.index.json"), Json.writePretty(index));
        AtomicFiles.writeString(dir.resolve("config.json"), shape.configJson());
        Files.copy(tokenizer, dir.resolve("tokenizer.json"), StandardCopyOption.REPLACE_EXISTING);
    }

    /** Consecutive tensors grouped so that each group's BF16 bytes stay within {@code shardBytes} (a larger tensor gets its own shard). */
    static List<List<String>> shards(Map<String, int[]> tensors, long shardBytes) {
        List<List<String>> out = new ArrayList<>();
        List<String> current = new ArrayList<>();
        long bytes = 0;
        for (Map.Entry<String, int[]> e : tensors.entrySet()) {
            long n = 2;
            for (int d : e.getValue()) n *= d;
            if (!current.isEmpty() && bytes + n > shardBytes) {
                out.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(e.getKey());
            bytes += n;
        }
        if (!current.isEmpty()) out.add(current);
        return out;
    }
}
