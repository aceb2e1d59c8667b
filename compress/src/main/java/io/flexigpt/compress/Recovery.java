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

/**
 * Recovery training of a compressed student against its uncompressed teacher with the {@code nn} trainer:
 * loss = {@code klWeight · KL(teacher || student)} over next-token distributions + {@code ceWeight ·}
 * next-token cross-entropy. Only the student's trainable parameters (its adapters, replacement norms and
 * scales) change; frozen and shared weights stay bit-identical.
 */
public final class Recovery {
    private Recovery() {}

    public static LossFunction distillation(LlamaModel teacher, double klWeight, double ceWeight) {
        return (student, batch) -> {
            Tensor teacherLogits;
            try (NoGrad ignored = NoGrad.enter()) {
                teacherLogits = teacher.forward(batch.inputs()).value();
            }
            Variable logits = student.forward(batch.inputs());
            int vocab = logits.dim(2);
            Variable flat = logits.reshape(-1, vocab);
            Variable loss = Functions.klDivergence(flat, teacherLogits.reshape(-1, vocab)).mul(klWeight);
            if (ceWeight > 0) loss = loss.add(Functions.crossEntropy(flat, batch.flatTargets()).mul(ceWeight));
            return loss;
        };
    }

    public static TrainResult train(LlamaModel teacher, LlamaModel student, TokenDataset data, TrainConfig config, double klWeight, double ceWeight,
                                    Path checkpoint, TrainingListener listener) throws IOException {
        return new Trainer(student, data, config, distillation(teacher, klWeight, ceWeight), checkpoint, listener).run();
    }
}
