package io.flexigpt.nn.io;

import io.flexigpt.io.AtomicFiles;
import io.flexigpt.io.FormatException;
import io.flexigpt.io.Json;
import io.flexigpt.io.ProgressListener;
import io.flexigpt.nn.HfNames;
import io.flexigpt.nn.LlamaConfig;
import io.flexigpt.tensor.RopeLayout;
import io.flexigpt.tensor.Tensor;
import io.flexigpt.tensor.io.SafeTensorsFile;
import io.flexigpt.tensor.io.SafeTensorsWriter;
import io.flexigpt.tensor.io.StoredType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Hugging Face model directory: {@code config.json} plus {@code model.safetensors} or shards listed in
 * {@code model.safetensors.index.json}. This is also the project's own save format.
 */
public final class HfCheckpoint {
    private HfCheckpoint() {}

    /** The configuration in {@code dir/config.json} (q/k layout: rotate-half). */
    public static LlamaConfig readConfig(Path dir) throws IOException {
        Path configFile = dir.resolve("config.json");
        if (!Files.exists(configFile))
            throw new NoSuchFileException(
                    configFile.toString(), null, "a Hugging Face model directory needs config.json");
        return HfConfig.parse(readUtf8(configFile), configFile.toString());
    }

    /** The file's text, or a FormatException naming it when it is not valid UTF-8. */
    static String readUtf8(Path file) throws IOException {
        try {
            return java.nio.charset.StandardCharsets.UTF_8
                    .newDecoder()
                    .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file)))
                    .toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new FormatException(file + ": not valid UTF-8 text");
        }
    }

    /** Writes {@code dir/config.json} for {@code config} atomically. */
    public static void writeConfig(Path dir, LlamaConfig config) throws IOException {
        AtomicFiles.writeString(dir.resolve("config.json"), HfConfig.write(config));
    }

    public static Checkpoint read(Path dir) throws IOException {
        return read(dir, ProgressListener.NONE);
    }

    /** As {@link #read(Path)}, reporting the bytes of tensor data read out of the shards' total size. */
    public static Checkpoint read(Path dir, ProgressListener progress) throws IOException {
        LlamaConfig config = readConfig(dir);
        Map<String, Tensor> weights = new LinkedHashMap<>();
        Path single = dir.resolve("model.safetensors"), index = dir.resolve("model.safetensors.index.json");
        if (Files.exists(single)) {
            readShard(single, null, weights, new BytesRead(progress, Files.size(single)));
        } else if (Files.exists(index)) {
            Map<String, Object> root =
                    Json.object(Json.parse(readUtf8(index), index.toString()), "index", index.toString());
            Map<String, Object> map = Json.getObject(root, "weight_map", index.toString());
            Map<String, java.util.List<String>> byShard = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : map.entrySet()) {
                if (!(e.getValue() instanceof String))
                    throw new FormatException(index + ": weight_map entry '" + e.getKey() + "' must name a shard file");
                String shard = (String) e.getValue();
                if (shard.isEmpty()
                        || shard.equals(".")
                        || shard.equals("..")
                        || shard.contains("/")
                        || shard.contains("\\")
                        || shard.contains(":")) {
                    throw new FormatException(index + ": tensor '" + e.getKey() + "' is in shard '" + shard
                            + "', which is not a file name in the model directory");
                }
                if (!Files.isRegularFile(dir.resolve(shard))) {
                    throw new FormatException(index + ": tensor '" + e.getKey() + "' is in shard '" + shard
                            + "', which is not a file in " + dir);
                }
                byShard.computeIfAbsent(shard, k -> new java.util.ArrayList<>()).add(e.getKey());
            }
            if (byShard.isEmpty()) throw new FormatException(index + ": weight_map lists no tensor");
            long total = 0;
            for (String shard : byShard.keySet()) total += Files.size(dir.resolve(shard));
            BytesRead read = new BytesRead(progress, total);
            for (Map.Entry<String, java.util.List<String>> e : byShard.entrySet())
                readShard(dir.resolve(e.getKey()), e.getValue(), weights, read);
        } else {
            throw new NoSuchFileException(
                    single.toString(), null, "neither model.safetensors nor model.safetensors.index.json is in " + dir);
        }
        checkShapes(dir, config, weights);
        return new Checkpoint(config, Llama2cCheckpoint.sortByLayer(weights, config), null, dir);
    }

    /** Bytes of tensor data read so far, reported after each tensor. */
    private static final class BytesRead {
        private final ProgressListener progress;
        private final long total;
        private long done;

        BytesRead(ProgressListener progress, long total) {
            this.progress = progress;
            this.total = total;
        }

        void add(long bytes) {
            done += bytes;
            progress.progress(Math.min(done, total), total);
        }
    }

    private static void readShard(Path file, java.util.List<String> expected, Map<String, Tensor> into, BytesRead read)
            throws IOException {
        try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
            java.util.List<String> names = expected == null ? f.names() : expected;
            for (String name : names) {
                if (!f.contains(name))
                    throw new FormatException(file + ": tensor '" + name
                            + "' listed in model.safetensors.index.json is missing from this shard");
                if (into.put(name, Checkpoints.requireFinite(file, name, load(f, name))) != null)
                    throw new FormatException(file + ": tensor '" + name + "' appears in more than one shard");
                SafeTensorsFile.TensorInfo info = f.info(name);
                read.add(info.end() - info.begin());
            }
        }
    }

    /**
     * A tensor as stored: BF16/F16 matrices stay in 16 bits (half the memory of fp32; they compute as their exact
     * fp32 widening), everything else is loaded as fp32.
     */
    private static Tensor load(SafeTensorsFile f, String name) throws IOException {
        SafeTensorsFile.TensorInfo info = f.info(name);
        boolean half = info.dtype().equals("BF16") || info.dtype().equals("F16");
        return half && info.shape().length == 2 ? f.loadHalf(name) : f.load(name);
    }

    /** Every expected tensor is present with its shape, and nothing unexpected is there. */
    private static void checkShapes(Path dir, LlamaConfig c, Map<String, Tensor> w) throws FormatException {
        Map<String, int[]> expected = HfNames.shapes(c);
        for (Map.Entry<String, int[]> e : expected.entrySet()) {
            Tensor t = w.get(e.getKey());
            if (t == null)
                throw new FormatException(dir + ": missing tensor '" + e.getKey() + "' (expected shape "
                        + Arrays.toString(e.getValue()) + ")");
            if (!Arrays.equals(t.shape(), e.getValue())) {
                throw new FormatException(dir + ": tensor '" + e.getKey() + "' has shape " + Arrays.toString(t.shape())
                        + ", expected " + Arrays.toString(e.getValue()));
            }
        }
        for (String name : w.keySet()) {
            if (!expected.containsKey(name) && !name.endsWith("rotary_emb.inv_freq"))
                throw new FormatException(dir + ": unexpected tensor '" + name + "' for this config");
        }
        w.keySet().removeIf(n -> n.endsWith("rotary_emb.inv_freq"));
    }

    /**
     * Writes {@code config.json} and {@code model.safetensors} (q/k converted to the Hugging Face rotary
     * layout), each atomically.
     */
    public static void write(Path dir, Checkpoint checkpoint, StoredType type) throws IOException {
        Checkpoint hf = RopePermutation.toLayout(checkpoint, RopeLayout.ROTATE_HALF);
        Files.createDirectories(dir);
        SafeTensorsWriter.write(dir.resolve("model.safetensors"), hf.weights(), Map.of("format", "pt"), type);
        writeConfig(dir, hf.config());
    }
}
