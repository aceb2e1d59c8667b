package io.flexigpt.eval.report;

import static io.flexigpt.tensor.testing.SeededTheory.qt;
import static org.junit.jupiter.api.Assertions.*;
import static org.quicktheories.generators.SourceDSL.*;

import org.junit.jupiter.api.Test;

/** The one Markdown table writer: header, alignment rule, rows; any cell text keeps the table's shape. */
class MarkdownTableTest {
    @Test
    void headerRuleAndRows() {
        MarkdownTable t = new MarkdownTable().left("method").right("ppl");
        assertEquals("| FlexiGPT | 12.5 |", t.row("FlexiGPT", 12.5));
        t.row("drop", 20);
        assertEquals("| method | ppl |\n|---|---:|\n| FlexiGPT | 12.5 |\n| drop | 20 |\n", t.toString());
    }

    @Test
    void anyCellTextStaysInItsCell() {
        qt(200).forAll(
                        strings().allPossible().ofLengthBetween(0, 12),
                        strings().allPossible().ofLengthBetween(0, 12))
                .checkAssert((a, b) -> {
                    String line = new MarkdownTable().left("a").right("b").row(a, b);
                    assertTrue(line.indexOf('\n') < 0 && line.indexOf('\r') < 0, "one line: " + line);
                    assertEquals(
                            3,
                            line.replace("\\|", "")
                                    .chars()
                                    .filter(c -> c == '|')
                                    .count(),
                            "three unescaped bars: " + line);
                });
    }

    @Test
    void aRowMustFillEveryColumn() {
        MarkdownTable t = new MarkdownTable().left("a").left("b");
        assertThrows(IllegalArgumentException.class, () -> t.row("only one"));
        t.row("x", "y");
        assertThrows(IllegalStateException.class, () -> t.left("late"));
    }
}
