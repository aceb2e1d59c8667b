package io.flexigpt.tensor;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Rotary position embedding on {@code [batch, time, heads, headDim]}: each pair of features is rotated by
 * the angle {@code position * theta^(-2i/headDim)}. Interleaved pairs are (2i, 2i+1) (Meta, llama2.c,
 * GGUF); rotate-half pairs are (i, i + headDim/2) (Hugging Face). The cos/sin tables are cached in double
 * precision; fp32 tensors use them rounded to fp32 (as llama2.c computes them), fp64 tensors as they are,
 * so that an fp64 computation is accurate to fp64 throughout.
 */
final class Rope {
    private Rope() {}

    private static final ConcurrentHashMap<String, double[][]> TABLES = new ConcurrentHashMap<>();

    /** cos and sin tables of shape [positions][headDim/2], grown on demand. */
    private static double[][] tables(int headDim, double theta, int positions) {
        String key = headDim + "/" + theta;
        double[][] t = TABLES.get(key);
        if (t != null && t[0].length >= positions * (headDim / 2)) return t;
        int cap = Math.max(positions, t == null ? 64 : 2 * t[0].length / (headDim / 2));
        int half = headDim / 2;
        double[] cos = new double[cap * half], sin = new double[cap * half];
        for (int p = 0; p < cap; p++) {
            for (int i = 0; i < half; i++) {
                double freq = 1.0 / Math.pow(theta, (2.0 * i) / headDim);
                double angle = p * freq;
                cos[p * half + i] = Math.cos(angle);
                sin[p * half + i] = Math.sin(angle);
            }
        }
        double[][] grown = {cos, sin};
        TABLES.put(key, grown);
        return grown;
    }

    static Tensor apply(Tensor xStored, int positionOffset, double theta, RopeLayout layout, boolean inverse) {
        Tensor x = xStored.arithmetic();
        if (x.shape.length != 4 || x.shape[3] % 2 != 0) {
            throw new ShapeException(
                    "rope: expected [batch, time, heads, headDim] with even headDim, got " + Shapes.str(x.shape));
        }
        if (positionOffset < 0) throw new IllegalArgumentException("rope: negative position offset " + positionOffset);
        int b = x.shape[0], t = x.shape[1], h = x.shape[2], d = x.shape[3], half = d / 2;
        boolean interleaved = layout == RopeLayout.INTERLEAVED;
        double[][] tab = tables(d, theta, positionOffset + t);
        double[] cos = tab[0], sin = tab[1];
        Tensor xc = x.contiguous();
        Tensor out = Tensor.zeros(x.dtype(), x.shape);
        double sign = inverse ? -1 : 1;
        if (xc.f != null) {
            // fp32 storage read and written directly; the same double arithmetic as the generic loop, with the
            // table values rounded to fp32
            float[] xs = xc.f, os = out.f;
            int xo = xc.offset, step = interleaved ? 2 : 1, pair = interleaved ? 1 : half;
            Parallelism.forChunks(b * t, Math.max(1, (1 << 14) / Math.max(1, h * d)), (start, end) -> {
                for (int row = start; row < end; row++) {
                    int tabBase = (positionOffset + row % t) * half;
                    for (int hi = 0; hi < h; hi++) {
                        int base = (row * h + hi) * d;
                        for (int i = 0; i < half; i++) {
                            int ia = base + i * step, ib = ia + pair;
                            double c = (float) cos[tabBase + i], sn = sign * (float) sin[tabBase + i];
                            double xa = xs[xo + ia], xb = xs[xo + ib];
                            os[ia] = (float) (xa * c - xb * sn);
                            os[ib] = (float) (xa * sn + xb * c);
                        }
                    }
                }
            });
            return out;
        }
        for (int bi = 0; bi < b; bi++) {
            for (int ti = 0; ti < t; ti++) {
                int tabBase = (positionOffset + ti) * half;
                for (int hi = 0; hi < h; hi++) {
                    int base = ((bi * t + ti) * h + hi) * d;
                    for (int i = 0; i < half; i++) {
                        int ia = interleaved ? 2 * i : i, ib = interleaved ? 2 * i + 1 : i + half;
                        double c = cos[tabBase + i], s = sign * sin[tabBase + i];
                        double xa = xc.read(xc.offset + base + ia), xb = xc.read(xc.offset + base + ib);
                        out.write(base + ia, xa * c - xb * s);
                        out.write(base + ib, xa * s + xb * c);
                    }
                }
            }
        }
        return out;
    }
}
