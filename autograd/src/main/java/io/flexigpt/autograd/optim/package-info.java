/** Optimisers (SGD, AdamW), parameter groups, learning-rate schedules and gradient clipping. */
package io.flexigpt.autograd.optim;
