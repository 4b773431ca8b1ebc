package com.sagaworks.stack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/** One service as a JVM of its own, with its output in {@code <data-dir>/logs/<service>.log}. */
final class ServiceProcess {

    private static final Pattern STATUS_UP = Pattern.compile("\"status\"\\s*:\\s*\"UP\"");
    private static final Duration HEALTH_REQUEST_TIMEOUT = Duration.ofSeconds(2);

    private final Service service;
    private final List<String> command;
    private final Path workingDirectory;
    private final Path logFile;
    private final URI healthUri;
    private Process process;
    private long logOffset;
    private boolean suspended;

    ServiceProcess(Service service, List<String> command, Path workingDirectory, Path logFile, URI baseUrl) {
        this.service = service;
        this.command = List.copyOf(command);
        this.workingDirectory = workingDirectory;
        this.logFile = logFile;
        this.healthUri = baseUrl.resolve("/actuator/health");
    }

    Service service() {
        return service;
    }

    Path logFile() {
        return logFile;
    }

    synchronized void launch() {
        if (isAlive()) {
            throw new IllegalStateException(service + " is already running as process " + process.pid());
        }
        logOffset = ChildProcesses.sizeOf(logFile);
        process = ChildProcesses.start(service.artifactId(), command, workingDirectory, logFile);
        suspended = false;
    }

    synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** The exit code, or null while the process runs (or never ran). */
    synchronized Integer exitCode() {
        return process == null || process.isAlive() ? null : process.exitValue();
    }

    synchronized long pid() {
        if (process == null) {
            throw new IllegalStateException(service + " was never started");
        }
        return process.pid();
    }

    /** Null when {@code /actuator/health} says UP, otherwise what it said instead (or why it did not answer). */
    String unhealthyBecause(HttpClient http) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(healthUri).timeout(HEALTH_REQUEST_TIMEOUT).GET().build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200 && STATUS_UP.matcher(response.body()).find()) {
                return null;
            }
            return "HTTP " + response.statusCode() + " " + abbreviate(response.body());
        } catch (IOException e) {
            // not listening yet, or not answering: the caller polls again until its deadline
            return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        }
    }

    /** SIGSTOP: the JVM freezes (no thread runs, sockets stay open) until {@link #resume}. */
    synchronized void suspend() {
        if (!isAlive()) {
            throw new IllegalStateException(service + " is not running");
        }
        ChildProcesses.signal(process, "STOP");
        suspended = true;
    }

    /** SIGCONT to a suspended service; does nothing to one that runs. */
    synchronized void resume() {
        if (suspended && process != null) {
            ChildProcesses.signal(process, "CONT");
        }
        suspended = false;
    }

    synchronized boolean isSuspended() {
        return suspended;
    }

    /** SIGTERM without waiting, so that several services shut down at the same time. */
    synchronized void requestStop() {
        // a stopped JVM would only see the SIGTERM once continued, and be killed at the end of the grace period
        resume();
        if (isAlive()) {
            process.destroy();
        }
    }

    /**
     * SIGTERM, which Spring Boot answers with a graceful shutdown; SIGKILL after {@code grace}. True when the
     * process exited by itself (or was not running).
     */
    synchronized boolean stop(Duration grace) {
        resume();
        return process == null || ChildProcesses.stop(process, grace);
    }

    /** SIGKILL: the service dies as in a crash, mid-transaction and mid-batch. */
    synchronized void kill() {
        if (process != null) {
            ChildProcesses.kill(process);
        }
        suspended = false;
    }

    /** The last lines this run of the service wrote. */
    synchronized String logTail(int lines) {
        return ChildProcesses.tail(logFile, lines, logOffset);
    }

    private static String abbreviate(String text) {
        String oneLine = text.replaceAll("\\s+", " ").trim();
        return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "...";
    }
}
