package com.sagaworks.contracts;

import com.sagaworks.contracts.inventory.ReleaseStock;
import com.sagaworks.contracts.inventory.ReserveStock;
import com.sagaworks.contracts.inventory.StockRejected;
import com.sagaworks.contracts.inventory.StockReleased;
import com.sagaworks.contracts.inventory.StockReserved;
import com.sagaworks.contracts.order.ApproveOrder;
import com.sagaworks.contracts.order.CancelOrder;
import com.sagaworks.contracts.order.OrderApprovalRefused;
import com.sagaworks.contracts.order.OrderApproved;
import com.sagaworks.contracts.order.OrderCancellationRecorded;
import com.sagaworks.contracts.order.OrderCancelled;
import com.sagaworks.contracts.order.OrderConfirmed;
import com.sagaworks.contracts.order.OrderEvent;
import com.sagaworks.contracts.order.OrderPlaced;
import com.sagaworks.contracts.payment.ChargePayment;
import com.sagaworks.contracts.payment.PaymentCharged;
import com.sagaworks.contracts.payment.PaymentDeclined;
import com.sagaworks.contracts.payment.PaymentRefunded;
import com.sagaworks.contracts.payment.RefundPayment;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every message type on the wire: its logical name (the {@code message-type} header), its record class
 * and the topic it travels on. The logical name is the record's simple name, so renaming a record is a
 * wire change and the tests pin the list.
 */
public final class MessageCatalog {

    /** One message type. */
    public record Entry(String typeName, Class<?> type, String topic) {

        /** The record key: the saga id for saga messages, the order id for public order events. */
        public String keyOf(Object message) {
            return switch (message) {
                case SagaMessage m -> m.sagaId().toString();
                case OrderEvent e -> e.orderId().toString();
                default -> throw new IllegalArgumentException("no key rule for " + message.getClass());
            };
        }
    }

    private static final List<Entry> ENTRIES = List.of(
            entry(ReserveStock.class, Topics.INVENTORY_COMMANDS),
            entry(ReleaseStock.class, Topics.INVENTORY_COMMANDS),
            entry(StockReserved.class, Topics.INVENTORY_REPLIES),
            entry(StockRejected.class, Topics.INVENTORY_REPLIES),
            entry(StockReleased.class, Topics.INVENTORY_REPLIES),
            entry(ChargePayment.class, Topics.PAYMENT_COMMANDS),
            entry(RefundPayment.class, Topics.PAYMENT_COMMANDS),
            entry(PaymentCharged.class, Topics.PAYMENT_REPLIES),
            entry(PaymentDeclined.class, Topics.PAYMENT_REPLIES),
            entry(PaymentRefunded.class, Topics.PAYMENT_REPLIES),
            entry(ApproveOrder.class, Topics.ORDER_COMMANDS),
            entry(CancelOrder.class, Topics.ORDER_COMMANDS),
            entry(OrderApproved.class, Topics.ORDER_REPLIES),
            entry(OrderApprovalRefused.class, Topics.ORDER_REPLIES),
            entry(OrderCancellationRecorded.class, Topics.ORDER_REPLIES),
            entry(OrderPlaced.class, Topics.ORDER_EVENTS),
            entry(OrderConfirmed.class, Topics.ORDER_EVENTS),
            entry(OrderCancelled.class, Topics.ORDER_EVENTS));

    private static final Map<String, Entry> BY_NAME = new LinkedHashMap<>();
    private static final Map<Class<?>, Entry> BY_CLASS = new LinkedHashMap<>();

    static {
        for (Entry e : ENTRIES) {
            if (BY_NAME.put(e.typeName(), e) != null) {
                throw new IllegalStateException("duplicate message type name " + e.typeName());
            }
            BY_CLASS.put(e.type(), e);
        }
    }

    private MessageCatalog() {
    }

    private static Entry entry(Class<?> type, String topic) {
        return new Entry(type.getSimpleName(), type, topic);
    }

    public static List<Entry> entries() {
        return ENTRIES;
    }

    public static Optional<Entry> byName(String typeName) {
        return Optional.ofNullable(BY_NAME.get(typeName));
    }

    public static Entry byClass(Class<?> type) {
        Entry e = BY_CLASS.get(type);
        if (e == null) {
            throw new IllegalArgumentException("not a catalogued message type: " + type.getName());
        }
        return e;
    }

    public static Entry of(Object message) {
        return byClass(message.getClass());
    }
}
