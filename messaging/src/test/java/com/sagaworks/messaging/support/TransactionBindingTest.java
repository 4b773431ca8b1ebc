package com.sagaworks.messaging.support;

import org.junit.jupiter.api.Test;
import org.springframework.transaction.IllegalTransactionStateException;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.AbstractPlatformTransactionManager;
import org.springframework.transaction.support.DefaultTransactionStatus;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A transaction binding lives as long as its transaction (or until closed), and is out of sight of a transaction
 * started inside it.
 */
class TransactionBindingTest {

    private static final Object KEY = new Object();

    private final PlainTransactionManager manager = new PlainTransactionManager();
    private final TransactionTemplate outer = new TransactionTemplate(manager);
    private final TransactionTemplate inner = new TransactionTemplate(manager);

    TransactionBindingTest() {
        inner.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    @Test
    void isBoundUntilTheTransactionEnds() {
        outer.executeWithoutResult(status -> {
            TransactionBinding<String> binding = TransactionBinding.bind(KEY, "value");
            assertThat(TransactionBinding.<String>current(KEY)).isEqualTo("value");
            assertThat(binding.value()).isEqualTo("value");
        });
        assertThat(TransactionBinding.<String>current(KEY)).isNull();

        assertThatThrownBy(() -> outer.executeWithoutResult(status -> {
            TransactionBinding.bind(KEY, "rolled back");
            throw new IllegalStateException("rollback");
        })).hasMessage("rollback");
        assertThat(TransactionBinding.<String>current(KEY)).isNull();
    }

    @Test
    void isHiddenFromATransactionStartedInsideAndBackAfterIt() {
        outer.executeWithoutResult(status -> {
            TransactionBinding.bind(KEY, "outer");
            inner.executeWithoutResult(s -> {
                assertThat(TransactionBinding.<String>current(KEY)).isNull();
                TransactionBinding.bind(KEY, "inner");
                assertThat(TransactionBinding.<String>current(KEY)).isEqualTo("inner");
            });
            assertThat(TransactionBinding.<String>current(KEY)).isEqualTo("outer");
        });
        assertThat(TransactionBinding.<String>current(KEY)).isNull();
    }

    @Test
    void closedWhileSuspendedStaysUnbound() {
        outer.executeWithoutResult(status -> {
            TransactionBinding<String> binding = TransactionBinding.bind(KEY, "outer");
            inner.executeWithoutResult(s -> binding.close());
            assertThat(TransactionBinding.<String>current(KEY)).isNull();
        });
    }

    @Test
    void closedBeforeTheEndIsUnboundAndMayBeBoundAgain() {
        outer.executeWithoutResult(status -> {
            try (TransactionBinding<String> ignored = TransactionBinding.bind(KEY, "first")) {
                assertThatThrownBy(() -> TransactionBinding.bind(KEY, "twice"))
                        .isInstanceOf(IllegalStateException.class);
            }
            assertThat(TransactionBinding.<String>current(KEY)).isNull();
            TransactionBinding.bind(KEY, "second");
            assertThat(TransactionBinding.<String>current(KEY)).isEqualTo("second");
        });
        assertThat(TransactionBinding.<String>current(KEY)).isNull();
    }

    @Test
    void needsATransaction() {
        assertThatThrownBy(() -> TransactionBinding.bind(KEY, "value"))
                .isInstanceOf(IllegalTransactionStateException.class);
    }

    /** A transaction manager without a resource: Spring's synchronization, suspension and resumption, nothing else. */
    private static final class PlainTransactionManager extends AbstractPlatformTransactionManager {

        private final ThreadLocal<Object> current = new ThreadLocal<>();

        private record Transaction(Object existing) {
        }

        @Override
        protected Object doGetTransaction() {
            return new Transaction(current.get());
        }

        @Override
        protected boolean isExistingTransaction(Object transaction) {
            return ((Transaction) transaction).existing() != null;
        }

        @Override
        protected void doBegin(Object transaction, TransactionDefinition definition) {
            current.set(transaction);
        }

        @Override
        protected Object doSuspend(Object transaction) {
            Object suspended = current.get();
            current.remove();
            return suspended;
        }

        @Override
        protected void doResume(Object transaction, Object suspendedResources) {
            current.set(suspendedResources);
        }

        @Override
        protected void doCommit(DefaultTransactionStatus status) {
        }

        @Override
        protected void doRollback(DefaultTransactionStatus status) {
        }

        @Override
        protected void doCleanupAfterCompletion(Object transaction) {
            current.remove();
        }
    }
}
