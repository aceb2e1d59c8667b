/** Reading and writing tensors and their metadata: safetensors, half-precision conversion, memory-mapped chunks. */
package io.flexigpt.tensor.io;
