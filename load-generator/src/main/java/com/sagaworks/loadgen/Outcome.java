package com.sagaworks.loadgen;

/** What a saga ended as, seen from the order's final status and reason. */
enum Outcome {
    /** CONFIRMED: stock reserved, customer charged, order approved. */
    SUCCESS,
    /** CANCELLED with PAYMENT_DECLINED: the customer could not pay, the reservation was released. */
    DECLINED,
    /** CANCELLED with OUT_OF_STOCK: nothing was reserved or charged. */
    OUT_OF_STOCK,
    /** CANCELLED for any other reason (timed out, approval refused, ...): the benchmark did not ask for these. */
    OTHER;

    static Outcome of(String status, String reason) {
        if ("CONFIRMED".equals(status)) {
            return SUCCESS;
        }
        if ("PAYMENT_DECLINED".equals(reason)) {
            return DECLINED;
        }
        if ("OUT_OF_STOCK".equals(reason)) {
            return OUT_OF_STOCK;
        }
        return OTHER;
    }

    String label() {
        return name().toLowerCase().replace('_', '-');
    }
}
