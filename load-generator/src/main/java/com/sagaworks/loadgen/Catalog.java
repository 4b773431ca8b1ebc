package com.sagaworks.loadgen;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The benchmark's own products and customers, written straight into inventory's and payment's databases. Many of
 * each, because every saga locks its product and account rows: with the demo's handful of rows the run would
 * measure lock queues on a few hot rows instead of the system.
 */
final class Catalog {

    static final String SCARCE_SKU = "LOADGEN-SCARCE";
    static final String BROKE_CUSTOMER = "loadgen-broke";

    private static final String UPSERT_PRODUCT = """
            INSERT INTO product (sku, name, price_cents, available) VALUES (?, ?, ?, ?)
            ON CONFLICT (sku) DO UPDATE SET available = excluded.available, price_cents = excluded.price_cents
            """;
    private static final String UPSERT_ACCOUNT = """
            INSERT INTO account (customer_id, balance_cents) VALUES (?, ?)
            ON CONFLICT (customer_id) DO UPDATE SET balance_cents = excluded.balance_cents
            """;
    private static final int PLENTY_OF_STOCK = 1_000_000_000;
    private static final long PLENTY_OF_MONEY = 1_000_000_000_000L;
    private static final long PRICE_CENTS = 100;

    private final int products;
    private final int customers;

    Catalog(int products, int customers) {
        this.products = products;
        this.customers = customers;
    }

    String sku(int index) {
        return "LOADGEN-%04d".formatted(index % products);
    }

    String customer(int index) {
        return "loadgen-%04d".formatted(index % customers);
    }

    int products() {
        return products;
    }

    int customers() {
        return customers;
    }

    /** Writes (or resets) every product and account the orders will name; the scarce product has none left. */
    void seed(String host, int postgresPort, String user, String password) throws SQLException {
        try (Connection inventory = DriverManager.getConnection(url(host, postgresPort, "inventory"), user, password);
             PreparedStatement upsert = inventory.prepareStatement(UPSERT_PRODUCT)) {
            for (int i = 0; i < products; i++) {
                addProduct(upsert, sku(i), PLENTY_OF_STOCK);
            }
            addProduct(upsert, SCARCE_SKU, 0);
            upsert.executeBatch();
        }
        try (Connection payment = DriverManager.getConnection(url(host, postgresPort, "payment"), user, password);
             PreparedStatement upsert = payment.prepareStatement(UPSERT_ACCOUNT)) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < customers; i++) {
                ids.add(customer(i));
            }
            for (String id : ids) {
                upsert.setString(1, id);
                upsert.setLong(2, PLENTY_OF_MONEY);
                upsert.addBatch();
            }
            upsert.setString(1, BROKE_CUSTOMER);
            upsert.setLong(2, 0);
            upsert.addBatch();
            upsert.executeBatch();
        }
    }

    private static void addProduct(PreparedStatement upsert, String sku, int available) throws SQLException {
        upsert.setString(1, sku);
        upsert.setString(2, "load generator product " + sku);
        upsert.setLong(3, PRICE_CENTS);
        upsert.setInt(4, available);
        upsert.addBatch();
    }

    static String url(String host, int port, String database) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }
}
