package com.sagaworks.payment.ledger;

import com.sagaworks.contracts.SagaId;
import com.sagaworks.contracts.payment.PaymentDeclined;
import com.sagaworks.payment.provider.IdempotencyKey;

import java.time.Instant;
import java.util.UUID;

/**
 * One row of {@code provider_attempt}: a charge or refund of a saga at the external provider.
 *
 * @param attempts  provider rounds started so far; also the token of the current claim
 * @param nextTryAt when the worker may call next; null when decided or parked
 */
public record ProviderAttempt(UUID sagaId, LedgerEntryKind kind, String idempotencyKey, UUID orderId,
                              String customerId, long amountCents, ProviderAttemptStatus status,
                              PaymentDeclined.Reason declineReason, String declineDetail, int attempts,
                              String lastError, Instant nextTryAt, Instant createdAt, Instant updatedAt) {

    /** The key every call for this money movement carries. */
    static IdempotencyKey keyOf(UUID sagaId, LedgerEntryKind kind) {
        return new IdempotencyKey(SagaId.of(sagaId), IdempotencyKey.Operation.valueOf(kind.name()));
    }

    IdempotencyKey key() {
        return keyOf(sagaId, kind);
    }
}
