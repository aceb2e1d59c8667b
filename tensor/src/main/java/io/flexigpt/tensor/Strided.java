package io.flexigpt.tensor;

/**
 * Walks tensors of one shape in row-major order, handing the inner loop the storage offsets and
 * strides of the last axis. Every generic (non-vectorised) op is written on top of this.
 */
final class Strided {
    private Strided() {}

    /** Receives one run along the last axis: {@code n} elements, with per-tensor start offsets and strides. */
    interface Row2 {
        void run(int n, int oa, int sa, int ob, int sb);
    }

    interface Row3 {
        void run(int n, int oa, int sa, int ob, int sb, int oc, int sc);
    }

    /** Iterates two tensors of the same shape (already broadcast) in row-major order. */
    static void forEach(int[] shape, Tensor a, Tensor b, Row2 row) {
        int rank = shape.length;
        if (Shapes.numel(shape) == 0) return;
        if (rank == 0) {
            row.run(1, a.offset, 0, b.offset, 0);
            return;
        }
        int last = rank - 1, n = shape[last];
        int[] idx = new int[rank];
        int oa = a.offset, ob = b.offset;
        while (true) {
            row.run(n, oa, a.strides[last], ob, b.strides[last]);
            int ax = last - 1;
            while (ax >= 0) {
                idx[ax]++;
                oa += a.strides[ax];
                ob += b.strides[ax];
                if (idx[ax] < shape[ax]) break;
                oa -= a.strides[ax] * shape[ax];
                ob -= b.strides[ax] * shape[ax];
                idx[ax] = 0;
                ax--;
            }
            if (ax < 0) return;
        }
    }

    /** Iterates three tensors of the same shape (already broadcast) in row-major order. */
    static void forEach(int[] shape, Tensor a, Tensor b, Tensor c, Row3 row) {
        int rank = shape.length;
        if (Shapes.numel(shape) == 0) return;
        if (rank == 0) {
            row.run(1, a.offset, 0, b.offset, 0, c.offset, 0);
            return;
        }
        int last = rank - 1, n = shape[last];
        int[] idx = new int[rank];
        int oa = a.offset, ob = b.offset, oc = c.offset;
        while (true) {
            row.run(n, oa, a.strides[last], ob, b.strides[last], oc, c.strides[last]);
            int ax = last - 1;
            while (ax >= 0) {
                idx[ax]++;
                oa += a.strides[ax];
                ob += b.strides[ax];
                oc += c.strides[ax];
                if (idx[ax] < shape[ax]) break;
                oa -= a.strides[ax] * shape[ax];
                ob -= b.strides[ax] * shape[ax];
                oc -= c.strides[ax] * shape[ax];
                idx[ax] = 0;
                ax--;
            }
            if (ax < 0) return;
        }
    }

    /** Copies {@code src} into {@code dst} (same shape, any layouts, any dtypes). */
    static void copy(Tensor src, Tensor dst) {
        forEach(src.shape, src, dst, (n, os, ss, od, sd) -> {
            if (src.h != null && dst.h != null && src.dtype() == dst.dtype()) {
                for (int i = 0; i < n; i++) dst.h[od + i * sd] = src.h[os + i * ss];
            } else if (src.f != null && dst.f != null) {
                if (ss == 1 && sd == 1) {
                    System.arraycopy(src.f, os, dst.f, od, n);
                } else {
                    for (int i = 0; i < n; i++) dst.f[od + i * sd] = src.f[os + i * ss];
                }
            } else {
                for (int i = 0; i < n; i++) dst.write(od + i * sd, src.read(os + i * ss));
            }
        });
    }
}
