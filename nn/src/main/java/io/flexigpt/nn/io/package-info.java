/** Checkpoint readers and writers: llama2.c {@code .bin}, GGUF, Hugging Face safetensors directories. */
package io.flexigpt.nn.io;
