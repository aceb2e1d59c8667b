package io.flexigpt.nn;

/**
 * How the rotary embedding pairs the features of a head: {@link #INTERLEAVED} pairs (2i, 2i+1) as Meta's
 * original code, llama2.c and GGUF files do; {@link #ROTATE_HALF} pairs (i, i + headDim/2) as Hugging Face
 * does. Checkpoints store q/k weights for one of the two; the model applies the matching rotation.
 */
public enum RopeLayout {
    INTERLEAVED, ROTATE_HALF;

    /** This layout as the tensor kernels and the compute backends name it (the only translation between the two). */
    public io.flexigpt.tensor.RopeLayout kernelLayout() {
        return switch (this) {
            case INTERLEAVED -> io.flexigpt.tensor.RopeLayout.INTERLEAVED;
            case ROTATE_HALF -> io.flexigpt.tensor.RopeLayout.ROTATE_HALF;
        };
    }
}
