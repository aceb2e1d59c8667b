package io.flexigpt.eval.tasks;

import io.flexigpt.io.FormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Loaders for the zero-shot tasks, each building prompts exactly as lm-evaluation-harness's task of the
 * same name does. A malformed line gives a {@link FormatException} naming the file and line.
 */
public final class Tasks {
    /** Task names accepted by {@link #load(String, Path)}, in lm-evaluation-harness spelling. */
    public static final List<String> NAMES = List.of(
            "arc_easy", "arc_challenge", "piqa", "winogrande", "boolq", "openbookqa", "lambada_openai", "hellaswag");

    /** Other spellings accepted for the task names (the data folders' names). */
    static final java.util.Map<String, String> ALIASES = java.util.Map.of(
            "arc-easy",
            "arc_easy",
            "arc-challenge",
            "arc_challenge",
            "lambada",
            "lambada_openai",
            "lambada-openai",
            "lambada_openai",
            "obqa",
            "openbookqa");

    private Tasks() {}

    /** The lm-evaluation-harness name of a task given by that name or an alias; unknown names are an error. */
    public static String canonicalName(String name) {
        String canonical = NAMES.contains(name) ? name : ALIASES.get(name);
        if (canonical == null) {
            throw new IllegalArgumentException("unknown task '" + name + "'; known: " + NAMES + " (aliases: "
                    + new java.util.TreeSet<>(ALIASES.keySet()) + ")");
        }
        return canonical;
    }

    /**
     * Loads a task by name from a folder laid out like the project's {@code data/tasks}
     * ({@code arc-easy/arc_easy.jsonl}, {@code piqa/valid.jsonl} + {@code valid-labels.lst}, ...).
     * OpenBookQA is read from the original {@code openbookqa/test.tsv} when it is there, else from
     * {@code openbookqa/openbook_qa.jsonl}.
     */
    public static Task load(String name, Path tasksDir) throws IOException {
        return switch (name) {
            case "arc_easy" -> arc(name, tasksDir.resolve("arc-easy/arc_easy.jsonl"));
            case "arc_challenge" -> arc(name, tasksDir.resolve("arc-challenge/arc_challenge.jsonl"));
            case "piqa" -> piqa(tasksDir.resolve("piqa/valid.jsonl"), tasksDir.resolve("piqa/valid-labels.lst"));
            case "winogrande" -> winogrande(tasksDir.resolve("winogrande/winogrande.jsonl"));
            case "boolq" -> boolq(tasksDir.resolve("boolq/val.jsonl"));
            case "openbookqa" -> openBookQaIn(tasksDir.resolve("openbookqa"));
            case "lambada_openai" -> lambada(tasksDir.resolve("lambada/lambada_openai.jsonl"));
            case "hellaswag" -> hellaswag(tasksDir.resolve("hellaswag/hellaswag_small.jsonl"));
            default -> throw new IllegalArgumentException("unknown task " + name + "; known: " + NAMES);
        };
    }

    /**
     * ARC (Easy or Challenge) in llm-foundry's {@code {"query","choices","gold"}} format. The harness
     * prompt is {@code "Question: {question}\nAnswer:"}; the query holds {@code "Question: ..."} and
     * {@code "\nAnswer:"} is appended unless already there. Choices follow after a space.
     */
    public static Task arc(String name, Path file) throws IOException {
        List<TaskItem> items = new ArrayList<>();
        for (JsonLine line : LineFiles.jsonLines(file)) {
            String query = line.string("query");
            String context = query.endsWith("Answer:") ? query : query + "\nAnswer:";
            items.add(answers(line, context, line.strings("choices"), line.integer("gold")));
        }
        return new Task(name, Scoring.ACC_AND_ACC_NORM, items);
    }

