package com.sagaworks.payment.ledger;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;
import java.util.UUID;

/** Read-only view of what a saga was charged and refunded, and of its provider attempts, for support and tests. */
@RestController
class PaymentController {

    private final PaymentLedger ledger;
    private final ProviderAttempts attempts;

    PaymentController(PaymentLedger ledger, ProviderAttempts attempts) {
        this.ledger = ledger;
        this.attempts = attempts;
    }

    /** The saga's ledger rows, oldest first; empty when nothing was charged or refunded. */
    @GetMapping("/payments/{sagaId}")
    List<LedgerEntry> of(@PathVariable UUID sagaId) {
        return ledger.entries(sagaId);
    }

    /**
     * The saga's attempts at the external provider: pending ones (and parked refunds, {@code nextTryAt} null)
     * are what support looks at; empty with the in-database provider.
     */
    @GetMapping("/payments/{sagaId}/attempts")
    List<ProviderAttempt> attempts(@PathVariable UUID sagaId) {
        return attempts.ofSaga(sagaId);
    }
}
