package com.sagaworks.order.web;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.ValidatorFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class PlaceOrderRequestValidationTest {

    private static ValidatorFactory factory;
    private static Validator validator;

    @BeforeAll
    static void createValidator() {
        factory = Validation.buildDefaultValidatorFactory();
        validator = factory.getValidator();
    }

    @AfterAll
    static void closeValidator() {
        factory.close();
    }

    private static PlaceOrderRequest request(String customerId, PlaceOrderRequest.Line... lines) {
        return new PlaceOrderRequest(customerId, lines == null ? null : Arrays.asList(lines));
    }

    private static PlaceOrderRequest.Line line(String sku, Integer quantity) {
        return new PlaceOrderRequest.Line(sku, quantity);
    }

    private static Set<String> invalidFields(PlaceOrderRequest request) {
        return validator.validate(request).stream()
                .map(ConstraintViolation::getPropertyPath)
                .map(Object::toString)
                .collect(Collectors.toSet());
    }

    @Test
    void acceptsAWellFormedRequest() {
        assertThat(invalidFields(request("alice", line("A", 1), line("B", 1000)))).isEmpty();
    }

    @Test
    void refusesTheSameSkuOnTwoLines() {
        assertThat(invalidFields(request("alice", line("A", 1), line("A", 2)))).containsExactly("lines");
    }

    @Test
    void refusesQuantitiesOutsideOneToAThousand() {
        assertThat(invalidFields(request("alice", line("A", 0), line("B", 1001), line("C", null))))
                .containsExactlyInAnyOrder("lines[0].quantity", "lines[1].quantity", "lines[2].quantity");
    }

    @Test
    void refusesBlankOrOverlongCustomersAndSkus() {
        assertThat(invalidFields(request(" ", line("A", 1)))).containsExactly("customerId");
        assertThat(invalidFields(request("c".repeat(65), line("A", 1)))).containsExactly("customerId");
        assertThat(invalidFields(request("alice", line("", 1)))).containsExactly("lines[0].sku");
        assertThat(invalidFields(request("alice", line("s".repeat(65), 1)))).containsExactly("lines[0].sku");
    }

    @Test
    void refusesNoLinesOrMoreThanFifty() {
        assertThat(invalidFields(request("alice"))).containsExactly("lines");
        assertThat(invalidFields(new PlaceOrderRequest("alice", null))).containsExactly("lines");
        List<PlaceOrderRequest.Line> many = new ArrayList<>();
        for (int i = 0; i < 51; i++) {
            many.add(line("SKU-" + i, 1));
        }
        assertThat(invalidFields(new PlaceOrderRequest("alice", many))).containsExactly("lines");
    }
}
