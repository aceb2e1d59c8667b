package io.flexigpt.nn;

import static io.flexigpt.tensor.testing.SeededTheory.qt;
import static org.junit.jupiter.api.Assertions.*;
import static org.quicktheories.generators.SourceDSL.*;

import io.flexigpt.autograd.NoGrad;
import io.flexigpt.tensor.RopeLayout;
import io.flexigpt.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Incremental decoding with a {@link KvCache} computes the same logits as one full forward pass: for
 * grouped-query and plain attention, both RoPE layouts, any prompt length and any later chunking.
 */
class KvCacheConsistencyTest {
    /**
     * Relative to 1 + the row's largest |logit|. fp32 rounding of the cached keys and values, carried through two
     * blocks of spread-0.5 weights, reaches about 2e-5 in rare cases; a wrong position or cache slot gives 1e-2 or more.
     */
    static final double TOLERANCE = 1e-4;

    static Gen<LlamaConfig> configs() {
        return TinyModels.configs();
    }

    @Test
    void promptThenSingleStepsMatchesFullForward() {
        qt(100).forAll(configs(), integers().between(1, 11), integers().between(1, 11), longs().all())
                .checkAssert((config, length, promptSeed, seed) -> {
                    int prompt = 1 + promptSeed % length;
                    LlamaModel model = TinyModels.model(config, seed);
                    int[] tokens = TinyModels.tokens(seed, length, config.vocabSize());
                    Tensor full = model.logits(tokens);
                    try (NoGrad ignored = NoGrad.enter()) {
                        KvCache cache = KvCache.forModel(model, 1, length);
                        assertRowsMatch(
                                full,
                                0,
                                model.forward(new int[][] {slice(tokens, 0, prompt)}, 0, cache, null)
                                        .value()
                                        .select(0, 0));
                        for (int t = prompt; t < length; t++) {
                            assertRowsMatch(
                                    full,
                                    t,
                                    model.forward(new int[][] {{tokens[t]}}, t, cache, null)
                                            .value()
                                            .select(0, 0));
                        }
                    }
                });
    }

    @Test
    void arbitraryChunksMatchFullForward() {
        qt(60).forAll(configs(), integers().between(2, 13), longs().all()).checkAssert((config, length, seed) -> {
            LlamaModel model = TinyModels.model(config, seed);
            int[] tokens = TinyModels.tokens(seed + 1, length, config.vocabSize());
            Tensor full = model.logits(tokens);
            Random r = new Random(seed);
            try (NoGrad ignored = NoGrad.enter()) {
                KvCache cache = KvCache.forModel(model, 1, length + r.nextInt(3));
                for (int start = 0; start < length; ) {
                    int end = Math.min(length, start + 1 + r.nextInt(4));
                    assertRowsMatch(
                            full,
                            start,
                            model.forward(new int[][] {slice(tokens, start, end)}, start, cache, null)
                                    .value()
                                    .select(0, 0));
                    start = end;
                }
            }
        });
    }

    @Test
    void batchedCachedDecodingMatchesEachSequenceAlone() {
        qt(40).forAll(configs(), integers().between(1, 7), longs().all()).checkAssert((config, length, seed) -> {
            LlamaModel model = TinyModels.model(config, seed);
            int[][] rows = {
                TinyModels.tokens(seed, length, config.vocabSize()),
                TinyModels.tokens(seed + 9, length, config.vocabSize())
            };
            Tensor[] alone = {model.logits(rows[0]), model.logits(rows[1])};
            try (NoGrad ignored = NoGrad.enter()) {
                KvCache cache = KvCache.forModel(model, 2, length);
                int prompt = (int) Math.floorMod(seed, (long) length) + 1;
                Tensor first = model.forward(
                                new int[][] {slice(rows[0], 0, prompt), slice(rows[1], 0, prompt)}, 0, cache, null)
                        .value();
                for (int b = 0; b < 2; b++) assertRowsMatch(alone[b], 0, first.select(0, b));
                for (int t = prompt; t < length; t++) {
                    Tensor step = model.forward(new int[][] {{rows[0][t]}, {rows[1][t]}}, t, cache, null)
                            .value();
                    for (int b = 0; b < 2; b++) assertRowsMatch(alone[b], t, step.select(0, b));
                }
            }
        });
    }

    /** Causality: the logits at position t do not depend on tokens after t. */
    @Test
    void laterTokensDoNotChangeEarlierLogits() {
        qt(60).forAll(configs(), integers().between(2, 9), integers().between(0, 8), longs().all())
                .checkAssert((config, length, changeSeed, seed) -> {
                    int changed = 1 + changeSeed % (length - 1);
                    LlamaModel model = TinyModels.model(config, seed);
                    int[] a = TinyModels.tokens(seed, length, config.vocabSize());
                    int[] b = a.clone();
                    b[changed] = (a[changed] + 1) % config.vocabSize();
                    Tensor la = model.logits(a), lb = model.logits(b);
                    for (int t = 0; t < changed; t++) {
                        assertEquals(
                                0.0,
                                la.select(0, t).maxAbsDiff(lb.select(0, t)),
                                TOLERANCE,
                                "position " + t + " changed with the token at " + changed);
                    }
                    assertTrue(
                            la.select(0, changed).maxAbsDiff(lb.select(0, changed)) > 1e-4,
                            "the changed token itself had no effect");
                });
    }

