package io.flexigpt.nn;

import static io.flexigpt.tensor.testing.SeededTheory.qt;
import static org.junit.jupiter.api.Assertions.*;
import static org.quicktheories.generators.SourceDSL.*;

import io.flexigpt.tensor.RopeLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Generation with the KV cache picks exactly the tokens a naive loop over full forward passes would, and
 * stops at a stop token, at {@code maxNewTokens}, at the context length and when the callback declines;
 * bad prompts are rejected with a clear message.
 */
class GeneratorTest {
    static final LlamaConfig SMALL = TinyModels.config(1, 2, 4, 2, 10, 13, 12, false, RopeLayout.INTERLEAVED);

    static Gen<LlamaConfig> configs() {
        return TinyModels.configs();
    }

    @Test
    void generatedTokensEqualANaiveLoopOverFullForwards() {
        record Case(LlamaConfig config, int promptLength, int maxNew, boolean greedy, long seed) {}
        Gen<Case> cases = in -> new Case(
                configs().generate(in),
                integers().between(1, 5).generate(in),
                integers().between(1, 8).generate(in),
                booleans().all().generate(in),
                longs().all().generate(in));
        qt(80).forAll(cases)
                .checkAssert(c -> generatedTokensEqualANaiveLoopOverFullForwards(
                        c.config(), c.promptLength(), c.maxNew(), c.greedy(), c.seed()));
    }

    private void generatedTokensEqualANaiveLoopOverFullForwards(
            LlamaConfig config, int promptLength, int maxNew, boolean greedy, long seed) {
        LlamaModel model = TinyModels.model(config, seed);
        int[] prompt = TinyModels.tokens(seed, promptLength, config.vocabSize());
        SamplingConfig sampling = greedy ? SamplingConfig.greedy() : new SamplingConfig(1.0, 0.9, 0, seed);
        List<Integer> seen = new ArrayList<>();
        int[] out = new Generator(model).generate(prompt, maxNew, sampling, null, id -> seen.add(id));

        assertArrayEquals(naive(model, prompt, maxNew, sampling), out);
        assertEquals(seen, Arrays.stream(out).boxed().toList());
    }

    /** {@code n} tokens after {@code prompt}, each drawn from the last row of a full forward over everything so far. */
    static int[] naive(LlamaModel model, int[] prompt, int n, SamplingConfig sampling) {
        Sampler sampler = new Sampler(sampling);
        int[] sequence = prompt.clone();
        for (int i = 0; i < n; i++) {
            float[] last = model.logits(sequence).select(0, sequence.length - 1).toFloatArray();
            sequence = Arrays.copyOf(sequence, sequence.length + 1);
            sequence[sequence.length - 1] = sampler.next(last);
        }
        return Arrays.copyOfRange(sequence, prompt.length, sequence.length);
    }

    @Test
    void aModelWithARemovedBlockGeneratesWithACacheOfItsNewDepth() {
        LlamaModel model = TinyModels.model(SMALL.withLayers(3), 2);
        model.blocks().remove(1);
        int[] prompt = {4, 1, 7};
        assertArrayEquals(
                naive(model, prompt, 5, SamplingConfig.greedy()),
                new Generator(model).generate(prompt, 5, SamplingConfig.greedy(), null, null));
    }

    @Test
    void aSeedFixesTheGeneratedText() {
        LlamaModel model = TinyModels.model(SMALL, 3);
        SamplingConfig sampling = new SamplingConfig(1.5, 1, 0, 99);
        int[] first = new Generator(model).generate(new int[] {1}, 10, sampling, null, null);
        assertArrayEquals(first, new Generator(model).generate(new int[] {1}, 10, sampling, null, null));
        assertFalse(Arrays.equals(
                first,
                new Generator(model).generate(new int[] {1}, 10, new SamplingConfig(1.5, 1, 0, 100), null, null)));
    }

