/**
 * Zero-shot tasks (ARC, PIQA, WinoGrande, BoolQ, OpenBookQA, LAMBADA, HellaSwag) loaded from their
 * files and scored as lm-evaluation-harness scores them: acc, acc_norm and standard errors.
 */
package io.flexigpt.eval.tasks;