    @Test
    void writingPastTheCapacityNamesThePositions() {
        LlamaModel model = TinyModels.model(TinyModels.config(1, 2, 4, 1, 8, 7, 16, true, RopeLayout.ROTATE_HALF), 1);
        try (NoGrad ignored = NoGrad.enter()) {
            KvCache cache = KvCache.forModel(model, 1, 3);
            assertEquals(3, cache.capacity());
            model.forward(new int[][] {{1, 2, 3}}, 0, cache, null);
            IllegalStateException e =
                    assertThrows(IllegalStateException.class, () -> model.forward(new int[][] {{4}}, 3, cache, null));
            assertTrue(
                    e.getMessage().contains("KV cache full") && e.getMessage().contains("capacity 3"), e.getMessage());
        }
    }

    @Test
    void aGapInPositionsIsRejectedAndStartingOverIsAllowed() {
        LlamaModel model = TinyModels.model(TinyModels.config(1, 2, 4, 2, 8, 7, 16, true, RopeLayout.ROTATE_HALF), 1);
        int[] tokens = {1, 2, 3, 4};
        try (NoGrad ignored = NoGrad.enter()) {
            KvCache cache = KvCache.forModel(model, 1, 8);
            model.forward(new int[][] {{1, 2}}, 0, cache, null);
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class, () -> model.forward(new int[][] {{3}}, 3, cache, null));
            assertEquals(
                    "KV cache is filled up to position 2: writing at position 3 would leave positions unfilled; continue at 2 or start over at 0",
                    e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> model.forward(new int[][] {{3}}, 1, cache, null));
            // the failed writes changed nothing: continuing and starting over both match the full forward
            assertRowsMatch(
                    model.logits(tokens),
                    2,
                    model.forward(new int[][] {{3, 4}}, 2, cache, null).value().select(0, 0));
            int[] other = {5, 6, 0};
            assertRowsMatch(
                    model.logits(other),
                    0,
                    model.forward(new int[][] {other}, 0, cache, null).value().select(0, 0));
        }
    }

    @Test
    void aBatchOfTheWrongSizeIsRejected() {
        LlamaModel model = TinyModels.model(TinyModels.config(1, 1, 4, 1, 8, 7, 16, false, RopeLayout.INTERLEAVED), 2);
        try (NoGrad ignored = NoGrad.enter()) {
            KvCache cache = KvCache.forModel(model, 2, 4);
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class, () -> model.forward(new int[][] {{1}}, 0, cache, null));
            assertEquals("KV cache holds 2 sequences, got a batch of 1", e.getMessage());
        }
    }

    @Test
    void anFp64ModelDecodesInFp64() {
        LlamaModel model = TinyModels.toF64(
                TinyModels.model(TinyModels.config(2, 2, 4, 2, 12, 11, 16, false, RopeLayout.ROTATE_HALF), 3));
        int[] tokens = TinyModels.tokens(4, 9, 11);
        Tensor full = model.logits(tokens);
        try (NoGrad ignored = NoGrad.enter()) {
            KvCache cache = KvCache.forModel(model, 1, tokens.length);
            model.forward(new int[][] {slice(tokens, 0, 3)}, 0, cache, null);
            for (int t = 3; t < tokens.length; t++) {
                Tensor step = model.forward(new int[][] {{tokens[t]}}, t, cache, null)
                        .value()
                        .select(0, 0);
                assertEquals(0.0, full.select(0, t).maxAbsDiff(step.select(0, 0)), 1e-12, "position " + t);
            }
        }
    }

    @Test
    void aCacheOutsideNoGradIsRejected() {
        LlamaModel model = TinyModels.model(TinyModels.config(1, 1, 4, 1, 8, 7, 16, false, RopeLayout.INTERLEAVED), 2);
        KvCache cache = KvCache.forModel(model, 1, 4);
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> model.forward(new int[][] {{1}}, 0, cache, null));
        assertTrue(e.getMessage().contains("NoGrad"), e.getMessage());
    }

    @Test
    void aLaterPositionWithoutACacheIsRejected() {
        LlamaModel model = TinyModels.model(TinyModels.config(1, 1, 4, 1, 8, 7, 16, false, RopeLayout.INTERLEAVED), 2);
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> model.forward(new int[][] {{1}}, 2, null, null));
        assertTrue(e.getMessage().contains("position 0, got 2"), e.getMessage());
    }

    static void assertRowsMatch(Tensor full, int firstRow, Tensor part) {
        for (int t = 0; t < part.dim(0); t++) {
            Tensor expected = full.select(0, firstRow + t), actual = part.select(0, t);
            double scale = 1 + expected.abs().max(0, false).item();
            double diff = expected.maxAbsDiff(actual);
            assertTrue(
                    diff <= TOLERANCE * scale,
                    "position " + (firstRow + t) + ": cached logits differ by " + diff + " from the full forward");
        }
    }

    static int[] slice(int[] a, int from, int to) {
        return java.util.Arrays.copyOfRange(a, from, to);
    }
}
