/**
 * Evaluation of language models: perplexity ({@link io.flexigpt.eval.perplexity}), zero-shot tasks
 * scored as lm-evaluation-harness does ({@link io.flexigpt.eval.tasks}) and report writers
 * ({@link io.flexigpt.eval.report}). Models are seen only through {@link io.flexigpt.eval.ScoringModel}.
 */
package io.flexigpt.eval;
