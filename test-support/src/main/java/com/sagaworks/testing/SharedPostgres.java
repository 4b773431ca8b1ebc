package com.sagaworks.testing;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real PostgreSQL server per test JVM (see {@link TestInfrastructure} for which one), started on first use
 * and stopped when the JVM exits. Test classes each get a database of their own.
 */
public final class SharedPostgres {

    public static final String USER = "postgres";
    public static final String PASSWORD = "postgres";

    private static final AtomicInteger DATABASES = new AtomicInteger();

    private SharedPostgres() {
    }

    /** Creates a fresh, empty database (the name gets a unique suffix) and returns its JDBC URL. */
    public static String createDatabase(String prefix) {
        String name = (prefix.replaceAll("[^a-zA-Z0-9_]", "_") + "_" + DATABASES.incrementAndGet()).toLowerCase();
        return TestInfrastructure.shared().createDatabase(name);
    }

    public static String jdbcUrl(String database) {
        return TestInfrastructure.shared().jdbcUrl(database);
    }
}
