/** The nn layer of FlexiGPT for Java. */
package io.flexigpt.nn;
