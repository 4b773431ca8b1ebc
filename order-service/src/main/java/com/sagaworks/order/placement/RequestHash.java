package com.sagaworks.order.placement;

import com.sagaworks.contracts.inventory.OrderLine;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;

/**
 * Fingerprint of an order request, stored with the order so that a retry under the same
 * {@code Idempotency-Key} can be told apart from a different request reusing the key.
 *
 * <p>It hashes a canonical form of the meaning (customer, then lines sorted by sku), not the raw JSON: a
 * client that re-serialises the same request with other whitespace, field order or line order is retrying,
 * not asking for something else. Each value is length-prefixed so that no two requests share a canonical
 * form, and the form is versioned so it can change without misjudging stored hashes.
 */
final class RequestHash {

    private static final String VERSION = "v1";

    private RequestHash() {
    }

    static String of(PlaceOrder request) {
        StringBuilder canonical = new StringBuilder(VERSION).append('\n');
        appendValue(canonical, request.customerId().value());
        request.lines().stream()
                .sorted(Comparator.comparing(OrderLine::sku))
                .forEach(line -> {
                    appendValue(canonical, line.sku());
                    canonical.append(line.quantity()).append('\n');
                });
        return VERSION + ":" + HexFormat.of().formatHex(sha256(canonical.toString()));
    }

    private static void appendValue(StringBuilder canonical, String value) {
        canonical.append(value.length()).append(':').append(value).append('\n');
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }
}
