package com.sagaworks.payment.ledger;

import java.time.Instant;
import java.util.UUID;

/** One row of the append-only payment ledger. */
public record LedgerEntry(long id, UUID sagaId, UUID orderId, String customerId, LedgerEntryKind kind,
                          long amountCents, Instant createdAt) {
}
