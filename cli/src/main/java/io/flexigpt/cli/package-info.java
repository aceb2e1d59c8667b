/** The cli layer of FlexiGPT for Java. */
package io.flexigpt.cli;
