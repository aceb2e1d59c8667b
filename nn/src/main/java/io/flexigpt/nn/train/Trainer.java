package io.flexigpt.nn.train;

import io.flexigpt.autograd.NoGrad;
import io.flexigpt.autograd.Variable;
import io.flexigpt.autograd.optim.AdamW;
import io.flexigpt.autograd.optim.GradClip;
import io.flexigpt.autograd.optim.LrSchedule;
import io.flexigpt.autograd.optim.ParamGroup;
import io.flexigpt.nn.LlamaModel;
import io.flexigpt.tensor.Rng;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Trains the model's trainable parameters with AdamW on random windows of a {@link TokenDataset}.
 * With a checkpoint file, it resumes from it when present and writes it periodically and at the end
 * (model, optimiser moments, step and data-sampling RNG state, atomically), so an interrupted run that is
 * resumed ends with exactly the weights of an uninterrupted one. A non-finite loss, gradient or updated weight
 * stops the run at once with a {@link DivergenceException}; no checkpoint is written after it, so the last good
 * one is kept.
 */
public final class Trainer {
    private final LlamaModel model;
    private final TokenDataset data;
    private final TrainConfig config;
    private final LossFunction lossFunction;
    private final Path checkpointFile;
    private final TrainingListener listener;
    private volatile boolean stopRequested;

    public Trainer(
            LlamaModel model,
            TokenDataset data,
            TrainConfig config,
            LossFunction lossFunction,
            Path checkpointFile,
            TrainingListener listener) {
        this.model = model;
        this.data = data;
        this.config = config;
        this.lossFunction = lossFunction;
        this.checkpointFile = checkpointFile;
        this.listener = listener == null ? TrainingListener.NONE : listener;
    }

    /** Asks the run to stop after the current step; it writes a checkpoint first (if it has a file). */
    public void requestStop() {
        stopRequested = true;
    }

    public TrainResult run() throws IOException {
        List<Variable> trainable = model.trainableParameters();
        List<Variable> matrices = new ArrayList<>(), vectors = new ArrayList<>();
        for (Variable v : trainable) (v.rank() >= 2 ? matrices : vectors).add(v);
        AdamW optimizer = new AdamW(
                List.of(ParamGroup.of(matrices, config.weightDecay()), ParamGroup.of(vectors, 0.0)),
                LrSchedule.warmupCosine(config.lr(), config.warmupSteps(), config.steps(), config.minLr()),
                0.9,
                0.95,
                1e-8);
        Rng rng = new Rng(config.seed());
        int start = 0;
        if (checkpointFile != null && Files.exists(checkpointFile)) {
            TrainingCheckpoint.State s = TrainingCheckpoint.read(checkpointFile, model, optimizer);
            rng = s.rng();
            start = s.step();
        }
        Map<Variable, String> names = new IdentityHashMap<>();
        for (Map.Entry<String, Variable> e : model.namedParameters().entrySet())
            names.putIfAbsent(e.getValue(), e.getKey());
        int lastSaved = start;
        List<double[]> heldOut = new ArrayList<>();
        double lastLoss = Double.NaN;
        long t0 = System.nanoTime();
        long tokens = 0;
        int step = start;
        boolean stoppedEarly = false;
        while (step < config.steps()) {
            if (stopRequested) {
                stoppedEarly = true;
                break;
            }
            TokenDataset.Batch batch = data.sample(rng, config.batchSize(), config.seqLen());
            optimizer.zeroGrad();
            double lr = optimizer.currentLr();
            Variable loss = lossFunction.loss(model, batch);
            double lossValue = loss.value().item();
            if (!Double.isFinite(lossValue)) throw diverged(step + 1, "the loss is " + lossValue, lastSaved);
            loss.backward();
            double gradNorm = GradClip.clipGlobalNorm(trainable, config.clipNorm());
            if (!Double.isFinite(gradNorm)) {
                String bad = firstNonFinite(trainable, names, true);
                throw diverged(
                        step + 1,
                        bad != null
                                ? "the gradient of '" + bad + "' is not finite"
                                : "the gradient norm is " + gradNorm,
                        lastSaved);
            }
            optimizer.step();
            String badWeight = firstNonFinite(trainable, names, false);
            if (badWeight != null)
                throw diverged(
                        step + 1,
                        "parameter '" + badWeight + "' is not finite after the update (lr " + lr + ")",
                        lastSaved);
            lastLoss = lossValue;
            step++;
            tokens += batch.tokens();
            double seconds = (System.nanoTime() - t0) / 1e9;
            listener.onStep(step, config.steps(), lastLoss, lr, tokens / Math.max(seconds, 1e-9));
            if (config.evalEvery() > 0 && (step % config.evalEvery() == 0 || step == config.steps())) {
                double l = heldOutLoss();
                if (!Double.isFinite(l)) throw diverged(step, "the held-out loss is " + l, lastSaved);
                heldOut.add(new double[] {step, l});
                listener.onEval(step, l);
            }
            boolean periodic = config.checkpointEvery() > 0 && step % config.checkpointEvery() == 0;
            if (checkpointFile != null && (periodic || step == config.steps())) {
                TrainingCheckpoint.write(checkpointFile, model, optimizer, rng, step);
                lastSaved = step;
                listener.onCheckpoint(step, checkpointFile);
            }
        }
        if (stoppedEarly && checkpointFile != null) {
            TrainingCheckpoint.write(checkpointFile, model, optimizer, rng, step);
            listener.onCheckpoint(step, checkpointFile);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new TrainResult(start, step, lastLoss, heldOut, stoppedEarly, tokens / Math.max(seconds, 1e-9));
    }

    private DivergenceException diverged(int step, String what, int lastSaved) {
        String note = checkpointFile != null && Files.exists(checkpointFile)
                ? "; the checkpoint of step " + lastSaved + " in " + checkpointFile + " is kept"
                : "";
        return new DivergenceException(step, what, note);
    }

    /** The name of the first parameter whose gradient (or value) has a non-finite element, or null. */
    private static String firstNonFinite(List<Variable> params, Map<Variable, String> names, boolean gradient) {
        for (Variable v : params) {
            io.flexigpt.tensor.Tensor t = gradient ? v.grad() : v.value();
            if (t != null && !t.isFinite()) return names.getOrDefault(v, "unnamed parameter");
        }
        return null;
    }

    /** Mean next-token cross-entropy over the first {@code evalWindows} held-out windows. */
    public double heldOutLoss() {
        List<TokenDataset.Batch> batches =
                data.heldOutBatches(config.batchSize(), config.seqLen(), config.evalWindows());
        if (batches.isEmpty()) return Double.NaN;
        double sum = 0;
        long count = 0;
        try (NoGrad ignored = NoGrad.enter()) {
            for (TokenDataset.Batch b : batches) {
                double l = LossFunction.crossEntropy().loss(model, b).value().item();
                sum += l * b.tokens();
                count += b.tokens();
            }
        }
        return sum / count;
    }
}
