package io.flexigpt.nn.tokenizer;

import java.util.Arrays;

/** An open-addressing hash map from {@code long} keys to non-negative {@code int} values (absent: -1). */
final class LongIntMap {
    private long[] keys;
    private int[] values;
    private int size, mask;

    LongIntMap(int expected) {
        int capacity = Integer.highestOneBit(Math.max(4, expected) * 2 - 1) << 1;
        keys = new long[capacity];
        values = new int[capacity];
        Arrays.fill(values, -1);
        mask = capacity - 1;
    }

    /** The value of {@code key}, or -1. */
    int get(long key) {
        for (int i = slot(key); ; i = (i + 1) & mask) {
            if (values[i] < 0) return -1;
            if (keys[i] == key) return values[i];
        }
    }

    /** Stores {@code value} unless {@code key} already has one. */
    void putIfAbsent(long key, int value) {
        if (value < 0) throw new IllegalArgumentException("negative value " + value);
        if (2 * (size + 1) > keys.length) grow();
        int i = slot(key);
        while (values[i] >= 0) {
            if (keys[i] == key) return;
            i = (i + 1) & mask;
        }
        keys[i] = key;
        values[i] = value;
        size++;
    }

    private int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 29)) & mask;
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new int[oldKeys.length * 2];
        Arrays.fill(values, -1);
        mask = keys.length - 1;
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) if (oldValues[i] >= 0) putIfAbsent(oldKeys[i], oldValues[i]);
    }

    /** The key of an ordered pair of token ids. */
    static long pair(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }
}
