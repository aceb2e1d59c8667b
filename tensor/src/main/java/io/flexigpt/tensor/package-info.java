/** The tensor layer of FlexiGPT for Java. */
package io.flexigpt.tensor;
