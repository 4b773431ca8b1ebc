package com.sagaworks.order.web;

import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;

/**
 * Answer to {@code GET /orders?customerId=..}: one page of the customer's orders, newest first.
 *
 * @param size    the page size used (a larger one asked for is shortened to the maximum)
 * @param hasNext whether page {@code page + 1} has orders; no total is counted, which would cost a scan of
 *                the customer's whole history on every page
 */
@Schema(name = "OrderPage", description = "One page of a customer's orders, newest first.")
record OrderPage(List<OrderView> items,
                 @Schema(description = "Zero-based page number.") int page,
                 @Schema(description = "Page size used; a larger size asked for is shortened to the maximum.") int size,
                 @Schema(description = "Whether the next page has orders.") boolean hasNext) {
}
