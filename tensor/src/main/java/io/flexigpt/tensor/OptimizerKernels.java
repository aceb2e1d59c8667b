package io.flexigpt.tensor;

/**
 * In-place parameter update kernels for the optimisers in {@code autograd}: one pass over the parameter,
 * its gradient and its moment buffers (all of one shape, any layout).
 */
public final class OptimizerKernels {
    /** Elements per parallel chunk at least: below this a thread hand-off costs more than it saves. */
    private static final int PARALLEL_GRAIN = 1 << 14;

    private OptimizerKernels() {}

    /**
     * AdamW step: {@code p -= lr * (wd * p + mHat / (sqrt(vHat) + eps))} with the moments updated first and
     * bias corrections {@code bc1 = 1 - beta1^t}, {@code bc2 = 1 - beta2^t}.
     */
    public static void adamW(
            Tensor p,
            Tensor g,
            Tensor m,
            Tensor v,
            double lr,
            double beta1,
            double beta2,
            double eps,
            double weightDecay,
            double bc1,
            double bc2) {
        checkSame("adamW", p, g, m, v);
        p.requireWritable("adamW");
        if (p.f != null && allDense(p, g, m, v) && g.f != null && m.f != null && v.f != null) {
            float[] pf = p.f, gf = g.f, mf = m.f, vf = v.f;
            int po = p.offset, go = g.offset, mo = m.offset, vo = v.offset;
            // fp32 arithmetic, as for fp32 parameters elsewhere (it lets the JIT vectorise the loop); each
            // element on its own, so the same bits for any thread count
            float b1 = (float) beta1, c1 = (float) (1 - beta1), b2 = (float) beta2, c2 = (float) (1 - beta2);
            float rate = (float) lr,
                    decay = (float) weightDecay,
                    epsilon = (float) eps,
                    inv1 = (float) (1 / bc1),
                    inv2 = (float) (1 / bc2);
            Parallelism.forChunks(p.numel(), PARALLEL_GRAIN, (start, end) -> {
                for (int i = start; i < end; i++) {
                    float gi = gf[go + i];
                    float mi = b1 * mf[mo + i] + c1 * gi;
                    float vi = b2 * vf[vo + i] + c2 * gi * gi;
                    mf[mo + i] = mi;
                    vf[vo + i] = vi;
                    float pi = pf[po + i];
                    pf[po + i] = pi - rate * (decay * pi + mi * inv1 / ((float) Math.sqrt(vi * inv2) + epsilon));
                }
            });
            return;
        }
        int n = p.numel();
        int[] shape = p.shape;
        int[] idx = new int[shape.length];
        for (int k = 0; k < n; k++) {
            int ip = p.storageIndex(idx, "adamW"),
                    ig = g.storageIndex(idx, "adamW"),
                    im = m.storageIndex(idx, "adamW"),
                    iv = v.storageIndex(idx, "adamW");
            double gi = g.read(ig);
            double mi = beta1 * m.read(im) + (1 - beta1) * gi;
            double vi = beta2 * v.read(iv) + (1 - beta2) * gi * gi;
            m.write(im, mi);
            v.write(iv, vi);
            double pi = p.read(ip);
            p.write(ip, pi - lr * (weightDecay * pi + (mi / bc1) / (Math.sqrt(vi / bc2) + eps)));
            for (int ax = shape.length - 1; ax >= 0; ax--) {
                if (++idx[ax] < shape[ax]) break;
                idx[ax] = 0;
            }
        }
    }

    /**
     * SGD step with optional momentum buffer {@code buf} (null for none): {@code d = g + wd * p};
     * {@code buf = momentum * buf + d}; {@code p -= lr * (nesterov ? d + momentum * buf : buf)}.
     */
    public static void sgd(
            Tensor p, Tensor g, Tensor buf, double lr, double momentum, boolean nesterov, double weightDecay) {
        Tensor d = weightDecay == 0 ? g : g.add(p.mul(weightDecay));
        if (buf == null) {
            p.addInPlace(d, -lr);
            return;
        }
        checkSame("sgd", p, g, buf, buf);
        buf.mulInPlace(momentum);
        buf.addInPlace(d, 1);
        if (nesterov) {
            p.addInPlace(d, -lr);
            p.addInPlace(buf, -lr * momentum);
        } else {
            p.addInPlace(buf, -lr);
        }
    }

    private static boolean allDense(Tensor... ts) {
        for (Tensor t : ts) if (!t.isContiguous()) return false;
        return true;
    }

    private static void checkSame(String op, Tensor p, Tensor... others) {
        for (Tensor o : others) {
            if (!java.util.Arrays.equals(p.shape, o.shape)) {
                throw new ShapeException(op + ": buffer shape " + Shapes.str(o.shape) + " does not match parameter "
                        + Shapes.str(p.shape));
            }
        }
    }
}
