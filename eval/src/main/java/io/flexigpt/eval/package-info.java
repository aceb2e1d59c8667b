/** The eval layer of FlexiGPT for Java. */
package io.flexigpt.eval;
