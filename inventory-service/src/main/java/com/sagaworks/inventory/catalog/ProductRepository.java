package com.sagaworks.inventory.catalog;

import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The {@code product} table: catalog reads for the API, and the locked stock changes of reservations. */
@Repository
public class ProductRepository {

    private static final String FIND_ALL = """
            SELECT sku, name, price_cents, available
            FROM product
            ORDER BY sku
            """;

    private static final String FIND_ONE = """
            SELECT sku, name, price_cents, available
            FROM product
            WHERE sku = :sku
            """;

    // Always the same lock order (by sku): two reservations sharing products queue behind each other
    // instead of each holding a row the other waits for.
    private static final String LOCK_ALL = """
            SELECT sku, name, price_cents, available
            FROM product
            WHERE sku = ANY(:skus)
            ORDER BY sku
            FOR UPDATE
            """;

    private static final String TAKE = """
            UPDATE product
            SET available = available - :quantity
            WHERE sku = :sku AND available >= :quantity
            """;

    private static final String PUT_BACK = """
            UPDATE product
            SET available = available + :quantity
            WHERE sku = :sku
            """;

    private static final RowMapper<Product> PRODUCT = (rs, row) -> new Product(
            rs.getString("sku"), rs.getString("name"), rs.getLong("price_cents"), rs.getInt("available"));

    private final JdbcClient jdbc;

    ProductRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public List<Product> findAll() {
        return jdbc.sql(FIND_ALL).query(PRODUCT).list();
    }

    public Optional<Product> find(String sku) {
        return jdbc.sql(FIND_ONE).param("sku", sku).query(PRODUCT).optional();
    }

    /**
     * Locks the rows of the given skus, in sku order, until the transaction ends and returns them by sku
     * (in that order). Skus the catalog does not know are simply absent.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public Map<String, Product> lockAll(Collection<String> skus) {
        Map<String, Product> bySku = new LinkedHashMap<>();
        jdbc.sql(LOCK_ALL)
                .param("skus", skus.toArray(String[]::new))
                .query(PRODUCT)
                .list()
                .forEach(p -> bySku.put(p.sku(), p));
        return bySku;
    }

    /**
     * Takes {@code quantity} units of {@code sku}; false when fewer are available (nothing changes then).
     * The guard in the statement keeps this safe even for a caller that did not lock the row first.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public boolean take(String sku, int quantity) {
        return jdbc.sql(TAKE).param("sku", sku).param("quantity", quantity).update() == 1;
    }

    /** Returns {@code quantity} units of {@code sku} to the free stock. */
    @Transactional(propagation = Propagation.MANDATORY)
    public void putBack(String sku, int quantity) {
        int rows = jdbc.sql(PUT_BACK).param("sku", sku).param("quantity", quantity).update();
        if (rows != 1) {
            // reservation_line references product, so a reserved sku cannot have disappeared
            throw new IllegalStateException("could not return " + quantity + " units of " + sku + ": no such product");
        }
    }
}
