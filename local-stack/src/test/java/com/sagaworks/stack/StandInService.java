package com.sagaworks.stack;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Plays a service for the launcher's own tests: takes the same arguments, answers {@code /actuator/health} with
 * UP, and with {@code --stand-in.fail=true} exits at once with code 3, as a service that cannot start would.
 */
public final class StandInService {

    private StandInService() {
    }

    public static void main(String[] args) throws IOException {
        String address = "127.0.0.1";
        int port = -1;
        for (String arg : args) {
            System.out.println("argument " + arg);
            if (arg.equals("--stand-in.fail=true")) {
                System.out.println("failing to start, as asked");
                System.exit(3);
            }
            if (arg.startsWith("--server.port=")) {
                port = Integer.parseInt(arg.substring("--server.port=".length()));
            }
            if (arg.startsWith("--server.address=")) {
                address = arg.substring("--server.address=".length());
            }
        }
        HttpServer server = HttpServer.create(new InetSocketAddress(address, port), 0);
        server.createContext("/actuator/health", exchange -> {
            byte[] body = "{\"status\":\"UP\"}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        System.out.println("stand-in listening on " + address + ":" + port);
    }
}
