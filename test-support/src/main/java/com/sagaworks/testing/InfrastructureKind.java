package com.sagaworks.testing;

import java.util.Locale;
import java.util.function.BooleanSupplier;

/**
 * Which real PostgreSQL and Kafka the tests of this JVM use. Chosen once per JVM by {@link #select}: forced with
 * the system property {@value #PROPERTY} or the environment variable {@value #ENVIRONMENT_VARIABLE}
 * ({@code embedded}, {@code testcontainers} or {@code auto}), otherwise Testcontainers when a Docker engine answers.
 */
public enum InfrastructureKind {

    /** zonky's packaged PostgreSQL binaries and an in-JVM KRaft broker: needs nothing but a JDK. */
    EMBEDDED,

    /** Pinned {@code postgres} and {@code apache/kafka} images run by Testcontainers: needs a Docker engine. */
    TESTCONTAINERS;

    public static final String PROPERTY = "sagaworks.test.infrastructure";
    public static final String ENVIRONMENT_VARIABLE = "SAGAWORKS_TEST_INFRASTRUCTURE";

    /**
     * @param property        the system property's value, or null
     * @param environment     the environment variable's value, or null (the property wins when both are set)
     * @param dockerAvailable asked only when nothing forces a choice, because probing for Docker takes time
     */
    public static InfrastructureKind select(String property, String environment, BooleanSupplier dockerAvailable) {
        String requested = firstNonBlank(property, environment);
        if (requested == null || requested.equalsIgnoreCase("auto")) {
            return dockerAvailable.getAsBoolean() ? TESTCONTAINERS : EMBEDDED;
        }
        return switch (requested.trim().toLowerCase(Locale.ROOT)) {
            case "embedded" -> EMBEDDED;
            case "testcontainers", "docker" -> TESTCONTAINERS;
            default -> throw new IllegalArgumentException(PROPERTY + " (or " + ENVIRONMENT_VARIABLE + ") is '"
                    + requested + "'; expected embedded, testcontainers or auto");
        };
    }

    private static String firstNonBlank(String first, String second) {
        if (first != null && !first.isBlank()) {
            return first;
        }
        return second != null && !second.isBlank() ? second : null;
    }
}
