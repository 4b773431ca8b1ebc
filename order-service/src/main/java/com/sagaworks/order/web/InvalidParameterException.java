package com.sagaworks.order.web;

/** A query parameter the controller parses itself has an invalid value: a 400 naming the parameter. */
class InvalidParameterException extends RuntimeException {

    private final String parameter;

    InvalidParameterException(String parameter, String message) {
        super(message);
        this.parameter = parameter;
    }

    String parameter() {
        return parameter;
    }
}
