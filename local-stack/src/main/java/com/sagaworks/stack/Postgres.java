package com.sagaworks.stack;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

import static java.lang.ProcessBuilder.Redirect.appendTo;

/**
 * PostgreSQL from zonky's packaged binaries, on a data directory that outlives the launcher: initdb runs only
 * when the directory holds no cluster yet, and the data is never deleted on stop.
 */
final class Postgres implements AutoCloseable {

    static final String USER = "postgres";
    /** Ignored by the server (initdb sets trust authentication for local connections), given to the services. */
    static final String PASSWORD = "postgres";

    private static final Pattern DATABASE_NAME = Pattern.compile("[a-z_][a-z0-9_]*");
    private static final String DATABASE_EXISTS = "SELECT 1 FROM pg_database WHERE datname = ?";

    private final EmbeddedPostgres server;

    private Postgres(EmbeddedPostgres server) {
        this.server = server;
    }

    static Postgres start(Path dataDirectory, int port, Path logFile, Duration startupTimeout) {
        long logOffset = ChildProcesses.sizeOf(logFile);
        try {
            Files.createDirectories(logFile.getParent());
            EmbeddedPostgres server = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    // zonky starts the server with -F (fsync off) and synchronous_commit off, which suits
                    // throwaway test databases; this one keeps the user's data, so durability is back on
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("max_connections", "200")
                    .setPGStartupWait(startupTimeout)
                    .setOutputRedirector(appendTo(logFile.toFile()))
                    .setErrorRedirector(appendTo(logFile.toFile()))
                    .start();
            return new Postgres(server);
        } catch (IOException | RuntimeException e) {
            throw new StackException("PostgreSQL did not start on port " + port + " with data directory "
                    + dataDirectory + "; see " + logFile + System.lineSeparator()
                    + ChildProcesses.tail(logFile, 20, logOffset), e);
        }
    }

    int port() {
        return server.getPort();
    }

    String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + database;
    }

    /** Creates each database that does not exist yet; existing ones (and their data) are left as they are. */
    void createDatabasesIfMissing(Collection<String> names) {
        try (Connection connection = server.getPostgresDatabase().getConnection()) {
            for (String name : names) {
                if (!exists(connection, name)) {
                    if (!DATABASE_NAME.matcher(name).matches()) {
                        throw new IllegalArgumentException("not a plain database name: " + name);
                    }
                    try (Statement statement = connection.createStatement()) {
                        statement.execute("CREATE DATABASE " + name);
                    }
                }
            }
        } catch (SQLException e) {
            throw new StackException("could not create the databases " + names + " (SQLSTATE " + e.getSQLState()
                    + ")", e);
        }
    }

    private static boolean exists(Connection connection, String database) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(DATABASE_EXISTS)) {
            query.setString(1, database);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next();
            }
        }
    }

    /**
     * Immediate shutdown, the same as {@code pg_ctl stop -m immediate}: SIGQUIT to the postmaster, which ends every
     * backend at once without a checkpoint, so the next start runs crash recovery from the WAL. Open transactions
     * are lost, committed ones must survive. The postmaster is not a child of this JVM (pg_ctl started it), so it
     * is found by the pid in {@code postmaster.pid}.
     */
    void crash(Path dataDirectory, Duration timeout) {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        long pid;
        try {
            pid = Long.parseLong(Files.readAllLines(pidFile).getFirst().trim());
        } catch (IOException | RuntimeException e) {
            throw new StackException("could not read the postmaster pid from " + pidFile, e);
        }
        ProcessHandle postmaster = ProcessHandle.of(pid)
                .orElseThrow(() -> new StackException("no PostgreSQL postmaster runs as pid " + pid));
        try {
            Process signal = new ProcessBuilder("kill", "-QUIT", Long.toString(pid)).inheritIO().start();
            if (signal.waitFor() != 0) {
                throw new StackException("kill -QUIT " + pid + " failed with exit code " + signal.exitValue());
            }
            postmaster.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (IOException | ExecutionException | TimeoutException e) {
            throw new StackException("PostgreSQL (pid " + pid + ") did not shut down immediately", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted while crashing PostgreSQL", e);
        }
        // releases zonky's lock on the data directory; its pg_ctl stop finds no server and only logs that
        close();
    }

    /** pg_ctl stop -m fast: open transactions roll back, committed data is on disk. */
    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            throw new StackException("could not stop PostgreSQL on port " + port(), e);
        }
    }
}
