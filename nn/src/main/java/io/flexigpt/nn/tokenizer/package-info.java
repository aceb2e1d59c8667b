/** Tokenizers: llama2.c {@code .bin} vocabularies, Hugging Face {@code tokenizer.json} BPE, GGUF vocabularies. */
package io.flexigpt.nn.tokenizer;
