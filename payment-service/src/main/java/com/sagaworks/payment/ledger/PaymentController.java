package com.sagaworks.payment.ledger;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;
import java.util.UUID;

/** Read-only view of what a saga was charged and refunded, for support staff and tests. */
@RestController
class PaymentController {

    private final PaymentLedger ledger;

    PaymentController(PaymentLedger ledger) {
        this.ledger = ledger;
    }

    /** The saga's ledger rows, oldest first; empty when nothing was charged or refunded. */
    @GetMapping("/payments/{sagaId}")
    List<LedgerEntry> of(@PathVariable UUID sagaId) {
        return ledger.entries(sagaId);
    }
}