    /**
     * PIQA in its original format: {@code {"goal","sol1","sol2"}} lines and a label file with one
     * 0 or 1 per line. Prompt {@code "Question: {goal}\nAnswer:"}, choices sol1 and sol2.
     */
    public static Task piqa(Path file, Path labelsFile) throws IOException {
        List<JsonLine> lines = LineFiles.jsonLines(file);
        List<LineFiles.NumberedLine> labels = LineFiles.lines(labelsFile);
        if (labels.size() != lines.size()) {
            throw new FormatException(
                    labelsFile + ": has " + labels.size() + " labels but " + file + " has " + lines.size() + " items");
        }
        List<TaskItem> items = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            JsonLine line = lines.get(i);
            String label = labels.get(i).text().strip();
            if (!label.equals("0") && !label.equals("1")) {
                throw new FormatException(labelsFile + " line " + labels.get(i).number()
                        + ": expected label 0 or 1, found \"" + label + "\"");
            }
            String context = "Question: " + line.string("goal") + "\nAnswer:";
            items.add(
                    answers(line, context, List.of(line.string("sol1"), line.string("sol2")), Integer.parseInt(label)));
        }
        return new Task("piqa", Scoring.ACC_AND_ACC_NORM, items);
    }

    /**
     * WinoGrande in llm-foundry's schema format {@code {"context_options"[2],"continuation","gold"}}
     * (the blank already filled with each option). Partial scoring: the shared continuation is scored
     * after each context; acc only.
     */
    public static Task winogrande(Path file) throws IOException {
        List<TaskItem> items = new ArrayList<>();
        for (JsonLine line : LineFiles.jsonLines(file)) {
            String continuation = line.string("continuation");
            List<Choice> choices = new ArrayList<>();
            for (String context : line.strings("context_options")) {
                choices.add(Choice.answer(context, continuation));
            }
            items.add(item(line, choices, line.integer("gold")));
        }
        return new Task("winogrande", Scoring.ACC, items);
    }

    /**
     * BoolQ in SuperGLUE layout {@code {"question","passage","label"}}, label a boolean or the string
     * "true"/"false". Prompt {@code "{passage}\nQuestion: {question}?\nAnswer:"}, choices " no" and
     * " yes"; acc only.
     */
    public static Task boolq(Path file) throws IOException {
        List<TaskItem> items = new ArrayList<>();
        for (JsonLine line : LineFiles.jsonLines(file)) {
            String context = line.string("passage") + "\nQuestion: " + line.string("question") + "?\nAnswer:";
            items.add(answers(line, context, List.of("no", "yes"), line.bool("label") ? 1 : 0));
        }
        return new Task("boolq", Scoring.ACC, items);
    }

    /**
     * OpenBookQA in llm-foundry's {@code {"query","choices","gold"}} format: the bare question stem,
     * as the harness's {@code question_stem}.
     */
    public static Task openBookQa(Path file) throws IOException {
        List<TaskItem> items = new ArrayList<>();
        for (JsonLine line : LineFiles.jsonLines(file)) {
            items.add(answers(line, line.string("query"), line.strings("choices"), line.integer("gold")));
        }
        return new Task("openbookqa", Scoring.ACC_AND_ACC_NORM, items);
    }

    /**
     * OpenBookQA in AI2's original TSV ({@code ID, Question Stem, Choices, Complete Question, Answer
     * Key}, choices written {@code "(A) ... (B) ... (C) ... (D) ..."}), built as the harness's
     * {@code openbookqa} task builds it: the question stem is the context, each choice text is an
     * answer after a space, and gold is the answer key's position among the labels. A wrong column
     * count, choices that cannot be cut at their labels or an answer key that is not a label is a
     * {@link FormatException} naming the file and line.
     */
    public static Task openBookQaTsv(Path file) throws IOException {
        return new Task("openbookqa", Scoring.ACC_AND_ACC_NORM, OpenBookQaTsv.items(file));
    }

    private static Task openBookQaIn(Path folder) throws IOException {
        Path original = folder.resolve("test.tsv");
        return Files.exists(original) ? openBookQaTsv(original) : openBookQa(folder.resolve("openbook_qa.jsonl"));
    }

    /**
     * LAMBADA (OpenAI detokenized) as {@code {"context","continuation"}} with the bare last word:
     * the continuation is {@code " " + word}, scored for greedy match and log-likelihood.
     */
    public static Task lambada(Path file) throws IOException {
        List<TaskItem> items = new ArrayList<>();
        for (JsonLine line : LineFiles.jsonLines(file)) {
            items.add(item(line, List.of(Choice.answer(line.string("context"), line.string("continuation"))), 0));
        }
        return new Task("lambada_openai", Scoring.GREEDY_CONTINUATION, items);
    }

    /**
     * HellaSwag, either original lines ({@code activity_label, ctx_a, ctx_b, endings, label}) or
     * llm-foundry's {@code {"query","choices","gold"}}. Context and endings go through the harness's
     * preprocessing ({@link HellaSwagText}); the context is
     * {@code activity_label + ": " + ctx_a + " " + capitalize(ctx_b)}.
     */
    public static Task hellaswag(Path file) throws IOException {
        List<TaskItem> items = new ArrayList<>();
        for (JsonLine line : LineFiles.jsonLines(file)) {
            String context;
            List<String> endings;
            int gold;
            if (line.has("query")) {
                context = line.string("query");
                endings = line.strings("choices");
                gold = line.integer("gold");
            } else {
                context = line.string("activity_label") + ": " + line.string("ctx_a") + " "
                        + HellaSwagText.capitalize(line.string("ctx_b"));
                endings = line.strings("endings");
                gold = line.integer("label");
            }
            List<String> cleaned =
                    endings.stream().map(HellaSwagText::preprocess).toList();
            items.add(answers(line, HellaSwagText.preprocess(context), cleaned, gold));
        }
        return new Task("hellaswag", Scoring.ACC_AND_ACC_NORM, items);
    }

    private static TaskItem answers(JsonLine line, String context, List<String> texts, int gold)
            throws FormatException {
        List<Choice> choices = new ArrayList<>();
        for (String text : texts) {
            choices.add(Choice.answer(context, text));
        }
        return item(line, choices, gold);
    }

    private static TaskItem item(JsonLine line, List<Choice> choices, int gold) throws FormatException {
        if (choices.size() < 1 || gold < 0 || gold >= choices.size()) {
            throw line.error("gold index " + gold + " is not one of " + choices.size() + " choices");
        }
        return new TaskItem(choices, gold);
    }
}
