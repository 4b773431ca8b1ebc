package com.sagaworks.order.placement;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdempotencyKeyTest {

    @ParameterizedTest
    @ValueSource(strings = {"k", "0b6f3c1e-8a43-4a8e-9d0b-3f4c5e6d7a8b", "order 42 / attempt #1"})
    void acceptsPrintableKeys(String value) {
        assertThat(new IdempotencyKey(value).value()).isEqualTo(value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "tab\there", "caf\u00e9"})
    void refusesBlankOrNonPrintableKeys(String value) {
        assertThatThrownBy(() -> new IdempotencyKey(value)).isInstanceOf(InvalidIdempotencyKeyException.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {128, 129})
    void allowsAtMost128Characters(int length) {
        String value = "k".repeat(length);
        if (length <= IdempotencyKey.MAX_LENGTH) {
            assertThat(new IdempotencyKey(value).value()).hasSize(length);
        } else {
            assertThatThrownBy(() -> new IdempotencyKey(value)).isInstanceOf(InvalidIdempotencyKeyException.class);
        }
    }
}
