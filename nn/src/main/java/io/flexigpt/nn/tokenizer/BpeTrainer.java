package io.flexigpt.nn.tokenizer;

import io.flexigpt.io.AtomicFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Learns a byte-fallback BPE vocabulary from text and writes it as a llama2.c tokenizer file: {@code <unk>},
 * {@code <s>}, {@code </s>}, the 256 byte tokens, the frequent characters, then one piece per merge with score
 * {@code -rank} (so llama2.c's score-greedy merging replays the merges in the order they were learned).
 */
public final class BpeTrainer {
    private BpeTrainer() {}

    /** Learns a vocabulary of {@code vocabSize} tokens from the space-separated words of {@code texts} and writes it to {@code file}. */
    public static void train(List<String> texts, int vocabSize, Path file) throws IOException {
        Map<String, Integer> wordCounts = new HashMap<>();
        for (String t : texts)
            for (String w : t.split(" ")) if (!w.isEmpty()) wordCounts.merge(" " + w, 1, Integer::sum);
        Map<String, Integer> charCounts = new HashMap<>();
        for (Map.Entry<String, Integer> e : wordCounts.entrySet()) {
            e.getKey()
                    .codePoints()
                    .forEach(cp -> charCounts.merge(new String(Character.toChars(cp)), e.getValue(), Integer::sum));
        }
        Set<String> pieces = new LinkedHashSet<>();
        charCounts.entrySet().stream()
                .filter(e -> e.getValue() >= 20)
                .map(Map.Entry::getKey)
                .sorted()
                .forEach(pieces::add);
        List<List<String>> words = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        for (Map.Entry<String, Integer> e : wordCounts.entrySet()) {
            List<String> symbols = new ArrayList<>();
            e.getKey().codePoints().forEach(cp -> symbols.add(new String(Character.toChars(cp))));
            words.add(symbols);
            counts.add(e.getValue());
        }
        List<String> merges = new ArrayList<>();
        int budget = vocabSize - 259 - pieces.size();
        while (merges.size() < budget) {
            Map<String, Integer> pairs = new HashMap<>();
            for (int i = 0; i < words.size(); i++) {
                List<String> w = words.get(i);
                for (int j = 0; j + 1 < w.size(); j++) {
                    if (pieces.contains(w.get(j)) && pieces.contains(w.get(j + 1)))
                        pairs.merge(w.get(j) + "\u0000" + w.get(j + 1), counts.get(i), Integer::sum);
                }
            }
            String best = null;
            int bestCount = 1;
            for (Map.Entry<String, Integer> e : pairs.entrySet()) {
                if (e.getValue() > bestCount
                        || (e.getValue() == bestCount
                                && best != null
                                && e.getKey().compareTo(best) < 0)) {
                    best = e.getKey();
                    bestCount = e.getValue();
                }
            }
            if (best == null) break;
            String[] ab = best.split("\u0000", 2);
            String merged = ab[0] + ab[1];
            if (pieces.add(merged)) merges.add(merged);
            for (List<String> w : words) {
                for (int j = 0; j + 1 < w.size(); j++) {
                    if (w.get(j).equals(ab[0]) && w.get(j + 1).equals(ab[1])) {
                        w.set(j, merged);
                        w.remove(j + 1);
                    }
                }
            }
        }
        write(pieces, merges, file);
    }

    private static void write(Set<String> pieces, List<String> merges, Path file) throws IOException {
        List<String> vocab = new ArrayList<>(List.of("<unk>", "\n<s>\n", "\n</s>\n"));
        List<Float> scores = new ArrayList<>(List.of(0f, 0f, 0f));
        for (int b = 0; b < 256; b++) {
            vocab.add(String.format("<0x%02X>", b));
            scores.add(0f);
        }
        Set<String> mergedSet = new LinkedHashSet<>(merges);
        for (String p : pieces) {
            if (mergedSet.contains(p)) continue;
            vocab.add(p);
            scores.add(0f);
        }
        for (int r = 0; r < merges.size(); r++) {
            vocab.add(merges.get(r));
            scores.add((float) -r);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int maxLen = 1;
        for (String v : vocab) maxLen = Math.max(maxLen, v.getBytes(StandardCharsets.UTF_8).length);
        out.write(ByteBuffer.allocate(4)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putInt(maxLen)
                .array());
        for (int i = 0; i < vocab.size(); i++) {
            byte[] b = vocab.get(i).getBytes(StandardCharsets.UTF_8);
            out.write(ByteBuffer.allocate(8)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .putFloat(scores.get(i))
                    .putInt(b.length)
                    .array());
            out.write(b);
        }
        AtomicFiles.write(file, out.toByteArray());
    }
}
