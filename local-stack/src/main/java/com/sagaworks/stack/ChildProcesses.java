package com.sagaworks.stack;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Starting, stopping and reading the logs of the stack's child processes (the broker and the services). */
final class ChildProcesses {

    /** How long a process gets to exit after SIGKILL before we give up waiting for it. */
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);

    /**
     * util-linux setsid, when present: each child runs in a session of its own, so a Ctrl-C in the terminal
     * reaches the launcher only and the launcher stops the children in order (services, broker, database)
     * instead of all of them at once. setsid execs in place (the child is never a process-group leader), so
     * the pid we hold stays the JVM's.
     */
    private static final Optional<Path> SETSID = Stream.of("/usr/bin/setsid", "/bin/setsid")
            .map(Path::of)
            .filter(Files::isExecutable)
            .findFirst();

    private ChildProcesses() {
    }

    /** The java launcher of the running JVM, so every child runs on the same JDK as the stack. */
    static String javaBinary() {
        Path home = Path.of(System.getProperty("java.home"), "bin");
        for (String name : List.of("java", "java.exe")) {
            if (Files.isExecutable(home.resolve(name))) {
                return home.resolve(name).toString();
            }
        }
        return ProcessHandle.current().info().command()
                .orElseThrow(() -> new StackException("cannot find the java binary of this JVM under " + home));
    }

    /**
     * Starts {@code command} in {@code workingDirectory} with stdout and stderr appended to {@code logFile}, after
     * a header line that says what was started when, so that the log of several runs stays readable.
     */
    static Process start(String name, List<String> command, Path workingDirectory, Path logFile) {
        List<String> full = new ArrayList<>();
        SETSID.ifPresent(setsid -> full.add(setsid.toString()));
        full.addAll(command);
        try {
            Files.createDirectories(logFile.getParent());
            String header = "%n==== local-stack %s: starting %s: %s%n"
                    .formatted(Instant.now(), name, String.join(" ", command));
            Files.writeString(logFile, header, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            return new ProcessBuilder(full)
                    .directory(workingDirectory.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(nullDevice()))
                    .start();
        } catch (IOException e) {
            throw new StackException("could not start " + name + " (" + String.join(" ", command) + ")", e);
        }
    }

    /**
     * SIGTERM, so the process shuts down cleanly (Spring Boot and Kafka both do on SIGTERM); SIGKILL after
     * {@code grace}. Returns true when the process exited within the grace period.
     */
    static boolean stop(Process process, Duration grace) {
        if (!process.isAlive()) {
            return true;
        }
        process.destroy();
        if (waitFor(process, grace)) {
            return true;
        }
        kill(process);
        return false;
    }

    /** SIGKILL and wait for the exit, as a crash would end the process. */
    static void kill(Process process) {
        process.destroyForcibly();
        if (!waitFor(process, KILL_WAIT)) {
            throw new StackException("process " + process.pid() + " did not exit " + KILL_WAIT.toSeconds()
                    + " s after SIGKILL");
        }
    }

    /**
     * Sends {@code signal} ({@code STOP}, {@code CONT}) to the process with {@code kill(1)}: the JDK can only
     * terminate a process, not pause it. SIGSTOP cannot be caught, so the process freezes mid-whatever as a
     * stalled VM or a long GC pause would; SIGCONT lets it run on.
     */
    static void signal(Process process, String signal) {
        if (!process.isAlive()) {
            return;
        }
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!waitFor(kill, KILL_WAIT) || kill.exitValue() != 0 && process.isAlive()) {
                throw new StackException("kill -" + signal + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new StackException("could not run kill -" + signal + " " + process.pid(), e);
        }
    }

    /**
     * Waits for the exit without being cut short by an interrupt: stopping must finish even when the thread
     * that stops the stack was interrupted (Ctrl-C during startup). The interrupt is kept for the caller.
     */
    private static boolean waitFor(Process process, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return process.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The size of a log now, so that {@link #tail} can later show only what was written since. */
    static long sizeOf(Path logFile) {
        try {
            return Files.exists(logFile) ? Files.size(logFile) : 0;
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the size of " + logFile, e);
        }
    }

    /**
     * The last {@code lines} lines written to a log after {@code fromOffset} (a {@link #sizeOf} taken before the
     * process started), for error messages; empty when there is no log yet.
     */
    static String tail(Path logFile, int lines, long fromOffset) {
        if (!Files.exists(logFile)) {
            return "";
        }
        try (RandomAccessFile file = new RandomAccessFile(logFile.toFile(), "r")) {
            long length = file.length();
            long from = Math.max(Math.min(fromOffset, length), length - 64 * 1024);
            byte[] bytes = new byte[(int) (length - from)];
            file.seek(from);
            file.readFully(bytes);
            String[] all = new String(bytes, StandardCharsets.UTF_8).split("\\R");
            return String.join(System.lineSeparator(),
                    Arrays.copyOfRange(all, Math.max(0, all.length - lines), all.length));
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + logFile, e);
        }
    }

    private static File nullDevice() {
        return new File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }
}
