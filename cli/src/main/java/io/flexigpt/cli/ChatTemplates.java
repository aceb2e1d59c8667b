package io.flexigpt.cli;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders one user turn (and an optional system message) with the generation prompt, for the chat
 * templates recognised by signature substrings: Llama-3 ({@code <|start_header_id|>}), ChatML as Qwen uses
 * it ({@code <|im_start|>}) and Gemma ({@code <start_of_turn>}). Two variants are rendered as their templates
 * render them: Llama-3.1's system header stating the knowledge cutoff and today's date, and Qwen3's
 * {@code enable_thinking} switch. There is no general Jinja engine: any other template is an error.
 */
final class ChatTemplates {
    private ChatTemplates() {}

    /** A recognised template family, with the token that ends a turn. */
    enum Family {
        LLAMA3("<|eot_id|>"),
        CHATML("<|im_end|>"),
        GEMMA("<end_of_turn>");

        final String endOfTurn;

        Family(String endOfTurn) {
            this.endOfTurn = endOfTurn;
        }
    }

    /**
     * A recognised template. {@code knowledgeCutoff} (e.g. "December 2023") is set when a Llama-3 template opens
     * every conversation with a system header stating it and today's date; {@code fixedDate} is the date such a
     * template states when it has no clock (Llama-3.1's {@code date_string} default), null when it asks for
     * today's ({@code strftime_now}). {@code thinkingSwitch}: the template reads {@code enable_thinking}.
     */
    record Template(Family family, String knowledgeCutoff, String fixedDate, boolean thinkingSwitch) {}

    private static final Pattern KNOWLEDGE = Pattern.compile("Cutting Knowledge Date: ([^\"'\\\\\\n]+)");
    private static final Pattern DEFAULT_DATE = Pattern.compile("set\\s+date_string\\s*=\\s*[\"']([^\"']+)[\"']");
    /** What Python's {@code strftime("%d %b %Y")} writes, e.g. "03 Dec 2026". */
    private static final DateTimeFormatter STRFTIME_DATE = DateTimeFormatter.ofPattern("dd MMM yyyy", Locale.ENGLISH);

    static Template recognise(String template) {
        if (template.contains("<|start_header_id|>") && template.contains("<|eot_id|>")) {
            Matcher k = KNOWLEDGE.matcher(template);
            if (!k.find()) return new Template(Family.LLAMA3, null, null, false);
            Matcher d = DEFAULT_DATE.matcher(template);
            String fixed = template.contains("strftime_now") || !d.find() ? null : d.group(1);
            return new Template(Family.LLAMA3, k.group(1).strip(), fixed, false);
        }
        if (template.contains("<|im_start|>") && template.contains("<|im_end|>"))
            return new Template(Family.CHATML, null, null, template.contains("enable_thinking"));
        if (template.contains("<start_of_turn>") && template.contains("<end_of_turn>"))
            return new Template(Family.GEMMA, null, null, false);
        throw new IllegalArgumentException(
                "the model's chat template is not one of the recognised ones (Llama-3, ChatML/Qwen, Gemma); "
                        + "format the prompt yourself and pass it without --chat");
    }

    /**
     * The prompt text for {@code user} (and {@code system}, null for none) ending with the generation prompt;
     * {@code bosText} is the BOS token's text (empty when there is none); {@code today} is the date a Llama-3.x
     * system header states when its template asks for the current one; {@code thinking} is Qwen3's
     * {@code enable_thinking} (null: the template's default, thinking on; false: an empty think block). Special
     * tokens appear as text, so the result is encoded without adding BOS.
     */
    static String render(Template t, String bosText, String system, String user, LocalDate today, Boolean thinking) {
        if (thinking != null && !t.thinkingSwitch()) {
            throw new IllegalArgumentException(
                    "--think / --no-think: the model's chat template has no enable_thinking switch");
        }
        StringBuilder s = new StringBuilder();
        switch (t.family()) {
            case LLAMA3 -> {
                s.append(bosText);
                if (t.knowledgeCutoff() != null) {
                    String date = t.fixedDate() != null ? t.fixedDate() : STRFTIME_DATE.format(today);
                    s.append("<|start_header_id|>system<|end_header_id|>\n\n")
                            .append("Cutting Knowledge Date: ")
                            .append(t.knowledgeCutoff())
                            .append('\n')
                            .append("Today Date: ")
                            .append(date)
                            .append("\n\n")
                            .append(system == null ? "" : system.strip())
                            .append("<|eot_id|>");
                } else if (system != null) {
                    s.append("<|start_header_id|>system<|end_header_id|>\n\n")
                            .append(system.strip())
                            .append("<|eot_id|>");
                }
                s.append("<|start_header_id|>user<|end_header_id|>\n\n")
                        .append(user.strip())
                        .append("<|eot_id|>");
                s.append("<|start_header_id|>assistant<|end_header_id|>\n\n");
            }
            case CHATML -> {
                if (system != null)
                    s.append("<|im_start|>system\n").append(system).append("<|im_end|>\n");
                s.append("<|im_start|>user\n").append(user).append("<|im_end|>\n");
                s.append("<|im_start|>assistant\n");
                if (Boolean.FALSE.equals(thinking)) s.append("<think>\n\n</think>\n\n");
            }
            case GEMMA -> {
                s.append(bosText).append("<start_of_turn>user\n");
                if (system != null) s.append(system.strip()).append("\n\n");
                s.append(user.strip()).append("<end_of_turn>\n");
                s.append("<start_of_turn>model\n");
            }
        }
        return s.toString();
    }
}
