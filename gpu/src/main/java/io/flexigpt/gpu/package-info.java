/** The gpu layer of FlexiGPT for Java. */
package io.flexigpt.gpu;
