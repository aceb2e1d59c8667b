/**
 * FlexiGPT compression: block importance on calibration text, pruning plans, weight-shared replacement
 * blocks with SVD-initialised low-rank adapters and output scales, recovery training against the
 * uncompressed teacher, extension by shared blocks, the baselines (ShortGPT drop, drop + LoRA, SLEB)
 * and the ablations, the compressed-model format and exact parameter accounting.
 */
package io.flexigpt.compress;
