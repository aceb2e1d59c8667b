package io.flexigpt.nn.io;

import io.flexigpt.io.FormatException;
import io.flexigpt.io.ProgressListener;
import io.flexigpt.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Opens a checkpoint of any supported format, recognised by its content. */
public final class Checkpoints {
    private Checkpoints() {}

    /**
     * A Hugging Face directory ({@code config.json} + safetensors), a GGUF file (magic {@code GGUF}) or a
     * llama2.c {@code .bin} checkpoint.
     */
    public static Checkpoint load(Path path) throws IOException {
        return load(path, ProgressListener.NONE);
    }

    /**
     * As {@link #load(Path)}, reporting the bytes of tensor data read so far out of the checkpoint's total (Hugging Face
     * directories and GGUF files; a llama2.c file is read in one piece).
     */
    public static Checkpoint load(Path path, ProgressListener progress) throws IOException {
        if (!Files.exists(path))
            throw new NoSuchFileException(path.toString(), null, "no such checkpoint file or directory");
        if (Files.isDirectory(path)) return HfCheckpoint.read(path, progress);
        byte[] magic = new byte[4];
        int n;
        try (InputStream in = Files.newInputStream(path)) {
            n = in.readNBytes(magic, 0, 4);
        }
        if (n == 4 && magic[0] == 'G' && magic[1] == 'G' && magic[2] == 'U' && magic[3] == 'F')
            return GgufCheckpoint.read(path, progress);
        if (n < 4) throw new FormatException(path + ": " + n + " bytes is too short to be a checkpoint");
        return Llama2cCheckpoint.read(path);
    }

    /**
     * {@code t}, tensor {@code name} just read from {@code file}, when all its values are finite; a model with a NaN
     * or infinite weight computes nothing useful, so every loader refuses it here, naming file and tensor.
     */
    public static Tensor requireFinite(Path file, String name, Tensor t) throws FormatException {
        if (!t.isFinite())
            throw new FormatException(
                    file + ": tensor '" + name + "' holds NaN or infinite values; a model needs finite weights");
        return t;
    }
}
