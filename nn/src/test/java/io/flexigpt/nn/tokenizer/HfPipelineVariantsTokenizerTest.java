package io.flexigpt.nn.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.flexigpt.io.Json;
import io.flexigpt.tensor.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The other tokenizer.json pipelines: Metaspace pre-tokenizer and decoder, Llama-3 style Split + ByteLevel, ignore_merges. */
class HfPipelineVariantsTokenizerTest {
    static final String LLAMA3_PATTERN =
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    @TempDir
    Path dir;

    private HfTokenizer load(String name, Map<String, Object> root) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, Json.write(root));
        return HfTokenizer.load(file);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> stories260k() throws IOException {
        return (Map<String, Object>)
                Json.parse(Files.readString(TestData.file("models/stories260K-hf/tokenizer.json")), "stories260K-hf");
    }

    @Test
    void metaspaceStyleFileEncodesAndDecodesLikeTheNormalizerStyleOne() throws IOException {
        HfTokenizer reference = RealTokenizersTest.stories260kHf();
        for (boolean split : new boolean[] {false, true}) {
            Map<String, Object> root = stories260k();
            root.put("normalizer", null);
            root.put(
                    "pre_tokenizer",
                    Map.of("type", "Metaspace", "replacement", "\u2581", "prepend_scheme", "always", "split", split));
            root.put(
                    "decoder",
                    Map.of(
                            "type",
                            "Sequence",
                            "decoders",
                            List.of(
                                    Map.of("type", "ByteFallback"),
                                    Map.of("type", "Metaspace", "replacement", "\u2581", "prepend_scheme", "always"))));
            HfTokenizer metaspace = load("metaspace-" + split + ".json", root);
            for (String p : RealTokenizersTest.paragraphs().subList(0, 150)) {
                int[] ids = reference.encode(p, true, false);
                assertArrayEquals(ids, metaspace.encode(p, true, false), p);
                assertEquals(p, metaspace.decode(ids));
                StreamingDecoder streaming = metaspace.streamingDecoder();
                StringBuilder out = new StringBuilder();
                for (int id : ids) out.append(streaming.next(id));
                assertEquals(p, out.toString());
            }
        }
    }

    @SuppressWarnings("unchecked")
    private HfTokenizer llama3Style(boolean ignoreMerges) throws IOException {
        Map<String, Object> root = ByteLevelBpeTokenizerTest.gpt2Json();
        Map<String, Object> model = (Map<String, Object>) root.get("model");
        ((Map<String, Object>) model.get("vocab")).put("\u0120lower", 262L);
        model.put("ignore_merges", ignoreMerges);
        root.put(
                "pre_tokenizer",
                Map.of(
                        "type",
                        "Sequence",
                        "pretokenizers",
                        List.of(
                                Map.of(
                                        "type",
                                        "Split",
                                        "pattern",
                                        Map.of("Regex", LLAMA3_PATTERN),
                                        "behavior",
                                        "Isolated",
                                        "invert",
                                        false),
                                Map.of(
                                        "type",
                                        "ByteLevel",
                                        "add_prefix_space",
                                        false,
                                        "trim_offsets",
                                        true,
                                        "use_regex",
                                        false))));
        return load("llama3-" + ignoreMerges + ".json", root);
    }

    @Test
    void splitThenByteLevelGroupsDigitsInThrees() throws IOException {
        HfTokenizer tok = llama3Style(false);
        int t = 't', e = 'e', r = 'r', space = ' ';
        assertArrayEquals(
                new int[] {t, 257, space, 260, e, r, space, '1', '2', '3', '4', '5'},
                tok.encode("the lower 12345", false, false));
        assertEquals("the lower 12345\n", tok.decode(tok.encode("the lower 12345\n", false, false)));
    }

    @Test
    void ignoreMergesTakesWholeWordsFromTheVocabulary() throws IOException {
        assertArrayEquals(new int[] {262, ' ', 260}, llama3Style(true).encode(" lower low", false, false));
        assertArrayEquals(
                new int[] {' ', 260, 'e', 'r', ' ', 260}, llama3Style(false).encode(" lower low", false, false));
    }
}
