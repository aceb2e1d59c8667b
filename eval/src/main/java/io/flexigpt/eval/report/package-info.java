/** Writers for evaluation results: JSON, a Markdown table and a self-contained HTML report. */
package io.flexigpt.eval.report;
