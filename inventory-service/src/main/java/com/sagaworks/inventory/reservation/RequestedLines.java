package com.sagaworks.inventory.reservation;

import com.sagaworks.contracts.inventory.OrderLine;
import com.sagaworks.messaging.consumer.PermanentMessageException;

import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The quantities a ReserveStock asks for, one entry per sku, in sku order (the order rows are locked in).
 * Two lines naming the same sku are summed rather than refused: the order clearly wants both, and a
 * reservation holds one line per product.
 */
final class RequestedLines {

    private RequestedLines() {
    }

    static SortedMap<String, Integer> of(List<OrderLine> lines) {
        if (lines.isEmpty()) {
            throw new PermanentMessageException("ReserveStock has no lines");
        }
        SortedMap<String, Integer> quantities = new TreeMap<>();
        for (OrderLine line : lines) {
            try {
                quantities.merge(line.sku(), line.quantity(), Math::addExact);
            } catch (ArithmeticException e) {
                throw new PermanentMessageException("quantity of " + line.sku() + " overflows", e);
            }
        }
        return quantities;
    }
}
