package io.flexigpt.gpu;

import com.aparapi.Range;
import com.aparapi.device.OpenCLDevice;
import io.flexigpt.tensor.backend.AttentionShape;
import io.flexigpt.tensor.backend.BackendUnavailableException;
import io.flexigpt.tensor.backend.MatmulShape;
import io.flexigpt.tensor.backend.RopeShape;
import io.flexigpt.tensor.backend.RowsShape;
import java.util.List;

/** The compiled kernels of one {@link OpenClBackend}, their argument slots and launch geometry. */
final class Kernels {
    private final OpenCLDevice device;
    final int tile;

    private final DeviceKernel<MatmulKernel> matmul;
    private final DeviceKernel<MatmulKernel>.Slot matmulA, matmulB, matmulC;
    private final DeviceKernel<MatmulKernel> weightMatmul;
    private final DeviceKernel<MatmulKernel>.Slot weightA, weights, weightC;
    private final DeviceKernel<SoftmaxKernel> softmax;
    private final DeviceKernel<SoftmaxKernel>.Slot softmaxX, softmaxOut;
    private final DeviceKernel<RmsNormKernel> rmsNorm;
    private final DeviceKernel<RmsNormKernel>.Slot rmsNormX, rmsNormGain, rmsNormOut;
    private final DeviceKernel<RopeKernel> rope;
    private final DeviceKernel<RopeKernel>.Slot ropeX, ropeOut;
    private final DeviceKernel<ElementwiseKernel> elementwise;
    private final DeviceKernel<ElementwiseKernel>.Slot elementA, elementB, elementOut;
    private final DeviceKernel<AttentionKernel> attention;
    private final DeviceKernel<AttentionKernel>.Slot attentionQ,
            attentionK,
            attentionV,
            attentionKCache,
            attentionVCache,
            attentionOut;
    private final OpenClBuffer unusedOperand;

    Kernels(OpenCLDevice device, int maxTile, Object lock) throws BackendUnavailableException {
        this.device = device;
        matmul = new DeviceKernel<>(new MatmulKernel(), device);
        MatmulKernel mk = matmul.kernel;
        matmulA = matmul.slot(x -> mk.a = x);
        matmulB = matmul.slot(x -> mk.b = x);
        matmulC = matmul.slot(x -> mk.c = x);
        weightMatmul = new DeviceKernel<>(new MatmulKernel(), device);
        MatmulKernel wk = weightMatmul.kernel;
        weightA = weightMatmul.slot(x -> wk.a = x);
        weights = weightMatmul.slot(x -> wk.b = x);
        weightC = weightMatmul.slot(x -> wk.c = x);
        softmax = new DeviceKernel<>(new SoftmaxKernel(), device);
        SoftmaxKernel sk = softmax.kernel;
        softmaxX = softmax.slot(x -> sk.x = x);
        softmaxOut = softmax.slot(x -> sk.out = x);
        rmsNorm = new DeviceKernel<>(new RmsNormKernel(), device);
        RmsNormKernel nk = rmsNorm.kernel;
        rmsNormX = rmsNorm.slot(x -> nk.x = x);
        rmsNormGain = rmsNorm.slot(x -> nk.gain = x);
        rmsNormOut = rmsNorm.slot(x -> nk.out = x);
        rope = new DeviceKernel<>(new RopeKernel(), device);
        RopeKernel rk = rope.kernel;
        ropeX = rope.slot(x -> rk.x = x);
        ropeOut = rope.slot(x -> rk.out = x);
        elementwise = new DeviceKernel<>(new ElementwiseKernel(), device);
        ElementwiseKernel ek = elementwise.kernel;
        elementA = elementwise.slot(x -> ek.a = x);
        elementB = elementwise.slot(x -> ek.b = x);
        elementOut = elementwise.slot(x -> ek.out = x);
        attention = new DeviceKernel<>(new AttentionKernel(), device);
        AttentionKernel ak = attention.kernel;
        attentionQ = attention.slot(x -> ak.q = x);
        attentionK = attention.slot(x -> ak.kNew = x);
        attentionV = attention.slot(x -> ak.vNew = x);
        attentionKCache = attention.slot(x -> ak.kCache = x);
        attentionVCache = attention.slot(x -> ak.vCache = x);
        attentionOut = attention.slot(x -> ak.out = x);
        unusedOperand = new OpenClBuffer(1, lock);
        for (DeviceKernel<?> k : all()) k.warmUp();
        tile = LaunchGeometry.matmulTile(
                matmul.maxGroupSize(),
                MatmulKernel.OUTPUTS_PER_ITEM,
                MatmulKernel.MIN_TILE,
                device.getLocalMemSize(),
                maxTile);
        if (tile * tile / MatmulKernel.OUTPUTS_PER_ITEM > matmul.maxGroupSize()
                || 2L * tile * tile * Float.BYTES > device.getLocalMemSize()) {
            throw new BackendUnavailableException(device.getName().trim()
                    + " is too small for the smallest matmul tile (" + tile + "×" + tile + "): work-groups up to "
                    + matmul.maxGroupSize() + ", " + device.getLocalMemSize() + " bytes of local memory");
        }
        mk.setTile(tile);
        wk.setTile(tile);
    }

    private List<DeviceKernel<?>> all() {
        return List.of(matmul, weightMatmul, softmax, rmsNorm, rope, elementwise, attention);
    }

