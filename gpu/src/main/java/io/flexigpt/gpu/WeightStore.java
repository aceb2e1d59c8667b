package io.flexigpt.gpu;

/**
 * Every constant (weight) buffer of one backend, packed into one array that stays bound to the weight
 * argument of a matmul kernel: Aparapi keeps one device copy per kernel argument, so weights that took
 * turns in one argument would be copied to the device at every product; packed, they are copied once,
 * and again only after new constants arrive. Grows by doubling, up to the 2^31 floats of a Java array.
 */
final class WeightStore {
    private final Object lock;
    private OpenClBuffer packed;
    private int used;

    WeightStore(Object lock) {
        this.lock = lock;
        this.packed = new OpenClBuffer(1024, lock);
    }

    /** Appends {@code values} and returns where they start. */
    int add(float[] values) {
        if (values.length > Integer.MAX_VALUE - 8 - used) {
            throw new IllegalStateException("the OpenCL weight store holds at most 2^31 floats (8 GiB); " + used
                    + " are used and " + values.length + " more were asked for");
        }
        int needed = used + values.length;
        if (needed > packed.length()) {
            int capacity = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(needed, 2L * packed.length()));
            OpenClBuffer grown = new OpenClBuffer(capacity, lock);
            synchronized (lock) {
                packed.ensureOnHost();
                System.arraycopy(packed.host, 0, grown.host, 0, used);
            }
            packed = grown;
        }
        int offset = used;
        packed.write(offset, values);
        used = needed;
        return offset;
    }

    /** The packed weights, to bind as a kernel input. */
    OpenClBuffer packed() {
        return packed;
    }

    /** A copy of {@code length} floats from {@code offset}. */
    float[] read(int offset, int length) {
        synchronized (lock) {
            packed.ensureOnHost();
            float[] out = new float[length];
            System.arraycopy(packed.host, offset, out, 0, length);
            return out;
        }
    }
}
