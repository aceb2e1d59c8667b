package io.flexigpt.nn.tokenizer;

import java.util.Arrays;

/**
 * The BPE merge loop: repeatedly merge the adjacent pair of symbols with the lowest rank, the leftmost
 * one on ties, until no adjacent pair can merge. Symbols live in a linked list and candidate pairs in a
 * binary heap keyed by (rank, position); entries made stale by a neighbouring merge are skipped when
 * popped, so a text of n symbols costs O(n log n) instead of a rescan per merge.
 */
final class PairMerger {
    /** No merge for a pair. */
    static final long NONE = -1L;

    /** The merge rules of a vocabulary. */
    interface Rules {
        /** {@code (rank << 32) | mergedId} for a pair (lower rank merges first), or {@link #NONE}. */
        long lookup(int left, int right);
    }

    private final int[] tokens, next, prev, pairRank, pairMerged;
    private final Rules rules;
    private long[] heap = new long[64];
    private int heapSize;

    private PairMerger(int[] tokens, int n, Rules rules) {
        this.tokens = tokens;
        this.rules = rules;
        next = new int[n];
        prev = new int[n];
        pairRank = new int[n];
        pairMerged = new int[n];
    }

    /**
     * Merges {@code tokens[0..n)} in place; returns the number of symbols left at the front of the array.
     * A symbol whose id is not {@code mergeable} takes part in no rule, so no merge crosses it and the runs
     * between such symbols merge independently, with the same result as one pass (merges on either side
     * never depend on each other). Small runs keep the heap small and in cache.
     */
    static int merge(int[] tokens, int n, Rules rules, boolean[] mergeable) {
        if (n < 2) return n;
        PairMerger merger = new PairMerger(tokens, n, rules);
        int out = 0, start = 0;
        for (int i = 0; i <= n; i++) {
            if (i < n && mergeable[tokens[i]]) continue;
            int count = merger.run(start, i);
            System.arraycopy(tokens, start, tokens, out, count);
            out += count;
            if (i < n) tokens[out++] = tokens[i];
            start = i + 1;
        }
        return out;
    }

    /** Merges the run {@code tokens[from..to)}; the result is left at {@code tokens[from..)} and its length returned. */
    private int run(int from, int to) {
        if (to - from < 2) return to - from;
        for (int i = from; i < to; i++) {
            next[i] = i + 1 < to ? i + 1 : -1;
            prev[i] = i > from ? i - 1 : -1;
        }
        heapSize = 0;
        for (int i = from; i + 1 < to; i++) offer(i);
        while (heapSize > 0) {
            long key = poll();
            int at = (int) key;
            if (pairMerged[at] < 0 || pairRank[at] != (int) (key >> 32)) continue; // stale entry
            int right = next[at], after = next[right];
            tokens[at] = pairMerged[at];
            next[at] = after;
            if (after >= 0) prev[after] = at;
            pairMerged[right] = -1;
            if (prev[at] >= 0) offer(prev[at]);
            offer(at);
        }
        int count = 0;
        for (int i = from; i >= 0; i = next[i]) tokens[from + count++] = tokens[i];
        return count;
    }

    /** Records (and queues) the merge of the pair that starts at symbol {@code at}. */
    private void offer(int at) {
        int right = next[at];
        long rule = right < 0 ? NONE : rules.lookup(tokens[at], tokens[right]);
        if ((int) rule < 0) {
            pairMerged[at] = -1;
            return;
        }
        pairMerged[at] = (int) rule;
        pairRank[at] = (int) (rule >> 32);
        push((rule & 0xFFFFFFFF00000000L) | at);
    }

    private void push(long key) {
        if (heapSize == heap.length) heap = Arrays.copyOf(heap, heapSize * 2);
        int i = heapSize++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (heap[parent] <= key) break;
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = key;
    }

    private long poll() {
        long top = heap[0], last = heap[--heapSize];
        int i = 0;
        while (true) {
            int child = 2 * i + 1;
            if (child >= heapSize) break;
            if (child + 1 < heapSize && heap[child + 1] < heap[child]) child++;
            if (heap[child] >= last) break;
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = last;
        return top;
    }
}
