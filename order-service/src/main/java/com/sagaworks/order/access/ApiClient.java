package com.sagaworks.order.access;

import com.sagaworks.contracts.CustomerId;
import com.sagaworks.order.ClientId;
import com.sagaworks.order.Order;

import java.util.Objects;
import java.util.Set;

/**
 * An authenticated caller of the order API and the customers it may act for. It places orders for those
 * customers only and sees only the orders it placed itself.
 *
 * @param customers      the customers it may act for; ignored when {@code anyCustomer}
 * @param anyCustomer    a trusted backend configured with {@code customers: ["*"]}
 * @param readsAllOrders a support tool (such as the orchestrator's admin view) that may read any client's
 *                       orders; it still places, cancels and lists only as itself
 */
public record ApiClient(ClientId id, Set<String> customers, boolean anyCustomer, boolean readsAllOrders) {

    public ApiClient {
        Objects.requireNonNull(id, "client id");
        customers = Set.copyOf(customers);
    }

    public boolean mayActFor(CustomerId customer) {
        return anyCustomer || customers.contains(customer.value());
    }

    /** @throws UnknownCustomerException when this client may not act for {@code customer} */
    public void requireMayActFor(CustomerId customer) {
        if (!mayActFor(customer)) {
            throw new UnknownCustomerException(id, customer);
        }
    }

    /**
     * Whether this client may see {@code order}: it placed the order, and the customer is still one of its
     * customers (a customer removed from a client's configuration takes its orders out of view too).
     */
    public boolean owns(Order order) {
        return order.clientId().equals(id) && mayActFor(order.customerId());
    }

    /** Whether this client may read {@code order} (get it, wait for it, stream it): its own, or any for support. */
    public boolean mayRead(Order order) {
        return readsAllOrders || owns(order);
    }

    @Override
    public String toString() {
        return id.value();
    }
}
