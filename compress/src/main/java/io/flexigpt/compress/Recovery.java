package io.flexigpt.compress;

import io.flexigpt.autograd.Functions;
import io.flexigpt.autograd.NoGrad;
import io.flexigpt.autograd.Variable;
import io.flexigpt.nn.LlamaModel;
import io.flexigpt.nn.train.LossFunction;
import io.flexigpt.nn.train.TokenDataset;
import io.flexigpt.nn.train.TrainConfig;
import io.flexigpt.nn.train.TrainResult;
import io.flexigpt.nn.train.Trainer;
import io.flexigpt.nn.train.TrainingListener;
import io.flexigpt.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Recovery training of a compressed student against its uncompressed teacher with the {@code nn} trainer:
 * loss = {@code klWeight · KL(teacher || student)} over next-token distributions + {@code ceWeight ·}
 * next-token cross-entropy (optionally + normalised per-block feature matching). Only the student's trainable parameters (its adapters, replacement norms and
 * scales) change; frozen and shared weights stay bit-identical.
 */
public final class Recovery {
    private Recovery() {}

    public static LossFunction distillation(LlamaModel teacher, double klWeight, double ceWeight) {
        return distillation(teacher, klWeight, ceWeight, 0.0);
    }

    /**
     * As {@link #distillation(LlamaModel, double, double)}, plus {@code featureWeight ·} the mean over blocks
     * of the squared difference between the RMS-normalised outputs of student and teacher block i (only
     * for students with the teacher's depth, such as FlexiGPT's; 0 turns it off).
     */
    public static LossFunction distillation(
            LlamaModel teacher, double klWeight, double ceWeight, double featureWeight) {
        return (student, batch) -> {
            Tensor teacherLogits;
            List<Tensor> teacherFeatures = new ArrayList<>();
            try (NoGrad ignored = NoGrad.enter()) {
                teacherLogits = teacher.forward(
                                batch.inputs(),
                                0,
                                null,
                                featureWeight > 0 ? (i, in, out) -> teacherFeatures.add(out.value()) : null)
                        .value();
            }
            List<Variable> studentFeatures = new ArrayList<>();
            Variable logits = student.forward(
                    batch.inputs(), 0, null, featureWeight > 0 ? (i, in, out) -> studentFeatures.add(out) : null);
            int vocab = logits.dim(2);
            Variable flat = logits.reshape(-1, vocab);
            Variable loss = Functions.distillation(
                    flat, teacherLogits.reshape(-1, vocab), batch.flatTargets(), klWeight, ceWeight);
            if (featureWeight > 0) {
                if (studentFeatures.size() != teacherFeatures.size()) {
                    throw new IllegalArgumentException("feature matching needs the teacher's depth: student has "
                            + studentFeatures.size() + " blocks, teacher " + teacherFeatures.size());
                }
                Variable match = null;
                for (int i = 0; i < studentFeatures.size(); i++) {
                    Tensor t = teacherFeatures.get(i);
                    Tensor tn = t.div(t.square().mean(-1, true).add(1e-6).sqrt());
                    Variable sv = studentFeatures.get(i);
                    Variable sn = sv.div(sv.square().mean(-1, true).add(1e-6).sqrt());
                    Variable term = Functions.mse(sn, Variable.constant(tn));
                    match = match == null ? term : match.add(term);
                }
                loss = loss.add(match.mul(featureWeight / studentFeatures.size()));
            }
            return loss;
        };
    }

    public static TrainResult train(
            LlamaModel teacher,
            LlamaModel student,
            TokenDataset data,
            TrainConfig config,
            double klWeight,
            double ceWeight,
            Path checkpoint,
            TrainingListener listener)
            throws IOException {
        return new Trainer(student, data, config, distillation(teacher, klWeight, ceWeight), checkpoint, listener)
                .run();
    }

    /** Validation windows scored for the held-out loss of a recovery (see {@link #validationLoss}). */
    static final int VALIDATION_WINDOWS = 64;

    /**
     * The trainer of {@code student} with {@code settings} on {@code loss} (for a recovery:
     * {@link #distillation(LlamaModel, double, double)}) over {@code data}, whose held-out part is the
     * validation text; with a {@code checkpoint} file it resumes and checkpoints.
     */
    public static Trainer trainer(
            LlamaModel student,
            TokenDataset data,
            RecoverySettings settings,
            LossFunction loss,
            Path checkpoint,
            TrainingListener listener) {
        return new Trainer(student, data, settings.trainConfig(0, VALIDATION_WINDOWS), loss, checkpoint, listener);
    }

    /** Mean next-token cross-entropy of {@code model} on the first validation windows of {@code data}, as the recovery measures it. */
    public static double validationLoss(LlamaModel model, TokenDataset data, RecoverySettings settings) {
        return new Trainer(
                        model,
                        data,
                        settings.withSteps(Math.max(1, settings.steps())).trainConfig(0, VALIDATION_WINDOWS),
                        LossFunction.crossEntropy(),
                        null,
                        null)
                .heldOutLoss();
    }
}
