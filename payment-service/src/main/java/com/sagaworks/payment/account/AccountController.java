package com.sagaworks.payment.account;

import com.sagaworks.payment.web.NotFoundException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** Read-only view of a customer's balance. */
@RestController
class AccountController {

    private final AccountRepository accounts;

    AccountController(AccountRepository accounts) {
        this.accounts = accounts;
    }

    @GetMapping("/accounts/{customerId}")
    Account one(@PathVariable String customerId) {
        return accounts.find(customerId).orElseThrow(() -> new NotFoundException("account", customerId));
    }
}
