package com.sagaworks.system;

import com.sagaworks.system.Invariants.Scope;
import com.sagaworks.system.Invariants.Violation;
import com.sagaworks.system.SagaworksSystem.Customer;
import com.sagaworks.system.SagaworksSystem.Product;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The chaos suite's verdict is only as good as its checker: a unit of stock or a cent that went missing behind
 * the services' back must show as a violation that names the product or the customer.
 */
@ExtendWith(SystemUnderTest.class)
class InvariantCheckerIT {

    private final SagaworksSystem system;

    InvariantCheckerIT(SagaworksSystem system) {
        this.system = system;
    }

    @Test
    void namesTheProductWhoseStockAndTheCustomerWhoseMoneyWentMissing() {
        Product product = system.newProduct(1_000, 10);
        Customer customer = system.newCustomer(5_000);
        Scope scope = new Scope(List.of(product), List.of(customer), Set.of());
        assertThat(system.invariants().violations(scope)).as("before tampering").isEmpty();

        system.db().setAvailable(product.sku(), 9);
        system.db().setBalance(customer.id(), 4_999);

        assertThat(system.invariants().violations(scope))
                .extracting(Violation::invariant, Violation::id)
                .containsExactlyInAnyOrder(
                        tuple("stock conserved", product.sku()),
                        tuple("money conserved", customer.id()));

        system.db().setAvailable(product.sku(), 10);
        system.db().setBalance(customer.id(), 5_000);
        assertThat(system.invariants().violations(scope)).as("after putting things back").isEmpty();
    }
}
