package io.flexigpt.cli;

import static org.junit.jupiter.api.Assertions.*;

import io.flexigpt.nn.tokenizer.Llama2cTokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/** The demo's BPE trainer: byte fallback makes every string round-trip; the merges it learns are used. */
class BpeTrainerTest {
    private static final List<String> CORPUS = corpus();
    private static Path dir;
    private static Llama2cTokenizer tokenizer;

    private static List<String> corpus() {
        List<String> lines = new ArrayList<>();
        String[] base = {"the committee has adopted the report on the budget", "we should vote on the amendments to the resolution today",
            "the commission and the council have reached an agreement", "this is a question of the rights of the citizens of the union"};
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

    @AfterContainer
    static void cleanUp() throws IOException {
        if (dir == null) return;
        Files.deleteIfExists(dir.resolve("tokenizer.bin"));
        Files.deleteIfExists(dir);
    }

    @Property(tries = 300)
    void decodeInvertsEncode(@ForAll("texts") String s) {
        Llama2cTokenizer tok = tokenizer();
        assertEquals(s, tok.decode(tok.encode(s, false, false)));
    }

    @Provide
    Arbitrary<String> texts() {
        Arbitrary<String> english = Arbitraries.of(CORPUS).list().ofMaxSize(3).map(l -> String.join(" ", l));
        Arbitrary<String> any = Arbitraries.integers().between(0, 0x10FFFF).filter(cp -> cp < 0xD800 || cp > 0xDFFF).list().ofMaxSize(30)
                .map(cps -> new String(cps.stream().mapToInt(Integer::intValue).toArray(), 0, cps.size()));
        Arbitrary<String> mixed = Arbitraries.strings().withCharRange(' ', '~').withChars("\n\t\u00e9\u00fc\u20ac").ofMaxLength(60);
        return Arbitraries.oneOf(english, any, mixed);
    }

    @Property(tries = 1)
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
