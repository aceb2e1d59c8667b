/** Training: tokenised text datasets with held-out splits, the trainer with checkpoints and exact resume. */
package io.flexigpt.nn.train;
