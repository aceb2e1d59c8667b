package io.flexigpt.nn.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hugging Face's BPE model: a word starts as its characters (unknown ones as {@code <0xNN>} byte tokens
 * with byte fallback, else the unknown token, consecutive unknowns fused when asked), then merges apply
 * lowest rank first, leftmost on ties. Short words are cached.
 */
final class RankedBpe {
    private static final int CACHED_WORD_LENGTH = 48, CACHE_CAPACITY = 1 << 16;

    private final Map<String, Integer> vocab;
    private final LongIntMap mergeIndex;
    private final int[] mergedIds;
    private final boolean[] mergeable;
    private final int[] byteIds = new int[256];
    private final int unk;
    private final boolean byteFallback, fuseUnk, ignoreMerges;
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();

    /** {@code merges[r]} = {left id, right id, merged id} of the merge of rank r. */
    RankedBpe(
            Map<String, Integer> vocab,
            int[][] merges,
            int unk,
            boolean byteFallback,
            boolean fuseUnk,
            boolean ignoreMerges) {
        this.vocab = vocab;
        this.unk = unk;
        this.byteFallback = byteFallback;
        this.fuseUnk = fuseUnk;
        this.ignoreMerges = ignoreMerges;
        mergeIndex = new LongIntMap(merges.length);
        mergedIds = new int[merges.length];
        int size = 0;
        for (int id : vocab.values()) size = Math.max(size, id + 1);
        mergeable = new boolean[size];
        for (int r = 0; r < merges.length; r++) {
            mergeIndex.putIfAbsent(LongIntMap.pair(merges[r][0], merges[r][1]), r);
            mergedIds[r] = merges[r][2];
            mergeable[merges[r][0]] = mergeable[merges[r][1]] = true;
        }
        for (int b = 0; b < 256; b++) byteIds[b] = vocab.getOrDefault(String.format("<0x%02X>", b), -1);
    }

    private long rule(int left, int right) {
        int rank = mergeIndex.get(LongIntMap.pair(left, right));
        return rank < 0 ? PairMerger.NONE : ((long) rank << 32) | mergedIds[rank];
    }

    /** Appends the ids of one pre-tokenized word. */
    void encodeWord(String word, IdList out) {
        if (word.length() <= CACHED_WORD_LENGTH) {
            int[] cached = cache.get(word);
            if (cached == null) {
                cached = merge(word);
                if (cache.size() >= CACHE_CAPACITY) cache.clear();
                cache.put(word, cached);
            }
            out.addAll(cached, cached.length);
            return;
        }
        int[] ids = merge(word);
        out.addAll(ids, ids.length);
    }

    private int[] merge(String word) {
        Integer whole = ignoreMerges ? vocab.get(word) : null;
        if (whole != null) return new int[] {whole};
        int[] ids = new int[word.length() * 4];
        int n = 0;
        for (int i = 0; i < word.length(); ) {
            int cp = word.codePointAt(i);
            int len = Character.charCount(cp);
            Integer id = vocab.get(word.substring(i, i + len));
            i += len;
            if (id != null) {
                ids[n++] = id;
                continue;
            }
            byte[] utf8 =
                    byteFallback ? new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8) : new byte[0];
            boolean allBytesKnown = utf8.length > 0;
            for (byte b : utf8) allBytesKnown &= byteIds[b & 0xFF] >= 0;
            if (allBytesKnown) {
                for (byte b : utf8) ids[n++] = byteIds[b & 0xFF];
            } else if (unk >= 0 && !(fuseUnk && n > 0 && ids[n - 1] == unk)) {
                ids[n++] = unk;
            }
        }
        n = PairMerger.merge(ids, n, this::rule, mergeable);
        return Arrays.copyOf(ids, n);
    }
}
