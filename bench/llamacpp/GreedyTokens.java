import io.flexigpt.nn.Generator;
import io.flexigpt.nn.LlamaModel;
import io.flexigpt.nn.SamplingConfig;
import io.flexigpt.nn.io.Checkpoint;
import io.flexigpt.nn.io.Checkpoints;
import io.flexigpt.nn.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The project's side of the llama.cpp check: greedy decoding of a GGUF file with the vocabulary it carries, printed
 * in the format of greedy.mjs. Run as a single source file with the CLI jar on the class path:
 * {@code java -cp cli/target/flexigpt.jar bench/llamacpp/GreedyTokens.java MODEL.gguf PROMPT MAX_TOKENS}.
 */
public class GreedyTokens {
    public static void main(String[] args) throws Exception {
        Checkpoint c = Checkpoints.load(Path.of(args[0]));
        Tokenizer tok = c.tokenizer();
        int[] prompt = tok.encode(args[1], true, false);
        int[] out = new Generator(LlamaModel.fromCheckpoint(c)).generate(prompt, Integer.parseInt(args[2]), SamplingConfig.greedy(),
                new int[] {tok.bosId(), tok.eosId()}, id -> true);
        System.out.println("prompt: " + Arrays.stream(prompt).mapToObj(Integer::toString).collect(Collectors.joining(" ")));
        System.out.println("tokens: " + Arrays.stream(out).mapToObj(Integer::toString).collect(Collectors.joining(" ")));
    }
}
