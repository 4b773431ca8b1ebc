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

/**
 * Text an identifier may hold: no control characters (PostgreSQL refuses NUL in text, and the others only
 * hide in logs and screens), well-formed Unicode (an unpaired surrogate cannot be stored as UTF-8 and would
 * silently become '?'), and not only whitespace of any kind ({@code @NotBlank} lets a lone U+2003 through, the
 * domain's ids do not). Any other character, letters of every script included, is allowed.
 */
@Documented
@Constraint(validatedBy = PrintableText.Validator.class)
@Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.TYPE_USE})
@Retention(RetentionPolicy.RUNTIME)
@interface PrintableText {

    String message() default "must be printable: no control characters, no malformed Unicode, not only whitespace";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    /** Null is left to {@code @NotNull} / {@code @NotBlank}. */
    class Validator implements ConstraintValidator<PrintableText, String> {

        @Override
        public boolean isValid(String text, ConstraintValidatorContext context) {
            return text == null || isPrintable(text);
        }

        static boolean isPrintable(String text) {
            if (!text.isEmpty() && text.isBlank()) {
                return false;
            }
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (Character.isISOControl(c)) {
                    return false;
                }
                if (Character.isHighSurrogate(c)) {
                    if (i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
                        return false;
                    }
                    i++;
                } else if (Character.isLowSurrogate(c)) {
                    return false;
                }
            }
            return true;
        }
    }
}
