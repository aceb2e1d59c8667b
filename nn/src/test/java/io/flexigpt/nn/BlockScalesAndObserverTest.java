package io.flexigpt.nn;

import static io.flexigpt.tensor.testing.SeededTheory.qt;
import static org.junit.jupiter.api.Assertions.*;
import static org.quicktheories.generators.SourceDSL.*;

import io.flexigpt.autograd.NoGrad;
import io.flexigpt.autograd.Variable;
import io.flexigpt.tensor.RopeLayout;
import io.flexigpt.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Per-channel residual output scales of a block act channel by channel (zero scales make the block the
 * identity, unit scales a plain block) and are named in the state dict; a {@link BlockObserver} sees
 * every block's input and output in order, chained into the final logits.
 */
class BlockScalesAndObserverTest {
    static final LlamaConfig CONFIG = TinyModels.config(2, 2, 4, 3, 10, 9, 16, false, RopeLayout.ROTATE_HALF);

    static TransformerBlock scaled(TransformerBlock b, Tensor attentionScale, Tensor mlpScale) {
        return new TransformerBlock(b.attentionNorm(), b.attention(), b.mlpNorm(), b.mlp(), attentionScale, mlpScale);
    }

    @Test
    void outputScalesActPerChannel() {
        qt(20).forAll(integers().between(0, 15), integers().between(1, 5), longs().all())
                .checkAssert((channel, length, seed) -> {
                    LlamaModel model = TinyModels.model(CONFIG, seed);
                    TransformerBlock plain = model.blocks().get(1);
                    int d = CONFIG.dim();
                    try (NoGrad ignored = NoGrad.enter()) {
                        Variable x = model.embed(new int[][] {TinyModels.tokens(seed, length, CONFIG.vocabSize())});
                        Tensor in = x.value();
                        assertEquals(
                                0.0,
                                scaled(plain, Tensor.zeros(d), Tensor.zeros(d))
                                        .forward(x, 0, null)
                                        .value()
                                        .maxAbsDiff(in));
                        assertEquals(
                                0.0,
                                scaled(plain, Tensor.ones(d), Tensor.ones(d))
                                        .forward(x, 0, null)
                                        .value()
                                        .maxAbsDiff(plain.forward(x, 0, null).value()));

                        Tensor oneHot = Tensor.zeros(d);
                        oneHot.setInPlace(1, channel);
                        Tensor out = scaled(plain, Tensor.zeros(d), oneHot)
                                .forward(x, 0, null)
                                .value();
                        Tensor delta = out.sub(in);
                        for (int t = 0; t < length; t++) {
                            for (int i = 0; i < d; i++) {
                                if (i != channel)
                                    assertEquals(
                                            0.0,
                                            delta.get(0, t, i),
                                            "channel " + i + " changed though only " + channel + " is scaled");
                            }
                        }
                        assertTrue(delta.abs().sum() > 0, "the scaled channel did not change");
                    }
                });
    }

    @Test
    void scalesAreNamedParametersOfTheModel() {
        LlamaModel model = LlamaModel.random(CONFIG, 2);
        long before = model.parameterCount();
        model.blocks().replace(2, scaled(model.blocks().get(2), Tensor.ones(16), Tensor.full(0.5f, 16)));
        assertEquals(before + 32, model.parameterCount());
        assertEquals(
                0.5, model.stateDict().get("model.layers.2.mlp_output_scale").get(3), 0.0);
        assertTrue(model.stateDict().containsKey("model.layers.2.attn_output_scale"));
        assertFalse(model.stateDict().containsKey("model.layers.1.attn_output_scale"));
    }

    @Test
    void theObserverSeesEveryBlockChainedIntoTheLogits() {
        LlamaModel model = TinyModels.model(CONFIG, 4);
        int[][] tokens = {{1, 5, 2, 8}};
        List<Integer> order = new ArrayList<>();
        List<Tensor[]> seen = new ArrayList<>();
        try (NoGrad ignored = NoGrad.enter()) {
            Tensor logits = model.forward(tokens, 0, null, (index, in, out) -> {
                        order.add(index);
                        seen.add(new Tensor[] {in.value(), out.value()});
                    })
                    .value();
            assertEquals(List.of(0, 1, 2), order);
            assertEquals(0.0, seen.get(0)[0].maxAbsDiff(model.embed(tokens).value()));
            for (int i = 1; i < 3; i++) assertSame(seen.get(i - 1)[1], seen.get(i)[0]);
            assertEquals(
                    0.0, model.head(Variable.constant(seen.get(2)[1])).value().maxAbsDiff(logits));
            assertTrue(seen.get(1)[1].maxAbsDiff(seen.get(1)[0]) > 0);
        }
    }
}
