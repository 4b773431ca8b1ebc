package com.sagaworks.order.web;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/** Each sku appears on one line only: two lines for one product would be priced and reserved twice. */
@Documented
@Constraint(validatedBy = DistinctSkus.Validator.class)
@Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT})
@Retention(RetentionPolicy.RUNTIME)
@interface DistinctSkus {

    String message() default "each sku may appear on one line only";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    /** Null lists and null lines are left to {@code @NotNull}. */
    class Validator implements ConstraintValidator<DistinctSkus, List<PlaceOrderRequest.Line>> {

        @Override
        public boolean isValid(List<PlaceOrderRequest.Line> lines, ConstraintValidatorContext context) {
            if (lines == null) {
                return true;
            }
            Set<String> seen = new HashSet<>();
            return lines.stream()
                    .filter(Objects::nonNull)
                    .map(PlaceOrderRequest.Line::sku)
                    .filter(Objects::nonNull)
                    .allMatch(seen::add);
        }
    }
}
