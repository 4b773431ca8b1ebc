package com.sagaworks.stack;

/**
 * The stack could not do what was asked, for a reason the user can act on (a port in use, a missing jar, a
 * service that never became healthy). The message says what happened and what to do; the launcher prints it
 * without a stack trace.
 */
public class StackException extends RuntimeException {

    public StackException(String message) {
        super(message);
    }

    public StackException(String message, Throwable cause) {
        super(message, cause);
    }
}
