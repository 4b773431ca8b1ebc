package com.sagaworks.order.web;

import com.sagaworks.contracts.CustomerId;
import com.sagaworks.contracts.inventory.OrderLine;
import com.sagaworks.order.placement.PlaceOrder;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import java.util.List;

/** Body of {@code POST /orders}. Clients never send prices: inventory prices the lines during the saga. */
record PlaceOrderRequest(
        @NotBlank @Size(max = 64) @PrintableText String customerId,
        @NotNull @Size(min = 1, max = PlaceOrder.MAX_LINES) @DistinctSkus List<@NotNull @Valid Line> lines) {

    /** One product and how many of it. */
    record Line(@NotBlank @Size(max = 64) @PrintableText String sku, @NotNull @Min(1) @Max(1000) Integer quantity) {
    }

    PlaceOrder toCommand() {
        return new PlaceOrder(CustomerId.of(customerId),
                lines.stream().map(line -> new OrderLine(line.sku(), line.quantity())).toList());
    }
}
