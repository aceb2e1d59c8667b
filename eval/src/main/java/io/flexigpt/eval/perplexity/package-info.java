/**
 * Perplexity over text: non-overlapping windows (as pruning papers report), the Hugging Face sliding
 * window, and lm-evaluation-harness rolling windows with its word perplexity, byte perplexity and bits
 * per byte.
 */
package io.flexigpt.eval.perplexity;
