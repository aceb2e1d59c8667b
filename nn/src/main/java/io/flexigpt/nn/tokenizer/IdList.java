package io.flexigpt.nn.tokenizer;

import java.util.Arrays;

/** A growable list of token ids. */
final class IdList {
    private int[] ids = new int[64];
    private int size;

    void add(int id) {
        if (size == ids.length) ids = Arrays.copyOf(ids, size * 2);
        ids[size++] = id;
    }

    void addAll(int[] more, int count) {
        if (size + count > ids.length) ids = Arrays.copyOf(ids, Math.max(ids.length * 2, size + count));
        System.arraycopy(more, 0, ids, size, count);
        size += count;
    }

    int[] toArray() {
        return Arrays.copyOf(ids, size);
    }
}
