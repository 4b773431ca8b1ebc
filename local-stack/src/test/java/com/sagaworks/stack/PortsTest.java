package com.sagaworks.stack;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PortsTest {

    @Test
    void acceptsPortsNobodyListensOn() {
        List<Integer> free = Ports.freePorts(2);

        assertThatCode(() -> Ports.requireFree(List.of(
                new Ports.Claim("order-service", free.get(0), "--order-port"),
                new Ports.Claim("Kafka", free.get(1), "--kafka-port"))))
                .doesNotThrowAnyException();
    }

    @Test
    void namesTheOwnerAndTheOptionOfAPortInUse() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();

            assertThatThrownBy(() -> Ports.requireFree(List.of(new Ports.Claim("order-service", port, "--order-port"))))
                    .isInstanceOf(StackException.class)
                    .hasMessage("port %d is in use (order-service); pass --order-port=<free port>", port);
        }
    }

    @Test
    void refusesOnePortGivenToTwoParts() {
        int port = Ports.freePorts(1).getFirst();

        assertThatThrownBy(() -> Ports.requireFree(List.of(
                new Ports.Claim("order-service", port, "--order-port"),
                new Ports.Claim("payment-service", port, "--payment-port"))))
                .isInstanceOf(StackException.class)
                .hasMessage("port %d is given to both order-service and payment-service; "
                        + "pass --payment-port=<another port>", port);
    }

    @Test
    void reportsEveryProblemAtOnce() throws IOException {
        try (ServerSocket first = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
             ServerSocket second = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {

            assertThatThrownBy(() -> Ports.requireFree(List.of(
                    new Ports.Claim("PostgreSQL", first.getLocalPort(), "--postgres-port"),
                    new Ports.Claim("Kafka", second.getLocalPort(), "--kafka-port"))))
                    .hasMessageContaining("(PostgreSQL); pass --postgres-port=")
                    .hasMessageContaining("(Kafka); pass --kafka-port=");
        }
    }

    @Test
    void findsDistinctFreePorts() {
        List<Integer> ports = Ports.freePorts(7);

        assertThat(ports).hasSize(7).doesNotHaveDuplicates().allMatch(port -> Ports.whyUnavailable(port) == null);
    }
}
