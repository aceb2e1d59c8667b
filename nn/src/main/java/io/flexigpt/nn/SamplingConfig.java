package io.flexigpt.nn;

/**
 * How the next token is chosen. First, as llama.cpp does, a repetition penalty: for every distinct token
 * among the last {@code repeatLastN} tokens of the sequence (-1 = all of it, 0 = none), a positive logit
 * is divided by {@code repeatPenalty} and a negative one multiplied by it (1 = off); this applies to
 * greedy choice too. Then {@code temperature == 0} is greedy; otherwise softmax at that temperature,
 * restricted to the {@code topK} most likely tokens (0 = no limit), to the smallest set whose probability
 * reaches {@code topP} (1 = no limit) and to the tokens whose probability is at least {@code minP} times
 * the most likely one's (0 = off; measured at temperature 1, as llama.cpp's min-p), drawn with a seeded
 * generator.
 */
public record SamplingConfig(
        double temperature, double topP, int topK, long seed, double minP, double repeatPenalty, int repeatLastN) {
    public SamplingConfig {
        if (!(temperature >= 0)) throw new IllegalArgumentException("temperature must be >= 0, got " + temperature);
        if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("topP must be in (0, 1], got " + topP);
        if (topK < 0) throw new IllegalArgumentException("topK must be >= 0, got " + topK);
        if (!(minP >= 0 && minP <= 1)) throw new IllegalArgumentException("minP must be in [0, 1], got " + minP);
        if (!(repeatPenalty > 0 && repeatPenalty < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("repeatPenalty must be positive and finite, got " + repeatPenalty);
        }
        if (repeatLastN < -1)
            throw new IllegalArgumentException("repeatLastN must be -1 (all), 0 (off) or positive, got " + repeatLastN);
    }

    /** Temperature, top-p and top-k sampling without min-p or repetition penalty. */
    public SamplingConfig(double temperature, double topP, int topK, long seed) {
        this(temperature, topP, topK, seed, 0, 1, 0);
    }

    public static SamplingConfig greedy() {
        return new SamplingConfig(0, 1, 0, 0);
    }
}
