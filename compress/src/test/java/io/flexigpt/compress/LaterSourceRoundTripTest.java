package io.flexigpt.compress;

import static org.junit.jupiter.api.Assertions.*;

import io.flexigpt.nn.LlamaModel;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pruned block may share a block that comes after it: the saved model must still store the source's
 * weights under the source's own name (they used to be stored under the borrower's, and the source went missing).
 */
class LaterSourceRoundTripTest {
    @Test
    void aReplacementSharingALaterBlockRoundTripsBitExactly(@TempDir Path dir) throws Exception {
        LlamaModel teacher = TinyModels.withCopiedBlock(TinyModels.random(5, 21), 4, 1);
        CompressionResult r = CompressionMethod.FLEXIGPT.apply(
                teacher,
                BaselinesTest.SCORES,
                TinyModels.calibration(teacher, 4, 8, 2, 1),
                0.4,
                RankSpec.of(2),
                CompressionMethod.DEFAULT_SEED);
        assertEquals(4, r.sources().get(1), "block 1 is a copy of block 4, so it shares it: " + r.sources());
        CompressedModels.save(dir, r.model(), "flexigpt");
        LlamaModel loaded = CompressedModels.load(dir);
        assertEquals(0.0, loaded.logits(TinyModels.PROBE).maxAbsDiff(r.model().logits(TinyModels.PROBE)));
        assertEquals(
                r.model().parameterCount(), loaded.parameterCount(), "the same sharing: each distinct tensor once");
    }
}
