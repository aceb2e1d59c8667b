package io.flexigpt.integration;

import static org.junit.jupiter.api.Assertions.*;

import io.flexigpt.compress.BlockInfluence;
import io.flexigpt.compress.CalibrationData;
import io.flexigpt.compress.CompressionResult;
import io.flexigpt.compress.FlexiGpt;
import io.flexigpt.compress.FlexiGptConfig;
import io.flexigpt.compress.RankSpec;
import io.flexigpt.gpu.OpenClBackend;
import io.flexigpt.nn.Generator;
import io.flexigpt.nn.LanguageModel;
import io.flexigpt.nn.LlamaModel;
import io.flexigpt.nn.SamplingConfig;
import io.flexigpt.nn.device.DeviceModel;
import io.flexigpt.nn.io.Checkpoints;
import io.flexigpt.nn.tokenizer.Llama2cTokenizer;
import io.flexigpt.nn.train.TokenDataset;
import io.flexigpt.tensor.Tensor;
import io.flexigpt.tensor.backend.BackendUnavailableException;
import io.flexigpt.tensor.backend.Backends;
import io.flexigpt.tensor.backend.ComputeBackend;
import io.flexigpt.tensor.testing.TestData;
import java.nio.file.Files;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * stories260K run as a {@link DeviceModel} on the CPU reference backend and on OpenCL gives the logits and
 * the greedy text of the tensor path, as does a FlexiGPT-compressed stories260K (shared weights, adapters,
 * output scales). Under {@code CI=true} a missing OpenCL device fails the test.
 */
class DeviceModelOnBackendsTest {
    static final int[] TOKENS = {1, 403, 407, 261, 378, 432, 383, 286, 261, 376, 298, 315};
    static LlamaModel model;
    static ComputeBackend cpu, opencl;
    static String openclMissing;

    /** Loads the shared data once, before the first test; while it is missing, each test is skipped (counted) instead. */
    @BeforeEach
    void open() throws Exception {
        if (cpu == null) {
            model = LlamaModel.fromCheckpoint(Checkpoints.load(TestData.file("models/stories260K/stories260K.bin")));
            cpu = Backends.open("cpu");
            try {
                opencl = Backends.open("opencl");
            } catch (BackendUnavailableException e) {
                openclMissing = e.getMessage();
            }
        }
        if (openclMissing != null && "true".equals(System.getenv("CI")))
            fail("no usable OpenCL device under CI: " + openclMissing);
    }

    @AfterAll
    static void close() { // the backends are null when the data was missing and open() stopped early
        if (cpu != null) cpu.close();
        if (opencl != null) opencl.close();
    }

    static void compareLogits(LlamaModel m, ComputeBackend be) {
        Tensor expected = m.logits(TOKENS), got = new DeviceModel(m, be).logits(TOKENS);
        double diff = got.maxAbsDiff(expected);
        assertTrue(diff < 2e-3, be.name() + ": max logit difference " + diff);
        assertEquals(
                0.0, expected.argmax(-1, false).maxAbsDiff(got.argmax(-1, false)), be.name() + ": same greedy tokens");
    }

    @Test
    void cpuReferenceBackendGivesTheModelsLogits() {
        compareLogits(model, cpu);
    }

    @Test
    void openClGivesTheModelsLogitsAndGreedyText() {
        Assumptions.assumeTrue(opencl != null, "no OpenCL device");
        compareLogits(model, opencl);
        DeviceModel device = new DeviceModel(model, opencl);
        OpenClBackend cl = (OpenClBackend) opencl;
        long[] copied = new long[3];
        for (int pass = 0; pass < 3; pass++) {
            long before = cl.bytesCopiedToDevice();
            device.logits(TOKENS);
            copied[pass] = cl.bytesCopiedToDevice() - before;
        }
        long weights = device.parameterFloats() * Float.BYTES;
        assertTrue(
                copied[0] - copied[1] >= weights,
                "the first pass uploads the " + weights + " bytes of weights: " + copied[0] + " vs " + copied[1]);
        assertEquals(copied[1], copied[2], "later passes copy activations only, the same bytes each time");
        LanguageModel.Session session = device.session(512);
        session.append(TOKENS, false);
        long[] step = new long[40];
        for (int t = 0; t < step.length; t++) {
            long before = cl.bytesCopiedToDevice();
            session.append(new int[] {TOKENS[t % TOKENS.length]}, false);
            step[t] = cl.bytesCopiedToDevice() - before;
        }
        for (int t = 1; t < step.length; t++)
            assertEquals(step[0], step[t], "decoding step " + t + " copies as much as the first");
        long cacheBytes = 2L * model.config().nLayers() * 512 * model.config().kvDim() * Float.BYTES;
        assertTrue(
                step[0] < cacheBytes / 4,
                "a decoding step copies " + step[0] + " bytes, far less than the " + cacheBytes + " of the KV cache");
        SamplingConfig greedy = new SamplingConfig(0, 1, 0, 0);
        int[] expected = new Generator(model).generate(new int[] {1}, 60, greedy, null, null);
        int[] got = new Generator(new DeviceModel(model, opencl)).generate(new int[] {1}, 60, greedy, null, null);
        assertArrayEquals(expected, got);
    }

    @Test
    void aCompressedModelRunsOnEveryBackend() throws Exception {
        var tokenizer = Llama2cTokenizer.load(TestData.file("models/stories260K/tok512.bin"));
        String text = Files.readString(TestData.file("text/tinystories/tinystories_val_head.txt"))
                .substring(0, 20_000);
        CalibrationData calibration = CalibrationData.sample(
                TokenDataset.encode(text, tokenizer, null, 0.2).train(), 4, 64, 4, 7);
        CompressionResult r = FlexiGpt.compress(
                model,
                new BlockInfluence().score(model, calibration),
                calibration,
                FlexiGptConfig.standard(0.4, RankSpec.fraction(0.25)));
        compareLogits(r.model(), cpu);
        if (opencl != null) compareLogits(r.model(), opencl);
    }
}
