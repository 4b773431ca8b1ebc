package com.sagaworks.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Checks the ports the stack needs before anything starts, and finds free ones for tests. */
public final class Ports {

    /**
     * A port the stack is about to listen on.
     *
     * @param owner  who listens there, as the user knows it ("order-service", "Kafka")
     * @param port   the port
     * @param option the launcher option that moves it elsewhere
     */
    public record Claim(String owner, int port, String option) {
    }

    private Ports() {
    }

    /**
     * Refuses, with one message naming every problem, when two claims share a port or a claimed port cannot be
     * bound. Checked up front so that a taken port never leaves a half-started stack behind.
     */
    public static void requireFree(List<Claim> claims) {
        List<String> problems = new ArrayList<>();
        Map<Integer, Claim> byPort = new HashMap<>();
        for (Claim claim : claims) {
            Claim earlier = byPort.putIfAbsent(claim.port(), claim);
            if (earlier != null) {
                problems.add("port %d is given to both %s and %s; pass %s=<another port>"
                        .formatted(claim.port(), earlier.owner(), claim.owner(), claim.option()));
                continue;
            }
            String unavailable = whyUnavailable(claim.port());
            if (unavailable != null) {
                problems.add("port %d is %s (%s); pass %s=<free port>"
                        .formatted(claim.port(), unavailable, claim.owner(), claim.option()));
            }
        }
        if (!problems.isEmpty()) {
            throw new StackException(String.join("\n", problems));
        }
    }

    /**
     * Null when the port can be listened on, else why not. The probe binds the wildcard address because that
     * fails whatever address the current holder listens on (127.0.0.1, ::1 or all of them).
     */
    static String whyUnavailable(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(port));
            return null;
        } catch (BindException e) {
            String reason = String.valueOf(e.getMessage());
            return reason.toLowerCase().contains("in use") ? "in use" : "not available: " + reason;
        } catch (IOException e) {
            throw new UncheckedIOException("could not probe port " + port, e);
        }
    }

    /**
     * {@code count} distinct ports that were free a moment ago on 127.0.0.1. All are held open together while
     * they are picked, so no two are the same.
     */
    public static List<Integer> freePorts(int count) {
        List<ServerSocket> held = new ArrayList<>();
        try {
            List<Integer> ports = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
                held.add(socket);
                ports.add(socket.getLocalPort());
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("could not find " + count + " free ports", e);
        } finally {
            for (ServerSocket socket : held) {
                closeProbe(socket);
            }
        }
    }

    private static void closeProbe(ServerSocket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            throw new UncheckedIOException("could not release probe socket on port " + socket.getLocalPort(), e);
        }
    }
}
