package io.flexigpt.nn.tokenizer;

import static io.flexigpt.tensor.testing.SeededTheory.qt;
import static org.junit.jupiter.api.Assertions.*;
import static org.quicktheories.generators.SourceDSL.*;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/** The BPE trainer: byte fallback makes every string round-trip; the merges it learns are used. */
class BpeTrainerTest {
    private static final List<String> CORPUS = corpus();
    private static Path dir;
    private static Llama2cTokenizer tokenizer;

    private static List<String> corpus() {
        List<String> lines = new ArrayList<>();
        String[] base = {
            "the committee has adopted the report on the budget",
            "we should vote on the amendments to the resolution today",
            "the commission and the council have reached an agreement",
            "this is a question of the rights of the citizens of the union"
        };
        for (int i = 0; i < 40; i++) lines.add(base[i % base.length] + " " + i);
        return lines;
    }

    private static synchronized Llama2cTokenizer tokenizer() {
        if (tokenizer == null) {
            try {
                dir = Files.createTempDirectory("bpe");
                BpeTrainer.train(CORPUS, 400, dir.resolve("tokenizer.bin"));
                tokenizer = Llama2cTokenizer.load(dir.resolve("tokenizer.bin"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return tokenizer;
    }

    @AfterAll
    static void cleanUp() throws IOException {
        if (dir == null) return;
        Files.deleteIfExists(dir.resolve("tokenizer.bin"));
        Files.deleteIfExists(dir);
    }

    @Test
    void decodeInvertsEncode() {
        qt(300).forAll(texts()).checkAssert(s -> {
            Llama2cTokenizer tok = tokenizer();
            assertEquals(s, tok.decode(tok.encode(s, false, false)));
        });
    }

    static Gen<String> texts() {
        Gen<String> english =
                lists().of(arbitrary().pick(CORPUS)).ofSizeBetween(0, 3).map(l -> String.join(" ", l));
        Gen<String> any = lists().of(integers().between(0, 0x10FFFF).assuming(cp -> cp < 0xD800 || cp > 0xDFFF))
                .ofSizeBetween(0, 30)
                .map(cps -> new String(cps.stream().mapToInt(Integer::intValue).toArray(), 0, cps.size()));
        Gen<Character> printable = Generate.frequency(
                Pair.of(95, Generate.characters(' ', '~')),
                Pair.of(5, arbitrary().pick('\n', '\t', '\u00e9', '\u00fc', '\u20ac')));
        Gen<String> mixed = lists().of(printable)
                .ofSizeBetween(0, 60)
                .map(chars -> chars.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining()));
        return Generate.oneOf(english, any, mixed);
    }

    @Test
    void vocabularyHasSpecialsBytesAndMerges() {
        Llama2cTokenizer tok = tokenizer();
        assertTrue(tok.vocabSize() <= 400 && tok.vocabSize() > 300, "size " + tok.vocabSize());
        assertEquals("<unk>", tok.piece(0));
        assertEquals(1, tok.bosId());
        assertEquals(2, tok.eosId());
        for (int b = 0; b < 256; b++) assertEquals(String.format("<0x%02X>", b), tok.piece(3 + b));
        int[] ids = tok.encode("the committee has adopted the report", false, false);
        assertTrue(ids.length <= 6, "frequent words become single tokens: " + ids.length);
        int[] unseen = tok.encode("\u4e2d", false, false);
        assertEquals(4, unseen.length, "dummy-prefix space and three byte tokens");
    }
}
