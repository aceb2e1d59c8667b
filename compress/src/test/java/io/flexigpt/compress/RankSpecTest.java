package io.flexigpt.compress;

import static org.junit.jupiter.api.Assertions.*;

import io.flexigpt.tensor.Tensor;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** Adapter ranks: an absolute rank capped at {@code min(out, in)}, or a rounded fraction of it (at least 1), and their parsing. */
class RankSpecTest {

    @Property(tries = 200)
    void anAbsoluteRankIsCappedByTheSmallerDimension(@ForAll @IntRange(min = 1, max = 100) int rank,
                                                     @ForAll @IntRange(min = 1, max = 40) int out, @ForAll @IntRange(min = 1, max = 40) int in) {
        assertEquals(Math.min(rank, Math.min(out, in)), RankSpec.of(rank).rankFor(Tensor.zeros(out, in)));
    }

    @Property(tries = 200)
    void aFractionIsRoundedAndAtLeastOne(@ForAll @DoubleRange(min = 0.01, max = 1.0) double f,
                                        @ForAll @IntRange(min = 1, max = 40) int out, @ForAll @IntRange(min = 1, max = 40) int in) {
        int full = Math.min(out, in), r = RankSpec.fraction(f).rankFor(Tensor.zeros(out, in));
        assertTrue(r >= 1 && r <= full, r + " outside 1.." + full);
        if (f * full >= 1) assertTrue(Math.abs(r - f * full) <= 0.5 + 1e-9, r + " is not the rounding of " + f * full);
        else assertEquals(1, r);
    }

    @Property(tries = 100)
    void parseReadsWhatToStringWrites(@ForAll @IntRange(min = 1, max = 4096) int rank, @ForAll @DoubleRange(min = 0.01, max = 1.0) double f) {
        assertEquals(RankSpec.of(rank), RankSpec.parse(RankSpec.of(rank).toString()));
        assertEquals(RankSpec.fraction(f), RankSpec.parse(RankSpec.fraction(f).toString()));
    }

    @Test
    void wholeNumbersAreRanksAndDecimalsAreFractions() {
        assertEquals(RankSpec.of(8), RankSpec.parse("8"));
        assertEquals(RankSpec.fraction(0.25), RankSpec.parse("0.25"));
        assertEquals(RankSpec.fraction(1.0), RankSpec.parse("1.0"));
        assertEquals(16, RankSpec.parse("1.0").rankFor(Tensor.zeros(16, 24)));
        assertEquals(1, RankSpec.parse("1").rankFor(Tensor.zeros(16, 24)));
    }

    @Test
    void invalidRanksAreRejectedWithAClearMessage() {
        for (RankSpecFactory bad : new RankSpecFactory[] {() -> RankSpec.of(0), () -> RankSpec.of(-2), () -> RankSpec.fraction(0), () -> RankSpec.fraction(-0.5),
                () -> RankSpec.fraction(Double.NaN), () -> new RankSpec(4, 0.5)}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, bad::make);
            assertTrue(e.getMessage().contains("absolute rank or a fraction"), e.getMessage());
        }
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class, () -> RankSpec.fraction(1.5));
        assertTrue(big.getMessage().contains("at most 1") && big.getMessage().contains("1.5"), big.getMessage());
        for (String text : new String[] {"abc", "", "8x", "0.5.1"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RankSpec.parse(text));
            assertTrue(e.getMessage().contains("'" + text + "'") && e.getMessage().contains("such as"), e.getMessage());
        }
    }

    private interface RankSpecFactory {
        RankSpec make();
    }
}
