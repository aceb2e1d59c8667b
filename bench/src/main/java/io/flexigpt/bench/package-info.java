/** The bench layer of FlexiGPT for Java. */
package io.flexigpt.bench;
