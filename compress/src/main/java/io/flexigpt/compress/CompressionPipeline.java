package io.flexigpt.compress;

import io.flexigpt.io.ProgressListener;
import io.flexigpt.nn.LlamaModel;
import io.flexigpt.nn.train.LossFunction;
import io.flexigpt.nn.train.TokenDataset;
import io.flexigpt.nn.train.TrainResult;
import io.flexigpt.nn.train.Trainer;
import io.flexigpt.nn.train.TrainingListener;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The compression pipeline on one teacher: calibration windows and Block Influence importance once, then for
 * each method (by name, {@link CompressionMethod#byId}) compress, recover what the method made trainable
 * (distillation from the teacher, KL + CE; the peak rate fixed or chosen on validation) and measure the result
 * on held-out text (token perplexity, parameter account, phase times, the recovery's loss per step).
 */
public final class CompressionPipeline {
    /** Calibration windows are sampled in batches of this many, from this seed. */
    private static final int CALIBRATION_BATCH = 8;

    private static final long CALIBRATION_SEED = 11;

    private final LlamaModel teacher;
    private final TokenDataset data;
    private final HeldOutText heldOut;
    private final CalibrationData calibration;
    private final double[] scores;
    private final double importanceSeconds;

    private CompressionPipeline(
            LlamaModel teacher,
            TokenDataset data,
            HeldOutText heldOut,
            CalibrationData calibration,
            double[] scores,
            double importanceSeconds) {
        this.teacher = teacher;
        this.data = data;
        this.heldOut = heldOut;
        this.calibration = calibration;
        this.scores = scores;
        this.importanceSeconds = importanceSeconds;
    }

    /**
     * The pipeline on {@code teacher}: {@code calibrationWindows} windows of the held-out window's length are
     * sampled from {@code data}'s training part and score the blocks by Block Influence; recovery trains on
     * {@code data} (its held-out part is the validation text), results are measured on {@code heldOut}.
     */
    public static CompressionPipeline prepare(
            LlamaModel teacher, TokenDataset data, int calibrationWindows, HeldOutText heldOut) {
        CalibrationData calibration = calibration(data, calibrationWindows, heldOut.window());
        long t0 = System.nanoTime();
        double[] scores = new BlockInfluence().finiteScores(teacher, calibration);
        return new CompressionPipeline(teacher, data, heldOut, calibration, scores, seconds(t0));
    }

    /** {@code windows} calibration windows of {@code seqLen} tokens from {@code data}'s training part, as the pipeline samples them. */
    public static CalibrationData calibration(TokenDataset data, int windows, int seqLen) {
        return CalibrationData.sample(data.train(), windows, seqLen, CALIBRATION_BATCH, CALIBRATION_SEED);
    }

    /**
     * How a method runs: the fraction of blocks to prune, the adapter rank, the seed of the method's random
     * choices, the recovery (its rate the peak rate unless {@code chooseLr}: then the rate of
     * {@link RecoverySettings#LR_GRID} with the lowest validation loss after short trials).
     */
    public record RunSettings(double rate, RankSpec rank, long seed, RecoverySettings recovery, boolean chooseLr) {}

    /** Told when recovery is about to run (with its final settings); returns its checkpoint file, or null for none. */
    @FunctionalInterface
    public interface RecoveryStart {
        Path checkpointFor(RecoverySettings settings, LearningRateSearch.Choice choice) throws IOException;
    }

    /** Runs a recovery's trainer (the command line runs it where Ctrl-C stops it at a checkpoint). */
    @FunctionalInterface
    public interface TrainerRun {
        TrainResult run(Trainer trainer) throws IOException;
    }

    /**
     * What a caller sees of a run while it goes: the progress of FlexiGPT's source search, the recovery's
     * training events, the start of recovery (and its checkpoint file) and how its trainer is run.
     */
    public record Hooks(
            ProgressListener sourceSearch,
            TrainingListener training,
            RecoveryStart recoveryStart,
            TrainerRun trainerRun) {
        /** Nothing reported, no checkpoint, the trainer simply run. */
        public static final Hooks NONE =
                new Hooks(ProgressListener.NONE, TrainingListener.NONE, (settings, choice) -> null, Trainer::run);

        public Hooks withSourceSearch(ProgressListener p) {
            return new Hooks(p, training, recoveryStart, trainerRun);
        }

        public Hooks withTraining(TrainingListener t) {
            return new Hooks(sourceSearch, t, recoveryStart, trainerRun);
        }

        public Hooks withRecoveryStart(RecoveryStart r) {
            return new Hooks(sourceSearch, training, r, trainerRun);
        }

        public Hooks withTrainerRun(TrainerRun r) {
            return new Hooks(sourceSearch, training, recoveryStart, r);
        }
    }

    public LlamaModel teacher() {
        return teacher;
    }

    /** The Block Influence score of every block of the teacher. */
    public double[] scores() {
        return scores.clone();
    }

    public double importanceSeconds() {
        return importanceSeconds;
    }

    /** The teacher compressed by {@code method} at {@code rate} and {@code rank}, its random choices from {@code seed}; no recovery. */
    public CompressionResult compress(CompressionMethod method, double rate, RankSpec rank, long seed) {
        return method.apply(teacher, scores, calibration, rate, rank, seed);
    }

    /** Compresses the teacher by {@code method}, recovers and measures it. */
    public CompressionRun run(CompressionMethod method, RunSettings settings, Hooks hooks) throws IOException {
        long t0 = System.nanoTime();
        CompressionResult compressed = method.apply(
                teacher, scores, calibration, settings.rate(), settings.rank(), settings.seed(), hooks.sourceSearch());
        double compressionSeconds = seconds(t0);
        t0 = System.nanoTime();
        RecoverySettings recovery = settings.recovery();
        LearningRateSearch.Choice choice = null;
        double[] losses = new double[0];
        boolean trains = recovery.steps() > 0 && compressed.model().trainableParameterCount() > 0;
        if (trains) {
            LossFunction loss = Recovery.distillation(teacher, 1.0, 1.0);
            if (settings.chooseLr()) {
                choice = LearningRateSearch.choose(
                        compressed.model(),
                        data,
                        recovery,
                        loss,
                        RecoverySettings.LR_GRID,
                        LearningRateSearch.trialSteps(recovery.steps()));
                recovery = recovery.withLr(choice.lr());
            }
            losses = recover(
                    compressed.model(),
                    data,
                    recovery,
                    loss,
                    hooks.recoveryStart().checkpointFor(recovery, choice),
                    hooks);
        }
        double recoverySeconds = seconds(t0);
        return new CompressionRun(
                method,
                compressed,
                trains ? recovery : null,
                choice,
                losses,
                measure(compressed.model()),
                compressionSeconds,
                recoverySeconds);
    }

    /** The held-out perplexity and parameter account of {@code model} (the teacher, a compressed model). */
    public CompressionRun.Measurement measure(LlamaModel model) {
        long t0 = System.nanoTime();
        double ppl = heldOut.perplexity(model);
        return new CompressionRun.Measurement(ppl, ParameterAccount.of(model), seconds(t0));
    }

    /**
     * Recovery training of {@code student} on {@code loss} with {@code settings}, checkpointed to
     * {@code checkpoint} when not null (a rerun resumes from it); returns the training loss per step (NaN for
     * steps an earlier, resumed run did).
     */
    static double[] recover(
            LlamaModel student,
            TokenDataset data,
            RecoverySettings settings,
            LossFunction loss,
            Path checkpoint,
            Hooks hooks)
            throws IOException {
        LossCurve curve = new LossCurve(hooks.training());
        hooks.trainerRun().run(Recovery.trainer(student, data, settings, loss, checkpoint, curve));
        return curve.losses();
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
