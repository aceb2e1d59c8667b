package io.flexigpt.eval.tasks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexigpt.io.FormatException;
import io.flexigpt.tensor.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TasksTest {

    private static Task real(String name, String file) throws Exception {
        Path tasksDir = TestData.file(file).getParent().getParent();
        return Tasks.load(name, tasksDir);
    }

    private static void assertFirst(Task task, int count, String context, String continuation, int gold) {
        assertEquals(count, task.items().size(), task.name());
        TaskItem first = task.items().get(0);
        assertEquals(context, first.choices().get(0).context());
        assertEquals(continuation, first.choices().get(0).continuation());
        assertEquals(gold, first.gold());
    }

    @Test
    void arcEasy() throws Exception {
        Task task = real("arc_easy", "tasks/arc-easy/arc_easy.jsonl");
        assertFirst(
                task,
                2376,
                "Question: Which statement best explains why photosynthesis is the foundation of most"
                        + " food webs?\nAnswer:",
                " Sunlight is the source of energy for nearly all ecosystems.",
                0);
        assertEquals(Scoring.ACC_AND_ACC_NORM, task.scoring());
        assertEquals(
                "Sunlight is the source of energy for nearly all ecosystems.".length(),
                task.items().get(0).choices().get(0).normLength());
        assertTrue(task.items().stream().allMatch(i -> i.choices().size() == 4));
    }

    @Test
    void arcChallenge() throws Exception {
        assertFirst(
                real("arc_challenge", "tasks/arc-challenge/arc_challenge.jsonl"),
                1172,
                "Question: An astronomer observes that a planet rotates faster after a meteorite impact. Which is"
                        + " the most likely effect of this increase in rotation?\nAnswer:",
                " Planetary density will decrease.",
                2);
    }

    @Test
    void piqa() throws Exception {
        Task task = real("piqa", "tasks/piqa/valid.jsonl");
        assertFirst(
                task,
                1838,
                "Question: How do I ready a guinea pig cage for it's new occupants?\nAnswer:",
                " Provide the guinea pig with a cage full of a few inches of bedding made of ripped paper strips,"
                        + " you will also need to supply it with a water bottle and a food dish.",
                0);
        assertEquals(1, task.items().get(1).gold());
        assertEquals(
                " finish, woodgrain with  bobby pin ",
                task.items().get(1).choices().get(1).continuation());
    }

    @Test
    void winogrande() throws Exception {
        Task task = real("winogrande", "tasks/winogrande/winogrande.jsonl");
        assertFirst(
                task, 1267, "Sarah was a much better surgeon than Maria so Sarah", " always got the easier cases.", 1);
        assertEquals(
                "Sarah was a much better surgeon than Maria so Maria",
                task.items().get(0).choices().get(1).context());
        assertEquals(
                " always got the easier cases.",
                task.items().get(0).choices().get(1).continuation());
        assertEquals(Scoring.ACC, task.scoring());
    }

    @Test
    void winograndeGoldAgreesWithTheOriginalLabels() throws Exception {
        Task task = real("winogrande", "tasks/winogrande/winogrande.jsonl");
        List<String> labels = Files.readAllLines(TestData.file("tasks/winogrande/dev-labels.lst"));
        for (int i = 0; i < labels.size(); i++) {
            assertEquals(
                    Integer.parseInt(labels.get(i).strip()), task.items().get(i).gold() + 1);
        }
    }

    @Test
    void boolq() throws Exception {
        Task task = real("boolq", "tasks/boolq/val.jsonl");
        TaskItem first = task.items().get(0);
        assertEquals(3270, task.items().size());
        String context = first.choices().get(0).context();
        assertTrue(context.startsWith("Ethanol fuel -- All biomass goes through at least some of these steps"));
        assertTrue(context.endsWith("\nQuestion: does ethanol take more energy make that produces?\nAnswer:"));
        assertEquals(" no", first.choices().get(0).continuation());
        assertEquals(" yes", first.choices().get(1).continuation());
        assertEquals(0, first.gold());
        assertEquals(2033, task.items().stream().filter(i -> i.gold() == 1).count());
    }

    @Test
    void openBookQa() throws Exception {
        Task task = real("openbookqa", "tasks/openbookqa/test.tsv");
        assertFirst(
                task,
                500,
                "A person wants to start saving money so that they can afford a nice vacation at the end of the"
                        + " year. After looking over their budget and expenses, they decide the best way to save"
                        + " money is to",
                " make more phone calls",
                1);
        assertEquals(
                " quit eating lunch out", task.items().get(0).choices().get(1).continuation());
        assertEquals(Scoring.ACC_AND_ACC_NORM, task.scoring());
        assertTrue(task.items().stream().allMatch(i -> i.choices().size() == 4));
    }

    @Test
    void openBookQaFromTheOriginalTsvAndFromLlmFoundryJsonlAreTheSame500Items() throws Exception {
        Task tsv = Tasks.openBookQaTsv(TestData.file("tasks/openbookqa/test.tsv"));
        Task jsonl = Tasks.openBookQa(TestData.file("tasks/openbookqa/openbook_qa.jsonl"));
        assertEquals(500, tsv.items().size());
        for (int i = 0; i < 500; i++) {
            assertEquals(jsonl.items().get(i), tsv.items().get(i), "item " + i);
        }
        long[] perLabel = new long[4];
        tsv.items().forEach(i -> perLabel[i.gold()]++);
        assertArrayEquals(new long[] {138, 126, 132, 104}, perLabel, "answer keys A, B, C, D in the file");
    }

    @Test
    void tasksLoadPrefersTheOpenBookQaTsvAndFallsBackToTheJsonl(@TempDir Path dir) throws Exception {
        Path folder = Files.createDirectories(dir.resolve("openbookqa"));
        Files.writeString(
                folder.resolve("openbook_qa.jsonl"), "{\"query\": \"q\", \"choices\": [\"a\", \"b\"], \"gold\": 0}\n");
        assertEquals(
                "q",
                Tasks.load("openbookqa", dir).items().get(0).choices().get(0).context());
        Files.writeString(
                folder.resolve("test.tsv"),
                OpenBookQaTsv.HEADER + "\n7\tStem (A) x\t(A) a (B) b (B) c\tStem (A) x (A) a (B) b (B) c\t B\n");
        TaskItem item = Tasks.load("openbookqa", dir).items().get(0);
        assertEquals("Stem (A) x", item.choices().get(0).context());
        assertEquals(
                List.of(" a", " b (B) c"),
                item.choices().stream().map(Choice::continuation).toList());
        assertEquals(1, item.gold());
    }

    @Test
    void malformedOpenBookQaRowsAreReportedWithFileAndLine(@TempDir Path dir) throws Exception {
        String good = "1\tq\t(A) a (B) b (C) c (D) d\tq (A) a (B) b (C) c (D) d\tC\n";
        assertTsvError(dir, "ID\tQuestion\n" + good, "line 1", "header");
        assertTsvError(dir, OpenBookQaTsv.HEADER + "\n" + good + "\n2\tq\t(A) a (B) b\tC\n", "line 4", "found 4");
        assertTsvError(dir, OpenBookQaTsv.HEADER + "\n" + good + "2\tq\t(A) a (C) c\tq\tA\n", "line 3", "choices");
        assertTsvError(dir, OpenBookQaTsv.HEADER + "\n" + good + "2\tq\tA) a B) b\tq\tA\n", "line 3", "choices");
        assertTsvError(dir, OpenBookQaTsv.HEADER + "\n" + good + "2\tq\t(A) a (B)  (C) c\tq\tA\n", "line 3", "choices");
        assertTsvError(
                dir, OpenBookQaTsv.HEADER + "\n" + good + "2\tq\t(A) a (B) b\tq\tC\n", "line 3", "answer key \"C\"");
        assertTsvError(
                dir, OpenBookQaTsv.HEADER + "\n" + good + "2\tq\t(A) a (B) b\tq\t\n", "line 3", "answer key \"\"");
        assertTsvError(dir, "", "line 1", "header");
    }

    private static void assertTsvError(Path dir, String content, String line, String mention) throws Exception {
        Path file = dir.resolve("broken.tsv");
        Files.writeString(file, content);
        FormatException e = assertThrows(FormatException.class, () -> Tasks.openBookQaTsv(file));
        assertTrue(e.getMessage().startsWith(file + " " + line + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(mention), e.getMessage());
    }

    @Test
    void lambada() throws Exception {
        Task task = real("lambada_openai", "tasks/lambada/lambada_openai.jsonl");
        assertEquals(5153, task.items().size());
        Choice first = task.items().get(0).choices().get(0);
        assertTrue(
                first.context().startsWith("In my palm is a clear stone, and inside it is a small ivory statuette."));
        assertTrue(first.context().endsWith("I don't care about"));
        assertEquals(" signs", first.continuation());
        assertEquals(Scoring.GREEDY_CONTINUATION, task.scoring());
    }

    @Test
    void hellaswagInLlmFoundryFormat() throws Exception {
        Task task = real("hellaswag", "tasks/hellaswag/hellaswag_small.jsonl");
        assertFirst(
                task,
                4,
                "Removing ice from car: Then, the man writes over the snow covering the window of a car,"
                        + " and a woman wearing winter clothes smiles. Then",
                " , the man adds wax to the windshield and cuts it.",
                3);
        assertEquals(
                " , the man continues removing the snow on his car.",
                task.items().get(0).choices().get(3).continuation());
    }

    @Test
    void hellaswagInItsOriginalFormatGetsTheHarnessPreprocessing(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("hellaswag_val.jsonl");
        Files.writeString(
                file,
                "{\"ind\": 24, \"activity_label\": \"Removing ice from car\", \"ctx_a\": \"Then, the man"
                        + " writes over the snow covering the window of a car, and a woman wearing winter clothes smiles.\","
                        + " \"ctx_b\": \"then\", \"ctx\": \"unused\", \"split\": \"val\", \"split_type\": \"indomain\","
                        + " \"label\": \"3\", \"endings\": [\", the man adds wax to the windshield and cuts it.\", \"b\","
                        + " \"c [header] d\", \"  Do it [title] Then  rest \"]}\n");
        Task task = Tasks.hellaswag(file);
        TaskItem item = task.items().get(0);
        assertEquals(
                "Removing ice from car: Then, the man writes over the snow covering the window of a car, and a"
                        + " woman wearing winter clothes smiles. Then",
                item.choices().get(0).context());
        assertEquals(" c d", item.choices().get(2).continuation());
        assertEquals(" Do it. Then rest", item.choices().get(3).continuation());
        assertEquals(3, item.gold());
        assertEquals("Then", HellaSwagText.capitalize("tHEN"));
    }

    @Test
    void aMalformedLineIsReportedWithFileAndLineNumber(@TempDir Path dir) throws Exception {
        String good = "{\"query\": \"Question: q\", \"choices\": [\"a\", \"b\"], \"gold\": 1}\n";
        assertLineError(dir, good + "{\"query\": \"Question: q\", \"choices\": [\"a\"\n", "line 2", null);
        assertLineError(dir, good + "\n" + "{\"query\": \"Question: q\", \"gold\": 0}\n", "line 3", "choices");
        assertLineError(dir, good + "{\"query\": \"q\", \"choices\": [\"a\", \"b\"], \"gold\": 2}\n", "line 2", "gold");
        assertLineError(dir, good + "{\"query\": 5, \"choices\": [\"a\", \"b\"], \"gold\": 0}\n", "line 2", "query");
        assertLineError(dir, "[1, 2]\n", "line 1", "object");
    }

    private static void assertLineError(Path dir, String content, String line, String mention) throws Exception {
        Path file = dir.resolve("arc_broken.jsonl");
        Files.writeString(file, content);
        FormatException e = assertThrows(FormatException.class, () -> Tasks.arc("arc_easy", file));
        assertTrue(e.getMessage().contains("arc_broken.jsonl"), e.getMessage());
        assertTrue(e.getMessage().contains(line), e.getMessage());
        if (mention != null) {
            assertTrue(e.getMessage().contains(mention), e.getMessage());
        }
    }

    @Test
    void piqaLabelsMustBeZeroOrOneAndMatchTheItems(@TempDir Path dir) throws Exception {
        Path items = dir.resolve("valid.jsonl");
        Path labels = dir.resolve("valid-labels.lst");
        Files.writeString(items, "{\"goal\": \"g\", \"sol1\": \"a\", \"sol2\": \"b\"}\n".repeat(2));
        Files.writeString(labels, "0\n2\n");
        FormatException bad = assertThrows(FormatException.class, () -> Tasks.piqa(items, labels));
        assertTrue(bad.getMessage().contains("valid-labels.lst line 2"), bad.getMessage());
        Files.writeString(labels, "0\n");
        FormatException count = assertThrows(FormatException.class, () -> Tasks.piqa(items, labels));
        assertTrue(count.getMessage().contains("1 labels"), count.getMessage());
    }

    @Test
    void boolqLabelsMayBeBooleansOrStrings(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("val.jsonl");
        Files.writeString(
                file,
                "{\"question\": \"q\", \"passage\": \"p\", \"label\": true}\n"
                        + "{\"question\": \"q\", \"passage\": \"p\", \"label\": \"false\"}\n"
                        + "{\"question\": \"q\", \"passage\": \"p\", \"label\": \"maybe\"}\n");
        FormatException e = assertThrows(FormatException.class, () -> Tasks.boolq(file));
        assertTrue(e.getMessage().contains("line 3"), e.getMessage());
        Files.writeString(file, "{\"question\": \"q\", \"passage\": \"p\", \"label\": true}\n");
        assertEquals(
                "p\nQuestion: q?\nAnswer:",
                Tasks.boolq(file).items().get(0).choices().get(1).context());
        assertEquals(1, Tasks.boolq(file).items().get(0).gold());
    }

    @Test
    void unknownTaskNamesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Tasks.load("mmlu", Path.of(".")));
    }
}
