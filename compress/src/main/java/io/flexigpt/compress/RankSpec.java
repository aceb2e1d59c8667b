package io.flexigpt.compress;

import io.flexigpt.tensor.Tensor;

/** The adapter rank of a projection: an absolute rank, or a fraction of {@code min(out, in)} (at least 1). */
public record RankSpec(int absolute, double fraction) {
    public RankSpec {
        if ((absolute > 0) == (fraction > 0))
            throw new IllegalArgumentException("give either an absolute rank or a fraction, not both or neither");
        if (fraction > 1) throw new IllegalArgumentException("rank fraction must be at most 1, got " + fraction);
    }

    public static RankSpec of(int rank) {
        return new RankSpec(rank, 0);
    }

    public static RankSpec fraction(double f) {
        return new RankSpec(0, f);
    }

    /** Parses {@code "8"} (absolute) or {@code "0.25"} (fraction). */
    public static RankSpec parse(String s) {
        String expected =
                "rank '" + s + "' is neither a positive whole rank such as 8 nor a fraction in (0, 1] such as 0.25";
        try {
            if (s.contains(".")) {
                double f = Double.parseDouble(s);
                if (!(f > 0 && f <= 1)) throw new IllegalArgumentException(expected);
                return fraction(f);
            }
            int r = Integer.parseInt(s);
            if (r < 1) throw new IllegalArgumentException(expected);
            return of(r);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(expected);
        }
    }

    public int rankFor(Tensor weight) {
        int full = Math.min(weight.dim(0), weight.dim(1));
        return absolute > 0 ? Math.min(absolute, full) : Math.max(1, (int) Math.round(fraction * full));
    }

    @Override
    public String toString() {
        return absolute > 0 ? Integer.toString(absolute) : Double.toString(fraction);
    }
}
