package io.flexigpt.nn.train;

import io.flexigpt.io.AtomicFiles;
import io.flexigpt.io.ContentDigest;
import io.flexigpt.nn.tokenizer.Tokenizer;
import io.flexigpt.nn.tokenizer.Tokenizers;
import io.flexigpt.tensor.Rng;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A stream of token ids for language-model training: documents encoded with BOS and concatenated, split
 * into a training part and a held-out part (the last documents). Encoding is cached on disk, keyed by the
 * content of the text and of the tokenizer file, so a corpus is tokenised once per tokenizer.
 */
public final class TokenDataset {
    private final int[] train;
    private final int[] heldOut;

    public TokenDataset(int[] train, int[] heldOut) {
        this.train = train;
        this.heldOut = heldOut;
    }

    public int[] train() {
        return train;
    }

    public int[] heldOut() {
        return heldOut;
    }

    /**
     * Splits {@code text} into documents at lines equal to {@code separator} (or at blank lines when it is
     * null), encodes each with BOS, and keeps the last {@code heldOutFraction} (in [0, 1)) of the documents
     * apart. At least one document must remain for training.
     */
    public static TokenDataset encode(String text, Tokenizer tokenizer, String separator, double heldOutFraction) {
        checkFraction(heldOutFraction);
        List<String> docs = documents(text, separator);
        int heldOutDocs = (int) Math.round(docs.size() * heldOutFraction);
        if (heldOutFraction > 0 && heldOutDocs == 0 && docs.size() > 1) heldOutDocs = 1;
        int cut = docs.size() - heldOutDocs;
        if (docs.isEmpty())
            throw new IllegalArgumentException("the text holds no documents (only blank lines or separators)");
        if (cut == 0) {
            throw new IllegalArgumentException("heldOutFraction " + heldOutFraction + " of " + docs.size()
                    + " document(s) holds out all of them: none is left for training");
        }
        return new TokenDataset(
                encodeAll(docs.subList(0, cut), tokenizer), encodeAll(docs.subList(cut, docs.size()), tokenizer));
    }

