package io.flexigpt.cli;

/**
 * Renders one user turn (and an optional system message) with the generation prompt, for the chat
 * templates recognised by signature substrings: Llama-3 ({@code <|start_header_id|>}), ChatML as Qwen uses
 * it ({@code <|im_start|>}) and Gemma ({@code <start_of_turn>}). There is no general Jinja engine: any
 * other template is an error.
 */
final class ChatTemplates {
    private ChatTemplates() {}

    /** A recognised template family, with the token that ends a turn. */
    enum Family {
        LLAMA3("<|eot_id|>"), CHATML("<|im_end|>"), GEMMA("<end_of_turn>");

        final String endOfTurn;

        Family(String endOfTurn) {
            this.endOfTurn = endOfTurn;
        }
    }

    static Family recognise(String template) {
        if (template.contains("<|start_header_id|>") && template.contains("<|eot_id|>")) return Family.LLAMA3;
        if (template.contains("<|im_start|>") && template.contains("<|im_end|>")) return Family.CHATML;
        if (template.contains("<start_of_turn>") && template.contains("<end_of_turn>")) return Family.GEMMA;
        throw new IllegalArgumentException("the model's chat template is not one of the recognised ones (Llama-3, ChatML/Qwen, Gemma); "
            + "format the prompt yourself and pass it without --chat");
    }

    /**
     * The prompt text for {@code user} (and {@code system}, null for none) ending with the generation prompt;
     * {@code bosText} is the BOS token's text (empty when there is none). Special tokens appear as text, so the
     * result is encoded without adding BOS.
     */
    static String render(Family family, String bosText, String system, String user) {
        StringBuilder s = new StringBuilder();
        switch (family) {
            case LLAMA3 -> {
                s.append(bosText);
                if (system != null) s.append("<|start_header_id|>system<|end_header_id|>\n\n").append(system.strip()).append("<|eot_id|>");
                s.append("<|start_header_id|>user<|end_header_id|>\n\n").append(user.strip()).append("<|eot_id|>");
                s.append("<|start_header_id|>assistant<|end_header_id|>\n\n");
            }
            case CHATML -> {
                if (system != null) s.append("<|im_start|>system\n").append(system).append("<|im_end|>\n");
                s.append("<|im_start|>user\n").append(user).append("<|im_end|>\n");
                s.append("<|im_start|>assistant\n");
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
