/** The compress layer of FlexiGPT for Java. */
package io.flexigpt.compress;
