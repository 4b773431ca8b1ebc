package com.sagaworks.loadgen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time of the stack's processes from {@code /proc/<pid>/stat}: the four service JVMs, the Kafka broker and
 * PostgreSQL (the postmaster with every backend). Processes are told from other stacks on the machine by the
 * PostgreSQL port (services name it in their datasource URL, the postmaster in {@code -p}) and by the data directory
 * (the broker's configuration lives there).
 */
final class ProcessCpu {

    /** Linux reports utime and stime in clock ticks of 1/100 s on every common platform (USER_HZ). */
    private static final double TICKS_PER_SECOND = 100;
    private static final List<String> SERVICES = List.of("order-service", "inventory-service", "payment-service",
            "orchestrator");

    private final int postgresPort;
    private final String dataDirectory;

    ProcessCpu(int postgresPort, String dataDirectory) {
        this.postgresPort = postgresPort;
        this.dataDirectory = dataDirectory;
    }

    /** CPU seconds so far by role (service name, {@code kafka}, {@code postgres}, {@code load-generator}). */
    Map<String, Double> sample() throws IOException {
        Map<Long, String> commandLines = new LinkedHashMap<>();
        Map<Long, Long> parents = new LinkedHashMap<>();
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            for (Path entry : entries.toList()) {
                String name = entry.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                long pid = Long.parseLong(name);
                try {
                    commandLines.put(pid, new String(Files.readAllBytes(entry.resolve("cmdline")),
                            StandardCharsets.UTF_8).replace('\0', ' '));
                    parents.put(pid, stat(pid)[1]);
                } catch (NoSuchFileException gone) {
                    // exited between the listing and the read: it has no CPU left to count
                    commandLines.remove(pid);
                }
            }
        }
        Map<String, Double> seconds = new LinkedHashMap<>();
        List<Long> postmasters = new ArrayList<>();
        for (Map.Entry<Long, String> process : commandLines.entrySet()) {
            String role = role(process.getValue());
            if (role == null) {
                continue;
            }
            if (role.equals("postgres")) {
                postmasters.add(process.getKey());
            }
            add(seconds, role, process.getKey(), role.equals("postgres"));
        }
        // backends are children of the postmaster; the ones that exited are in its cutime/cstime already
        for (Map.Entry<Long, Long> process : parents.entrySet()) {
            if (postmasters.contains(process.getValue())) {
                add(seconds, "postgres", process.getKey(), false);
            }
        }
        add(seconds, "load-generator", ProcessHandle.current().pid(), false);
        return seconds;
    }

    private String role(String commandLine) {
        if (commandLine.contains("com.sagaworks.loadgen")) {
            return null;
        }
        for (String service : SERVICES) {
            if (commandLine.contains("/" + service + ".jar") && commandLine.contains("127.0.0.1:" + postgresPort + "/")) {
                return service;
            }
        }
        if (commandLine.contains("kafka.Kafka ") && commandLine.contains(dataDirectory)) {
            return "kafka";
        }
        if (commandLine.matches("^\\S*postgres\\s.*") && commandLine.contains("-p " + postgresPort)) {
            return "postgres";
        }
        return null;
    }

    private static void add(Map<String, Double> seconds, String role, long pid, boolean withWaitedChildren) {
        try {
            long[] stat = stat(pid);
            long ticks = stat[2] + stat[3] + (withWaitedChildren ? stat[4] + stat[5] : 0);
            seconds.merge(role, ticks / TICKS_PER_SECOND, Double::sum);
        } catch (IOException gone) {
            // the process ended after it was listed; its time went to its parent's cutime
        }
    }

    /** {pid, ppid, utime, stime, cutime, cstime}; the name field may contain spaces, so fields count from its ")". */
    private static long[] stat(long pid) throws IOException {
        String text = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] fields = text.substring(text.lastIndexOf(')') + 2).split(" ");
        return new long[] {pid, Long.parseLong(fields[1]), Long.parseLong(fields[11]), Long.parseLong(fields[12]),
                Long.parseLong(fields[13]), Long.parseLong(fields[14])};
    }
}
