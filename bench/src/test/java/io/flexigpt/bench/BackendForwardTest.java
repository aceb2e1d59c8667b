package io.flexigpt.bench;

import static org.junit.jupiter.api.Assertions.*;

import io.flexigpt.nn.LlamaModel;
import io.flexigpt.nn.io.Checkpoints;
import io.flexigpt.tensor.Tensor;
import io.flexigpt.tensor.backend.BackendUnavailableException;
import io.flexigpt.tensor.backend.Backends;
import io.flexigpt.tensor.backend.ComputeBackend;
import io.flexigpt.tensor.testing.TestData;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** stories260K's forward pass through the backend ops gives the model's own logits, on the CPU reference and on OpenCL. */
class BackendForwardTest {
    static final int[] TOKENS = {1, 403, 407, 261, 378, 432, 383, 286, 261, 376, 298, 315};

    static void compare(String device, ComputeBackend be) throws Exception {
        LlamaModel model = LlamaModel.fromCheckpoint(Checkpoints.load(TestData.file("models/stories260K/stories260K.bin")));
        Tensor expected = model.logits(TOKENS);
        Tensor got = Tensor.of(new BackendForward(model, be).logits(TOKENS), TOKENS.length, model.config().vocabSize());
        double diff = got.maxAbsDiff(expected);
        assertTrue(diff < 2e-3, device + ": max logit difference " + diff);
        assertEquals(expected.argmax(-1, false).maxAbsDiff(got.argmax(-1, false)), 0.0, device + ": same greedy tokens");
    }

    @Test
    void cpuReferenceBackendGivesTheModelsLogits() throws Exception {
        try (ComputeBackend be = Backends.open("cpu")) {
            compare("cpu", be);
        }
    }

    @Test
    void openClBackendGivesTheModelsLogits() throws Exception {
        ComputeBackend be;
        try {
            be = Backends.open("opencl");
        } catch (BackendUnavailableException e) {
            if ("true".equals(System.getenv("CI"))) fail("no usable OpenCL device under CI: " + e.getMessage());
            Assumptions.assumeTrue(false, "no OpenCL device: " + e.getMessage());
            return;
        }
        try (ComputeBackend opened = be) {
            compare("opencl", opened);
        }
    }
}
