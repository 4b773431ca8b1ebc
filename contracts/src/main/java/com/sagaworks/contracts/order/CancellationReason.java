package com.sagaworks.contracts.order;

/** Why an order ended CANCELLED. Part of the public API and of the public order events: append only. */
public enum CancellationReason {
    /** Some line asked for more units than were available. */
    OUT_OF_STOCK,
    /** Some line named a product the catalog does not sell. */
    UNKNOWN_PRODUCT,
    /** The customer's payment was declined. */
    PAYMENT_DECLINED,
    /** order-service refused to confirm the order (approval rule, or the order changed meanwhile). */
    APPROVAL_REFUSED,
    /** The customer cancelled the order before it was confirmed. */
    CANCELLED_BY_CUSTOMER,
    /** A participant did not answer in time and the saga gave up. */
    TIMED_OUT,
    /** Support staff resolved the saga by hand. */
    RESOLVED_BY_OPERATOR
}
