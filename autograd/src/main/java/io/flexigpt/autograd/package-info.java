/** The autograd layer of FlexiGPT for Java. */
package io.flexigpt.autograd;
