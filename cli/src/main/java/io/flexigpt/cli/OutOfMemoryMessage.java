package io.flexigpt.cli;

import io.flexigpt.tensor.io.SafeTensorsFile;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;

/**
 * The one line an out-of-memory error becomes: the heap Java had, what the model given with {@code --model}
 * needs (its weights as loaded, counted from the safetensors headers, or estimated from the file size) and
 * how to give Java more.
 */
final class OutOfMemoryMessage {
    private OutOfMemoryMessage() {}

    static final double GB = 1e9;

    /** Whether {@code e} or one of its causes is an {@link OutOfMemoryError}. */
    static boolean isOutOfMemory(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) if (t instanceof OutOfMemoryError) return true;
        return false;
    }

    /** The message for a run with command-line {@code args}. */
    static String of(String[] args) {
        long heap = Runtime.getRuntime().maxMemory();
        StringBuilder sb = new StringBuilder("out of memory: Java's heap holds at most ").append(gb(heap));
        long weights = weightBytes(modelArgument(args));
        long suggested = heap * 2;
        if (weights > 0) {
            sb.append(", and the model's weights alone take about ")
                    .append(gb(weights))
                    .append(" in memory");
            // weights plus room for activations, the KV cache and (for training) adapters and their optimiser state
            suggested = Math.max(suggested, (long) (weights * 1.3) + (long) (2 * GB));
        }
        long ram = physicalMemory();
        sb.append("; give Java more memory, e.g. FLEXIGPT_JAVA_OPTS=-Xmx")
                .append((long) Math.ceil(suggested / GB))
                .append('g');
        if (ram > 0) sb.append(" (this machine has ").append(gb(ram)).append(" of RAM)");
        return sb.toString();
    }

    private static String gb(long bytes) {
        return String.format(Locale.ROOT, "%.1f GB", bytes / GB);
    }

    private static Path modelArgument(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--model") && i + 1 < args.length) return Paths.get(args[i + 1]);
            if (args[i].startsWith("--model=")) return Paths.get(args[i].substring("--model=".length()));
        }
        return null;
    }

    /**
     * The bytes a model directory's safetensors weights take once loaded (2 per element of a BF16/F16 matrix, which
     * stays 16-bit, 4 per other element); for a single file (llama2.c, GGUF) its size, which is the fp32 size of an fp32
     * file and less for 16- or 8-bit ones; -1 when unknown.
     */
    static long weightBytes(Path model) {
        if (model == null || !Files.exists(model)) return -1;
        try {
            if (!Files.isDirectory(model)) return Files.size(model);
            long bytes = 0;
            try (DirectoryStream<Path> files = Files.newDirectoryStream(model, "*.safetensors")) {
                for (Path f : files) {
                    try (SafeTensorsFile s = SafeTensorsFile.open(f)) {
                        for (String name : s.names()) {
                            SafeTensorsFile.TensorInfo t = s.info(name);
                            boolean half =
                                    (t.dtype().equals("BF16") || t.dtype().equals("F16")) && t.shape().length == 2;
                            bytes += (half ? 2 : 4) * t.numel();
                        }
                    }
                }
            }
            return bytes > 0 ? bytes : -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static long physicalMemory() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os)
            return os.getTotalMemorySize();
        return -1;
    }
}
