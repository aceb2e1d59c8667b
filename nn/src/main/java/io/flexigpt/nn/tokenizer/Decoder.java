package io.flexigpt.nn.tokenizer;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** One step of a Hugging Face decoder chain, turning token strings into text. */
interface Decoder {
    List<String> decode(List<String> tokens);

    /** Replaces a literal string in every token. */
    static Decoder replace(String pattern, String content) {
        return tokens -> tokens.stream().map(t -> t.replace(pattern, content)).toList();
    }

    /** Turns runs of {@code <0xNN>} tokens into the text of their bytes (U+FFFD per byte if not valid UTF-8). */
    static Decoder byteFallback() {
        return tokens -> {
            List<String> out = new ArrayList<>();
            ByteBuffer run = ByteBuffer.allocate(tokens.size());
            for (String t : tokens) {
                int b = Llama2cTokenizer.byteValue(t);
                if (b >= 0) {
                    run.put((byte) b);
                    continue;
                }
                flushBytes(run, out);
                out.add(t);
            }
            flushBytes(run, out);
            return out;
        };
    }

    private static void flushBytes(ByteBuffer run, List<String> out) {
        if (run.position() == 0) return;
        run.flip();
        int count = run.remaining();
        try {
            out.add(StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(run)
                    .toString());
        } catch (CharacterCodingException e) {
            out.add("\uFFFD".repeat(count));
        }
        run.clear();
    }

    /** Joins all tokens into one. */
    static Decoder fuse() {
        return tokens -> List.of(String.join("", tokens));
    }

    /** Removes up to {@code start} leading and {@code stop} trailing {@code content} characters from each token. */
    static Decoder strip(char content, int start, int stop) {
        return tokens -> tokens.stream()
                .map(t -> {
                    int from = 0, to = t.length();
                    while (from < start && from < to && t.charAt(from) == content) from++;
                    while (t.length() - to < stop && to > from && t.charAt(to - 1) == content) to--;
                    return t.substring(from, to);
                })
                .toList();
    }

    /** Joins the tokens and maps byte-level characters back to bytes, decoded as UTF-8 (invalid bytes become U+FFFD). */
    static Decoder byteLevel() {
        return tokens -> List.of(new String(ByteLevelAlphabet.decode(String.join("", tokens)), StandardCharsets.UTF_8));
    }

    /** {@code replacement} becomes a space; the first token loses its leading space when a prefix was prepended. */
    static Decoder metaspace(char replacement, boolean prepended) {
        return tokens -> {
            List<String> out = new ArrayList<>(tokens.size());
            for (String t : tokens) {
                String s = t.replace(replacement, ' ');
                out.add(prepended && out.isEmpty() && s.startsWith(" ") ? s.substring(1) : s);
            }
            return out;
        };
    }

    /** Applies the steps in order. */
    static Decoder sequence(List<Decoder> steps) {
        return tokens -> {
            for (Decoder step : steps) tokens = step.decode(tokens);
            return tokens;
        };
    }
}
