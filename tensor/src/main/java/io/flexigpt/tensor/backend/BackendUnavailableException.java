package io.flexigpt.tensor.backend;

/** A backend cannot run on this machine (no driver, no device, kernels that do not compile). */
public final class BackendUnavailableException extends Exception {
    public BackendUnavailableException(String message) {
        super(message);
    }

    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
