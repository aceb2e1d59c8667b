package io.flexigpt.eval.tasks;

/** Which metrics a task reports, following lm-evaluation-harness's task definitions. */
public enum Scoring {
    /** Highest log-likelihood wins (acc) and highest log-likelihood per character (acc_norm). */
    ACC_AND_ACC_NORM,
    /** Highest log-likelihood wins (acc only: WinoGrande partial scoring, BoolQ). */
    ACC,
    /**
     * One continuation per item: acc is whether every continuation token is the greedy prediction,
     * perplexity is {@code exp(-mean log-likelihood)} over items (LAMBADA).
     */
    GREEDY_CONTINUATION
}