    @Test
    void stopsBeforeTheFirstStopToken() {
        LlamaModel model = TinyModels.model(SMALL, 5);
        int[] prompt = {2, 7};
        int[] free = new Generator(model).generate(prompt, 10, new SamplingConfig(2, 1, 0, 1), null, null);
        assertEquals(10, free.length);
        int stop = free[4];
        int firstStop = 0;
        while (free[firstStop] != stop) firstStop++;
        List<Integer> seen = new ArrayList<>();
        int[] stopped = new Generator(model)
                .generate(
                        prompt, 10, new SamplingConfig(2, 1, 0, 1), new int[] {SMALL.vocabSize() + 5, stop}, seen::add);
        assertArrayEquals(Arrays.copyOf(free, firstStop), stopped);
        assertEquals(firstStop, seen.size(), "the stop token must not reach the callback");
    }

    @Test
    void stopsAtMaxNewTokensAndAtTheContextLength() {
        LlamaModel model = TinyModels.model(SMALL, 6);
        Generator generator = new Generator(model);
        assertEquals(4, generator.generate(new int[] {1, 2}, 4, SamplingConfig.greedy(), null, null).length);
        assertEquals(
                0,
                generator.generate(new int[] {1, 2}, 0, SamplingConfig.greedy(), null, id -> fail("no token expected"))
                        .length);
        int[] toTheEnd = generator.generate(new int[] {1, 2, 3}, 100, new SamplingConfig(1, 1, 0, 4), null, null);
        assertEquals(SMALL.maxSeqLen() - 3, toTheEnd.length);
        assertEquals(1, generator.generate(new int[11], 100, SamplingConfig.greedy(), null, null).length);
        assertEquals(
                SMALL.maxSeqLen() - 2,
                generator.generate(new int[] {1, 2}, Integer.MAX_VALUE, SamplingConfig.greedy(), null, null).length);
    }

    @Test
    void stopsWhenTheCallbackDeclines() {
        LlamaModel model = TinyModels.model(SMALL, 7);
        int[] free = new Generator(model).generate(new int[] {3}, 8, new SamplingConfig(1, 1, 0, 8), null, null);
        List<Integer> seen = new ArrayList<>();
        int[] out = new Generator(model).generate(new int[] {3}, 8, new SamplingConfig(1, 1, 0, 8), null, id -> {
            seen.add(id);
            return seen.size() < 3;
        });
        assertArrayEquals(Arrays.copyOf(free, 3), out, "the declined token is the last one returned");
        assertEquals(3, seen.size());
    }

    @Test
    void badPromptsAndLimitsAreRejectedClearly() {
        Generator generator = new Generator(TinyModels.model(SMALL, 8));
        IllegalArgumentException empty = assertThrows(
                IllegalArgumentException.class,
                () -> generator.generate(new int[0], 5, SamplingConfig.greedy(), null, null));
        assertTrue(empty.getMessage().contains("at least one token"), empty.getMessage());
        for (int length : new int[] {12, 20}) {
            IllegalArgumentException full = assertThrows(
                    IllegalArgumentException.class,
                    () -> generator.generate(new int[length], 5, SamplingConfig.greedy(), null, null));
            assertTrue(
                    full.getMessage().contains("prompt of " + length + " tokens fills the context of 12"),
                    full.getMessage());
        }
        IllegalArgumentException negative = assertThrows(
                IllegalArgumentException.class,
                () -> generator.generate(new int[] {1, 2}, -1, SamplingConfig.greedy(), null, null));
        assertTrue(negative.getMessage().contains("maxNewTokens"), negative.getMessage());
        IndexOutOfBoundsException outside = assertThrows(
                IndexOutOfBoundsException.class,
                () -> generator.generate(new int[] {1, 13}, 5, SamplingConfig.greedy(), null, null));
        assertTrue(outside.getMessage().contains("token id 13 at position 1"), outside.getMessage());
    }
}
