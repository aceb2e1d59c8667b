package io.flexigpt.nn.tokenizer;

import java.util.PriorityQueue;

/**
 * The BPE merge loop shared by every tokenizer: repeatedly merge the adjacent pair with the highest
 * priority (leftmost on ties) until no pair can merge. A priority queue with lazy invalidation keeps it
 * O(n log n) instead of rescanning all pairs after each merge.
 */
final class ScoreMerger {
    private ScoreMerger() {}

    /** What two adjacent tokens merge into: the merged id, or -1. */
    interface Rule {
        int merge(int left, int right);

        /** Higher merges first. */
        double priority(int mergedId, int left, int right);
    }

    private record Candidate(double priority, int position, int left, int right, int merged) {}

    static int[] merge(int[] ids, Rule rule) {
        int n = ids.length;
        if (n < 2) return ids.clone();
        int[] tok = ids.clone(), next = new int[n], prev = new int[n];
        boolean[] alive = new boolean[n];
        for (int i = 0; i < n; i++) {
            next[i] = i + 1 < n ? i + 1 : -1;
            prev[i] = i - 1;
            alive[i] = true;
        }
        PriorityQueue<Candidate> queue = new PriorityQueue<>((a, b) -> a.priority != b.priority ? Double.compare(b.priority, a.priority) : Integer.compare(a.position, b.position));
        for (int i = 0; i + 1 < n; i++) offer(queue, rule, i, tok[i], tok[i + 1]);
        int count = n;
        while (!queue.isEmpty()) {
            Candidate c = queue.poll();
            int l = c.position, r = next[l];
            if (!alive[l] || r < 0 || tok[l] != c.left || tok[r] != c.right) continue;
            tok[l] = c.merged;
            alive[r] = false;
            next[l] = next[r];
            if (next[r] >= 0) prev[next[r]] = l;
            count--;
            if (prev[l] >= 0) offer(queue, rule, prev[l], tok[prev[l]], tok[l]);
            if (next[l] >= 0) offer(queue, rule, l, tok[l], tok[next[l]]);
        }
        int[] out = new int[count];
        for (int i = 0, k = 0; i >= 0 && k < count; i = next[i]) out[k++] = tok[i];
        return out;
    }

    private static void offer(PriorityQueue<Candidate> q, Rule rule, int position, int left, int right) {
        int merged = rule.merge(left, right);
        if (merged >= 0) q.add(new Candidate(rule.priority(merged, left, right), position, left, right, merged));
    }
}
