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

/**
 * The {@code product} table: catalog reads for the API, and the row locks of reservations. The stock changes
 * themselves are part of the statements that make and release a reservation ({@code ReservationRepository}).
 */
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
    // instead of each holding a row the other waits for. A release locks in the same order.
    private static final String LOCK_ALL = """
            SELECT sku, name, price_cents, available
            FROM product
            WHERE sku = ANY(:skus)
            ORDER BY sku
            FOR UPDATE
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
}
