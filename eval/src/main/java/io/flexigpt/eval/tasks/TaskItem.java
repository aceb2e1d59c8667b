package io.flexigpt.eval.tasks;

import java.util.List;

/**
 * One question: its choices and the index of the right one. A greedy-continuation task (LAMBADA) has
 * one choice and gold 0.
 */
public record TaskItem(List<Choice> choices, int gold) {

    public TaskItem {
        choices = List.copyOf(choices);
        if (choices.isEmpty() || gold < 0 || gold >= choices.size()) {
            throw new IllegalArgumentException("gold " + gold + " is not one of " + choices.size() + " choices");
        }
    }
}
