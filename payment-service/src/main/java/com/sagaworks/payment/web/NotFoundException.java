package com.sagaworks.payment.web;

/** A resource the request names does not exist; answered with a 404 problem detail. */
public class NotFoundException extends RuntimeException {

    private final String resource;
    private final String id;

    public NotFoundException(String resource, Object id) {
        super("no " + resource + " " + id);
        this.resource = resource;
        this.id = String.valueOf(id);
    }

    public String resource() {
        return resource;
    }

    public String id() {
        return id;
    }
}
