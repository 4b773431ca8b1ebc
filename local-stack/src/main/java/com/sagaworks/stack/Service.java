package com.sagaworks.stack;

/**
 * The four services of the stack: the jar each is built into, its database and its default HTTP port.
 * The jar of a service is {@code <repository>/<artifactId>/target/<artifactId>.jar} (the reactor builds them
 * with {@code finalName = artifactId}) or {@code <jars-dir>/<artifactId>.jar}.
 */
public enum Service {

    /** Order API for clients, order state. */
    ORDER("order-service", "orders", 8080, "order"),
    /** Catalog, stock and reservations. */
    INVENTORY("inventory-service", "inventory", 8081, "inventory"),
    /** Accounts and the payment ledger. */
    PAYMENT("payment-service", "payment", 8082, "payment"),
    /** Saga engine and saga API. */
    ORCHESTRATOR("orchestrator", "orchestrator", 8083, "orchestrator");

    private final String artifactId;
    private final String database;
    private final int defaultPort;
    private final String optionPrefix;

    Service(String artifactId, String database, int defaultPort, String optionPrefix) {
        this.artifactId = artifactId;
        this.database = database;
        this.defaultPort = defaultPort;
        this.optionPrefix = optionPrefix;
    }

    /** The Maven module, the jar's base name and the name the launcher prints. */
    public String artifactId() {
        return artifactId;
    }

    /** The service's own PostgreSQL database. */
    public String database() {
        return database;
    }

    public int defaultPort() {
        return defaultPort;
    }

    /** The launcher option that moves this service to another port, e.g. {@code --order-port}. */
    public String portOption() {
        return "--" + optionPrefix + "-port";
    }

    /** The launcher option that passes one more argument to this service only, e.g. {@code --order-arg}. */
    public String argOption() {
        return "--" + optionPrefix + "-arg";
    }

    public String jarFileName() {
        return artifactId + ".jar";
    }

    @Override
    public String toString() {
        return artifactId;
    }
}
