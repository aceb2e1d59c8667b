package io.flexigpt.compress;

import static io.flexigpt.tensor.testing.SeededTheory.qt;
import static org.junit.jupiter.api.Assertions.*;
import static org.quicktheories.generators.SourceDSL.*;

import io.flexigpt.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Adapter ranks: an absolute rank capped at {@code min(out, in)}, or a rounded fraction of it (at least 1), and their parsing. */
class RankSpecTest {

    @Test
    void anAbsoluteRankIsCappedByTheSmallerDimension() {
        qt(200).forAll(
                        integers().between(1, 100),
                        integers().between(1, 40),
                        integers().between(1, 40))
                .checkAssert((rank, out, in) -> {
                    assertEquals(
                            Math.min(rank, Math.min(out, in)), RankSpec.of(rank).rankFor(Tensor.zeros(out, in)));
                });
    }

    @Test
    void aFractionIsRoundedAndAtLeastOne() {
        qt(200).forAll(
                        doubles().between(0.01, 1.0),
                        integers().between(1, 40),
                        integers().between(1, 40))
                .checkAssert((f, out, in) -> {
                    int full = Math.min(out, in), r = RankSpec.fraction(f).rankFor(Tensor.zeros(out, in));
                    assertTrue(r >= 1 && r <= full, r + " outside 1.." + full);
                    if (f * full >= 1)
                        assertTrue(Math.abs(r - f * full) <= 0.5 + 1e-9, r + " is not the rounding of " + f * full);
                    else assertEquals(1, r);
                });
    }

    @Test
    void parseReadsWhatToStringWrites() {
        qt(100).forAll(integers().between(1, 4096), doubles().between(0.01, 1.0))
                .checkAssert((rank, f) -> {
                    assertEquals(
                            RankSpec.of(rank), RankSpec.parse(RankSpec.of(rank).toString()));
                    assertEquals(
                            RankSpec.fraction(f),
                            RankSpec.parse(RankSpec.fraction(f).toString()));
                });
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
        for (RankSpecFactory bad : new RankSpecFactory[] {
            () -> RankSpec.of(0),
            () -> RankSpec.of(-2),
            () -> RankSpec.fraction(0),
            () -> RankSpec.fraction(-0.5),
            () -> RankSpec.fraction(Double.NaN),
            () -> new RankSpec(4, 0.5)
        }) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, bad::make);
            assertTrue(e.getMessage().contains("absolute rank or a fraction"), e.getMessage());
        }
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class, () -> RankSpec.fraction(1.5));
        assertTrue(big.getMessage().contains("at most 1") && big.getMessage().contains("1.5"), big.getMessage());
        for (String text : new String[] {"abc", "", "8x", "0.5.1"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RankSpec.parse(text));
            assertTrue(
                    e.getMessage().contains("'" + text + "'") && e.getMessage().contains("such as"), e.getMessage());
        }
    }

    private interface RankSpecFactory {
        RankSpec make();
    }
}
