package io.flexigpt.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.flexigpt.nn.train.TrainingListener;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LossCurveTest {

    @Test
    void recordsEveryStepsLossAndForwardsEveryCall() {
        List<String> forwarded = new ArrayList<>();
        LossCurve recorder = new LossCurve(new TrainingListener() {
            @Override
            public void onStep(int step, int total, double loss, double lr, double tokensPerSecond) {
                forwarded.add("step " + step + "/" + total + " " + loss);
            }

            @Override
            public void onEval(int step, double heldOutLoss) {
                forwarded.add("eval " + step + " " + heldOutLoss);
            }
        });
        // a resumed run: steps 1 and 2 ran before, this run sees 3 and 4
        recorder.onStep(3, 4, 2.5, 1e-3, 100);
        recorder.onEval(3, 2.75);
        recorder.onStep(4, 4, 2.25, 1e-3, 100);
        assertArrayEquals(new double[] {Double.NaN, Double.NaN, 2.5, 2.25}, recorder.losses());
        assertEquals(List.of("step 3/4 2.5", "eval 3 2.75", "step 4/4 2.25"), forwarded);
    }

    @Test
    void withoutAListenerItOnlyRecords() {
        LossCurve recorder = new LossCurve(null);
        recorder.onStep(1, 2, 4.0, 1e-3, 10);
        recorder.onStep(2, 2, 3.0, 1e-3, 10);
        assertArrayEquals(new double[] {4.0, 3.0}, recorder.losses());
    }
}