    /**
     * Like {@link #encode} but reads {@code file} and caches the result under {@code cacheDir}, keyed by the
     * content of the text and of {@code tokenizerFile} (the file or directory {@code tokenizer} was loaded
     * from, see {@link Tokenizers#file}): a tokenizer replaced at the same path gets a new cache.
     */
    public static TokenDataset load(
            Path file, Tokenizer tokenizer, Path tokenizerFile, String separator, double heldOutFraction, Path cacheDir)
            throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        String key = ContentDigest.sha256()
                .bytes(bytes)
                .file(Tokenizers.file(tokenizerFile))
                .text(separator + "|" + heldOutFraction)
                .hex(24);
        Path cached = cacheDir.resolve("tokens-" + key + ".bin");
        if (Files.exists(cached)) {
            TokenDataset d = read(cached);
            if (d != null) return d;
        }
        TokenDataset d = encode(new String(bytes, StandardCharsets.UTF_8), tokenizer, separator, heldOutFraction);
        try {
            Files.createDirectories(cacheDir);
            write(d, cached);
        } catch (IOException e) {
            // the cache only saves time: without it the next run encodes the text again
            System.err.println(
                    "warning: could not write the token cache " + cached + " (" + e + "); continuing without it");
        }
        return d;
    }

    /** The documents of {@code text}: its parts between lines equal to {@code separator} (blank lines when null), stripped, empty ones left out. */
    public static List<String> documents(String text, String separator) {
        List<String> docs = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            boolean boundary = separator == null ? line.isBlank() : line.trim().equals(separator);
            if (boundary) {
                if (current.length() > 0) docs.add(current.toString().strip());
                current.setLength(0);
            } else {
                if (current.length() > 0) current.append('\n');
                current.append(line);
            }
        }
        if (!current.toString().isBlank()) docs.add(current.toString().strip());
        return docs;
    }

    /** The documents encoded each with BOS and concatenated. */
    public static int[] encodeAll(List<String> docs, Tokenizer tokenizer) {
        List<int[]> parts = new ArrayList<>();
        int total = 0;
        for (String doc : docs) {
            int[] ids = tokenizer.encode(doc, true, false);
            parts.add(ids);
            total += ids.length;
        }
        int[] all = new int[total];
        int at = 0;
        for (int[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    /** {@code batch} random windows of {@code length + 1} tokens from the training stream (inputs and shifted targets). */
    public Batch sample(Rng rng, int batch, int length) {
        return window(train, rng, batch, length);
    }

    static Batch window(int[] tokens, Rng rng, int batch, int length) {
        checkWindows(batch, length);
        if (tokens.length < length + 1)
            throw new IllegalArgumentException(
                    "dataset of " + tokens.length + " tokens is shorter than one window of " + (length + 1));
        int[][] in = new int[batch][length], target = new int[batch][length];
        for (int b = 0; b < batch; b++) {
            int start = rng.nextInt(tokens.length - length);
            System.arraycopy(tokens, start, in[b], 0, length);
            System.arraycopy(tokens, start + 1, target[b], 0, length);
        }
        return new Batch(in, target);
    }

    /** Consecutive non-overlapping held-out windows (the first {@code maxWindows}), for a deterministic held-out loss. */
    public List<Batch> heldOutBatches(int batch, int length, int maxWindows) {
        checkWindows(batch, length);
        if (maxWindows < 0) throw new IllegalArgumentException("maxWindows must be >= 0, got " + maxWindows);
        List<Batch> out = new ArrayList<>();
        int windows = Math.min(maxWindows, (heldOut.length - 1) / length);
        for (int w = 0; w < windows; w += batch) {
            int n = Math.min(batch, windows - w);
            int[][] in = new int[n][length], target = new int[n][length];
            for (int b = 0; b < n; b++) {
                int start = (w + b) * length;
                System.arraycopy(heldOut, start, in[b], 0, length);
                System.arraycopy(heldOut, start + 1, target[b], 0, length);
            }
            out.add(new Batch(in, target));
        }
        return out;
    }

    private static void checkFraction(double heldOutFraction) {
        if (!(heldOutFraction >= 0 && heldOutFraction < 1))
            throw new IllegalArgumentException("heldOutFraction must be in [0, 1), got " + heldOutFraction);
    }

    private static void checkWindows(int batch, int length) {
        if (batch < 1) throw new IllegalArgumentException("batch must be >= 1 window, got " + batch);
        if (length < 1) throw new IllegalArgumentException("window length must be >= 1 token, got " + length);
    }

    private static void write(TokenDataset d, Path file) throws IOException {
        ByteBuffer buf =
                ByteBuffer.allocate(8 + 4 * (d.train.length + d.heldOut.length)).order(ByteOrder.LITTLE_ENDIAN);
        buf.putInt(d.train.length).putInt(d.heldOut.length);
        for (int t : d.train) buf.putInt(t);
        for (int t : d.heldOut) buf.putInt(t);
        AtomicFiles.write(file, buf.array());
    }

    /** The cached dataset, or null when the cache file is damaged (it is then rebuilt). */
    private static TokenDataset read(Path file) throws IOException {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readAllBytes();
        }
        if (bytes.length < 8) return null;
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int nTrain = buf.getInt(), nHeld = buf.getInt();
        if (nTrain < 0 || nHeld < 0 || 8L + 4L * ((long) nTrain + nHeld) != bytes.length) return null;
        int[] train = new int[nTrain], held = new int[nHeld];
        for (int i = 0; i < nTrain; i++) train[i] = buf.getInt();
        for (int i = 0; i < nHeld; i++) held[i] = buf.getInt();
        return new TokenDataset(train, held);
    }

    /** Inputs and next-token targets, {@code [batch][length]} each. */
    public record Batch(int[][] inputs, int[][] targets) {
        public int tokens() {
            return inputs.length * inputs[0].length;
        }

        public int[] flatTargets() {
            int n = inputs[0].length;
            int[] flat = new int[inputs.length * n];
            for (int b = 0; b < inputs.length; b++) System.arraycopy(targets[b], 0, flat, b * n, n);
            return flat;
        }
    }
}
