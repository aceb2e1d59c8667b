package io.flexigpt.nn;

/**
 * How the next token is chosen: {@code temperature == 0} is greedy; otherwise softmax at that temperature,
 * restricted to the {@code topK} most likely tokens (0 = no limit) and to the smallest set whose
 * probability reaches {@code topP} (1 = no limit), drawn with a seeded generator.
 */
public record SamplingConfig(double temperature, double topP, int topK, long seed) {
    public SamplingConfig {
        if (!(temperature >= 0)) throw new IllegalArgumentException("temperature must be >= 0, got " + temperature);
        if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("topP must be in (0, 1], got " + topP);
        if (topK < 0) throw new IllegalArgumentException("topK must be >= 0, got " + topK);
    }

    public static SamplingConfig greedy() {
        return new SamplingConfig(0, 1, 0, 0);
    }
}
