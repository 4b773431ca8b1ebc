package com.sagaworks.order.access;

import com.sagaworks.contracts.CustomerId;
import com.sagaworks.order.ClientId;

/** The client asked to act for a customer that is not one of its customers. A client error: nothing changed. */
public class UnknownCustomerException extends RuntimeException {

    private final transient CustomerId customer;

    UnknownCustomerException(ClientId client, CustomerId customer) {
        super("client " + client + " may not act for customer " + customer);
        this.customer = customer;
    }

    public CustomerId customer() {
        return customer;
    }
}
