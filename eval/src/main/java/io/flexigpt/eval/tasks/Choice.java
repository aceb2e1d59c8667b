package io.flexigpt.eval.tasks;

/**
 * One option of a task item as the model is asked about it: the log-likelihood of
 * {@code continuation} given {@code context}.
 *
 * @param normLength characters (code points) of the choice text, the divisor of acc_norm; as in
 *     lm-evaluation-harness it excludes the space that separates the choice from the context
 */
public record Choice(String context, String continuation, int normLength) {

    /** A choice {@code text} answered after {@code context}, separated by one space. */
    public static Choice answer(String context, String text) {
        return new Choice(context, " " + text, text.codePointCount(0, text.length()));
    }
}
