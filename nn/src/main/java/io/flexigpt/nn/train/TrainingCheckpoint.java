package io.flexigpt.nn.train;

import io.flexigpt.autograd.optim.Optimizer;
import io.flexigpt.io.FormatException;
import io.flexigpt.nn.LlamaModel;
import io.flexigpt.tensor.Rng;
import io.flexigpt.tensor.Tensor;
import io.flexigpt.tensor.io.SafeTensorsFile;
import io.flexigpt.tensor.io.SafeTensorsWriter;
import io.flexigpt.tensor.io.StoredType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One safetensors file holding everything a training run needs to continue exactly: the model's
 * parameters ({@code model/<name>}), the optimiser state ({@code optim/<key>}), and in the metadata the
 * step and the data-sampling RNG state. Written atomically.
 */
final class TrainingCheckpoint {
    private TrainingCheckpoint() {}

    record State(int step, Rng rng) {}

    static void write(Path file, LlamaModel model, Optimizer optimizer, Rng rng, int step) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : model.stateDict().entrySet())
            tensors.put("model/" + e.getKey(), e.getValue());
        for (Map.Entry<String, Tensor> e : optimizer.state().entrySet())
            tensors.put("optim/" + e.getKey(), e.getValue());
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "flexigpt-training-checkpoint");
        meta.put("step", Integer.toString(step));
        long[] s = rng.state();
        StringBuilder sb = new StringBuilder();
        for (long v : s) sb.append(sb.length() == 0 ? "" : ",").append(v);
        meta.put("rng", sb.toString());
        SafeTensorsWriter.write(file, tensors, meta, StoredType.F32);
    }

    static State read(Path file, LlamaModel model, Optimizer optimizer) throws IOException {
        try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
            Map<String, String> meta = f.metadata();
            if (!"flexigpt-training-checkpoint".equals(meta.get("format"))) {
                throw new FormatException(
                        file + ": not a training checkpoint (metadata 'format' is " + meta.get("format") + ")");
            }
            Map<String, Tensor> modelState = new LinkedHashMap<>(), optimState = new LinkedHashMap<>();
            for (String name : f.names()) {
                if (name.startsWith("model/")) modelState.put(name.substring(6), f.load(name));
                else if (name.startsWith("optim/")) optimState.put(name.substring(6), f.load(name));
                else throw new FormatException(file + ": unexpected tensor '" + name + "' in training checkpoint");
            }
            try {
                model.loadStateDict(modelState, true);
                optimizer.loadState(optimState);
                String[] parts = meta.getOrDefault("rng", "").split(",");
                long[] s = new long[parts.length];
                for (int i = 0; i < parts.length; i++) s[i] = Long.parseLong(parts[i]);
                return new State(Integer.parseInt(meta.get("step")), Rng.restore(s));
            } catch (IllegalArgumentException e) {
                throw new FormatException(
                        file + ": training checkpoint does not fit this model/run: " + e.getMessage(), e);
            }
        }
    }
}
