package io.flexigpt.cli;

import static org.junit.jupiter.api.Assertions.*;

import io.flexigpt.nn.io.Checkpoints;
import io.flexigpt.nn.io.HfCheckpoint;
import io.flexigpt.tensor.io.StoredType;
import io.flexigpt.tensor.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The resume checkpoint of compress/extend is keyed by the contents of model, tokenizer and text, not their paths. */
class ResumeKeyTest {
    @Test
    void replacingTheModelOrTextAtTheSamePathChangesTheKey(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("model.bin"), text = dir.resolve("text.txt"), out = dir.resolve("out");
        byte[] original = Files.readAllBytes(TestData.file("models/stories260K/stories260K.bin"));
        Files.write(model, original);
        Files.writeString(text, "Once upon a time.\n\nThe end.\n");
        ModelLoading loaded = ModelLoading.load(model, TestData.file("models/stories260K/tok512.bin"));
        Path key = ResumeFiles.checkpointBeside(out, model, loaded, text, "flexigpt", 0.3);
        assertEquals(
                key,
                ResumeFiles.checkpointBeside(out, model, loaded, text, "flexigpt", 0.3),
                "same contents, same key");
        assertNotEquals(key, ResumeFiles.checkpointBeside(out, model, loaded, text, "flexigpt", 0.4), "other settings");

        byte[] changed = original.clone();
        changed[100] ^= 1; // one bit of one weight
        Files.write(model, changed);
        assertNotEquals(
                key,
                ResumeFiles.checkpointBeside(out, model, loaded, text, "flexigpt", 0.3),
                "a replaced model at the same path");
        Files.write(model, original);
        Files.writeString(text, "Once upon a time.\n\nThe End.\n");
        assertNotEquals(
                key,
                ResumeFiles.checkpointBeside(out, model, loaded, text, "flexigpt", 0.3),
                "a replaced text at the same path");

        Path moved = dir.resolve("elsewhere.bin");
        Files.writeString(text, "Once upon a time.\n\nThe end.\n");
        Files.move(model, moved, StandardCopyOption.REPLACE_EXISTING);
        assertEquals(
                key.getFileName(),
                ResumeFiles.checkpointBeside(out, moved, loaded, text, "flexigpt", 0.3)
                        .getFileName(),
                "the path itself does not matter");
    }

    @Test
    void aHuggingFaceDirectoryIsKeyedByItsConfigAndWeights(@TempDir Path dir) throws Exception {
        Path hf = dir.resolve("hf"), text = dir.resolve("text.txt"), out = dir.resolve("out");
        HfCheckpoint.write(hf, Checkpoints.load(TestData.file("models/stories260K/stories260K.bin")), StoredType.F32);
        Files.writeString(text, "Once upon a time.\n");
        ModelLoading loaded = ModelLoading.load(hf, TestData.file("models/stories260K/tok512.bin"));
        Path key = ResumeFiles.checkpointBeside(out, hf, loaded, text);
        Files.writeString(hf.resolve("README.md"), "notes");
        assertEquals(
                key, ResumeFiles.checkpointBeside(out, hf, loaded, text), "files that are not the model do not count");
        Files.writeString(
                hf.resolve("config.json"),
                Files.readString(hf.resolve("config.json"))
                        .replace("\"rope_theta\": 10000.0", "\"rope_theta\": 10001.0"));
        Path otherConfig = ResumeFiles.checkpointBeside(out, hf, loaded, text);
        assertNotEquals(key, otherConfig, "config.json counts");
        byte[] w = Files.readAllBytes(hf.resolve("model.safetensors"));
        w[w.length - 1] ^= 1;
        Files.write(hf.resolve("model.safetensors"), w);
        assertNotEquals(otherConfig, ResumeFiles.checkpointBeside(out, hf, loaded, text), "the weights count");
    }
}