    /** Bytes copied from host to device by every kernel so far. */
    long bytesToDevice() {
        long sum = 0;
        for (DeviceKernel<?> k : all()) sum += k.bytesToDevice();
        return sum;
    }

    void matmul(MatmulShape s, OpenClBuffer a, OpenClBuffer b, OpenClBuffer c) {
        product(matmul, s, 0);
        matmul.input(matmulA, a);
        matmul.input(matmulB, b);
        matmul.output(matmulC, c);
        launch(matmul, s);
    }

    /** A product whose B is a constant: read in place from the packed weights, which stay on the device. */
    void matmul(MatmulShape s, OpenClBuffer a, OpenClConstant b, OpenClBuffer c) {
        product(weightMatmul, s, b.offset);
        weightMatmul.input(weightA, a);
        weightMatmul.input(weights, b.store.packed());
        weightMatmul.output(weightC, c);
        launch(weightMatmul, s);
    }

    private static void product(DeviceKernel<MatmulKernel> kernel, MatmulShape s, int bOffset) {
        MatmulKernel k = kernel.kernel;
        k.m = s.m();
        k.n = s.n();
        k.k = s.k();
        k.transA = s.transA() ? 1 : 0;
        k.transB = s.transB() ? 1 : 0;
        k.bOffset = bOffset;
    }

    private void launch(DeviceKernel<MatmulKernel> kernel, MatmulShape s) {
        kernel.execute(Range.create3D(
                device,
                LaunchGeometry.roundUp(s.n(), tile) / MatmulKernel.COLUMNS_PER_ITEM,
                LaunchGeometry.roundUp(s.m(), tile) / MatmulKernel.ROWS_PER_ITEM,
                s.batch(),
                tile / MatmulKernel.COLUMNS_PER_ITEM,
                tile / MatmulKernel.ROWS_PER_ITEM,
                1));
    }

    void softmax(RowsShape s, OpenClBuffer x, OpenClBuffer out) {
        softmax.kernel.rows = s.rows();
        softmax.kernel.cols = s.cols();
        softmax.input(softmaxX, x);
        softmax.output(softmaxOut, out);
        softmax.execute(range1D(softmax, s.rows()));
    }

    void rmsNorm(RowsShape s, OpenClBuffer x, OpenClBuffer gain, float eps, OpenClBuffer out) {
        RmsNormKernel k = rmsNorm.kernel;
        k.rows = s.rows();
        k.cols = s.cols();
        k.eps = eps;
        rmsNorm.input(rmsNormX, x);
        rmsNorm.input(rmsNormGain, gain);
        rmsNorm.output(rmsNormOut, out);
        rmsNorm.execute(range1D(rmsNorm, s.rows()));
    }

    void rope(RopeShape s, boolean interleaved, int[] positions, OpenClBuffer x, OpenClBuffer out) {
        RopeKernel k = rope.kernel;
        k.rows = s.rows();
        k.heads = s.heads();
        k.headDim = s.headDim();
        k.interleaved = interleaved ? 1 : 0;
        k.theta = s.theta();
        k.positions = positions.clone();
        rope.put(k.positions);
        rope.input(ropeX, x);
        rope.output(ropeOut, out);
        rope.execute(range1D(rope, s.rows() * s.heads() * (s.headDim() / 2)));
    }

    void elementwise(int op, OpenClBuffer a, OpenClBuffer b, float factor, OpenClBuffer out) {
        elementwise(op, a, b, factor, 1, out);
    }

    /** {@code cols} is the row length for {@link ElementwiseKernel#MUL_ROWS}, where {@code b} holds one row. */
    void elementwise(int op, OpenClBuffer a, OpenClBuffer b, float factor, int cols, OpenClBuffer out) {
        ElementwiseKernel k = elementwise.kernel;
        k.op = op;
        k.cols = cols;
        k.length = a.length();
        k.factor = factor;
        elementwise.input(elementA, a);
        elementwise.input(elementB, b == null ? unusedOperand : b);
        elementwise.output(elementOut, out);
        elementwise.execute(range1D(elementwise, a.length()));
    }

    void attention(
            AttentionShape s,
            OpenClBuffer q,
            OpenClBuffer kk,
            OpenClBuffer v,
            OpenClBuffer kCache,
            OpenClBuffer vCache,
            int cacheOffset,
            OpenClBuffer out) {
        AttentionKernel k = attention.kernel;
        k.queries = s.queries();
        k.keys = s.keys();
        k.heads = s.heads();
        k.group = s.group();
        k.headDim = s.headDim();
        k.kvStride = s.kvHeads() * s.headDim();
        k.scale = (float) (1 / Math.sqrt(s.headDim()));
        k.cacheOffset = cacheOffset;
        attention.input(attentionQ, q);
        attention.input(attentionK, kk);
        attention.input(attentionV, v);
        attention.inputOutput(attentionKCache, kCache);
        attention.inputOutput(attentionVCache, vCache);
        attention.output(attentionOut, out);
        attention.execute(range1D(attention, s.queries() * s.heads()));
    }

    private Range range1D(DeviceKernel<?> kernel, int items) {
        int group = LaunchGeometry.groupSize(items, kernel.maxGroupSize(), device.getMaxComputeUnits());
        return Range.create(device, LaunchGeometry.roundUp(items, group), group);
    }

    void dispose() {
        for (DeviceKernel<?> k : all()) k.dispose();
    }
}
