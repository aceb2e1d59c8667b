/**
 * Perplexity over text: non-overlapping windows (as pruning papers report), the Hugging Face sliding
 * window, and lm-evaluation-harness rolling windows with its word perplexity, byte perplexity and bits
 * per byte. WikiText files can be read as the harness's {@code wikitext} task reads them: cut into
 * articles and detokenized ({@link io.flexigpt.eval.perplexity.TextFormat#WIKITEXT}).
 */
package io.flexigpt.eval.perplexity;
