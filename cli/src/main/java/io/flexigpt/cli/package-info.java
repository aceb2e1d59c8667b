/** The {@code flexigpt} command: generate, evaluate, score importance, compress, extend, train, and the demo. */
package io.flexigpt.cli;
