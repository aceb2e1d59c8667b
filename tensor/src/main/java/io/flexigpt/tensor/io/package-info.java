/** Reading and writing tensors and their metadata: safetensors, JSON, half-precision conversion. */
package io.flexigpt.tensor.io;
