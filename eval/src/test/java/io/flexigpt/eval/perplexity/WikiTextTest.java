package io.flexigpt.eval.perplexity;

import static io.flexigpt.tensor.testing.SeededTheory.qt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.*;

import io.flexigpt.tensor.testing.TestData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

class WikiTextTest {

    @Test
    void numberSeparatorsJoinTheirNeighbours() {
        assertEquals("s-t", WikiText.detokenize("s @-@ t"));
        assertEquals("1,000 people", WikiText.detokenize("1 @,@ 000 people"));
        assertEquals("3.5 km", WikiText.detokenize("3 @.@ 5 km"));
        assertEquals("@-@ t", WikiText.detokenize("@-@ t"), "only a separator with a space on both sides");
    }

    @Test
    void punctuationLosesTheSpaceBeforeItWhenASpaceFollows() {
        assertEquals("a, b. c: d; e! f? g", WikiText.detokenize("a , b . c : d ; e ! f ? g"));
        assertEquals("the end .", WikiText.detokenize("the end ."), "nothing follows, so the rule does not apply");
        assertEquals("end.\n", WikiText.detokenize("end . \n"));
    }

    @Test
    void spacesInsideBracketsAndQuotesGo() {
        assertEquals("(One Direction song)", WikiText.detokenize("( One Direction song )"));
        assertEquals("[1] {x}", WikiText.detokenize("[ 1 ] { x }"));
        assertEquals("as \"Craig\" in", WikiText.detokenize("as \" Craig \" in"));
        assertEquals("'a' b's", WikiText.detokenize("' a ' b 's"));
        assertEquals("(a ( b) c )", WikiText.detokenize("( a ( b ) c )"), "pairs are not nested");
    }

    @Test
    void possessivesAndContractionsJoin() {
        assertEquals("Teddy's Story", WikiText.detokenize("Teddy 's Story"));
        assertEquals("the players' union", WikiText.detokenize("the players ' union"));
        assertEquals(
                "it's John's car",
                WikiText.detokenize("it 's John 's car"),
                "the two apostrophes are first taken for a quoted span, as the harness does");
        assertEquals(
                "Kirby's Block Ball (the players' game)",
                WikiText.detokenize("Kirby 's Block Ball ( the players ' game )"));
    }

    @Test
    void headingsDegreesNewlinesAndNumberPlaceholders() {
        assertEquals(
                "=== X ===\n== X ==\n==== Y ====",
                WikiText.detokenize("= = = X = = =\n = = X = = \n= = = = Y = = = ="));
        assertEquals(" = Robert Boulter =\n\nRobert", WikiText.detokenize(" = Robert Boulter = \n \n Robert"));
        assertEquals("20\u00b0C", WikiText.detokenize("20 \u00b0 C"));
        assertEquals("a\nb", WikiText.detokenize("a \n b"));
        assertEquals("a 1 b", WikiText.detokenize("a N b"));
    }

    @Test
    void theHarnessQuirkOnSlashQuoteDigitIsKept() {
        assertEquals("a /'[0-9]/ b", WikiText.detokenize("a /' 5/ b"));
    }

    /** Without separators, {@code N} placeholders and slashes, detokenizing only ever removes whitespace. */
    @Test
    void detokenizingOnlyRemovesWhitespace() {
        qt(300).forAll(tokenizedText()).checkAssert(text -> {
            String detokenized = WikiText.detokenize(text);
            assertEquals(text.replaceAll("\\s", ""), detokenized.replaceAll("\\s", ""));
            assertTrue(detokenized.length() <= text.length());
        });
    }

    static Gen<String> tokenizedText() {
        Gen<String> token = arbitrary()
                .pick(
                        "word", "s", "'s", "'", "\"", ",", ".", ":", ";", "!", "?", "(", ")", "[", "]", "{", "}", "=",
                        "\u00b0", "\n", "Du", "1", "n't");
        return lists().of(token).ofSizeBetween(0, 40).map(tokens -> String.join(" ", tokens));
    }

    @Test
    void theRawTestFileHasTheArticlesOfTheHarnessDataset() throws Exception {
        String raw = Files.readString(TestData.file("text/wikitext-2-raw/test.txt"));
        List<String> articles = WikiText.articles(raw);
        assertEquals(62, articles.size());
        assertTrue(articles.get(0).startsWith(" = Robert Boulter = \n \n Robert Boulter is an English film"));
        assertTrue(articles.get(61).startsWith(" = The Hustler ( film ) = \n"));
        assertTrue(articles.get(61).endsWith(" \n"), "the last article keeps the file's final newline");
        assertEquals(" \n" + String.join("\n", articles), raw, "nothing but the blank first line is left out");
        assertTrue(articles.get(0).contains("\n = = Career = = \n"), "section headings stay in their article");
        for (String article : articles) {
            assertTrue(article.startsWith(" = ") && !article.startsWith(" = = "), article.substring(0, 40));
            assertFalse(hasTitleAfterTheFirstLine(article), article.substring(0, 40));
        }
        assertTrue(
                articles.get(28).startsWith(" = 1 rad / s and a nominal impedance k = \n"),
                "a formula line in Constant k filter looks like a title to the harness too");
    }

    private static boolean hasTitleAfterTheFirstLine(String article) {
        return article.lines().skip(1).anyMatch(line -> line.matches(" = [^=].* = "));
    }

    @Test
    void detokenizedArticlesMatchTheHarnessRulesRunWithPythonRegularExpressions() throws Exception {
        String raw = Files.readString(TestData.file("text/wikitext-2-raw/test.txt"));
        String joined = String.join(
                "\u0000",
                WikiText.articles(raw).stream().map(WikiText::detokenize).toList());
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(joined.getBytes(StandardCharsets.UTF_8));
        // The harness's splitting and detokenizer rules applied with Python 3's str and re to the same file.
        assertEquals(
                "b0ae50e166add20959a5406d9b3c99fe1f23819ec0a10149047149434fb85d81",
                HexFormat.of().formatHex(digest));
    }

    @Test
    void linesEndingsAreNormalisedAndLeadingTextBecomesAnArticle() {
        assertEquals(
                List.of("intro", " = A = \n x \n = = B = = ", " = C = \n"),
                WikiText.articles("intro\r\n = A = \r\n x \r = = B = = \n = C = \n"));
        assertEquals(List.of(""), WikiText.articles(""));
    }
}
