package com.sagaworks.stack;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The whole system on one machine with only a JDK: PostgreSQL (one database per service), a Kafka broker
 * process and the four services as processes of their own. Everything keeps its state under one data
 * directory, so a stopped stack starts again with its orders, sagas, topics and offsets.
 *
 * <pre>{@code
 * LocalStack stack = LocalStack.builder().dataDirectory(dir).build();
 * stack.start();                        // returns once every service reports UP
 * URI orders = stack.baseUrl(Service.ORDER);
 * stack.stop();                         // services, then the broker, then PostgreSQL
 * }</pre>
 *
 * <p>The lifecycle methods are synchronized. A JVM shutdown hook stops a stack that is still running when the
 * JVM exits.
 */
public final class LocalStack implements AutoCloseable {

    public static final Path DEFAULT_DATA_DIRECTORY = Path.of("local-stack-data");
    public static final int DEFAULT_POSTGRES_PORT = 5432;
    public static final int DEFAULT_KAFKA_PORT = 9092;
    public static final int DEFAULT_CONTROLLER_PORT = 9093;
    public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofMinutes(3);

    /** Small heaps and the serial collector: five JVMs share a laptop (or a 2-core CI machine). */
    private static final List<String> SERVICE_JVM_DEFAULTS = List.of("-Xmx320m", "-XX:+UseSerialGC");
    private static final Duration SERVICE_STOP_GRACE = Duration.ofSeconds(20);
    private static final Duration HEALTH_POLL_INTERVAL = Duration.ofMillis(250);
    private static final int LOG_TAIL_LINES = 40;

    private final Path dataDirectory;
    private final int postgresPort;
    private final int kafkaPort;
    private final int controllerPort;
    private final Map<Service, Integer> servicePorts;
    private final Map<Service, Path> serviceJars;
    private final List<String> profiles;
    private final List<String> serviceJvmOptions;
    private final List<String> commonServiceArgs;
    private final Map<Service, List<String>> serviceArgs;
    private final Duration startupTimeout;
    private final PrintStream out;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final Map<Service, ServiceProcess> services = new EnumMap<>(Service.class);
    private Postgres postgres;
    private KafkaBroker broker;
    private boolean running;
    private boolean shutdownHookRegistered;

    private LocalStack(Builder builder) {
        this.dataDirectory = builder.dataDirectory.toAbsolutePath().normalize();
        this.postgresPort = builder.postgresPort;
        this.kafkaPort = builder.kafkaPort;
        this.controllerPort = builder.controllerPort;
        this.servicePorts = new EnumMap<>(builder.servicePorts);
        this.serviceJars = resolveJars(builder.jarsDirectory, builder.repositoryRoot);
        this.profiles = List.copyOf(builder.profiles);
        this.serviceJvmOptions = List.copyOf(builder.serviceJvmOptions);
        this.commonServiceArgs = List.copyOf(builder.commonServiceArgs);
        this.serviceArgs = new EnumMap<>(Service.class);
        builder.serviceArgs.forEach((service, args) -> serviceArgs.put(service, List.copyOf(args)));
        this.startupTimeout = builder.startupTimeout;
        this.out = builder.out;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts PostgreSQL, the broker and the services, and returns once every service's
     * {@code /actuator/health} is UP. Nothing is started when a port is taken or a jar is missing; when
     * anything fails later, whatever was started is stopped again before the exception leaves.
     *
     * @throws StackException with a message for the user (which port, which service, the tail of its log)
     */
    public synchronized void start() {
        if (running) {
            throw new IllegalStateException("the stack is already running");
        }
        Ports.requireFree(portClaims());
        requireJars();
        registerShutdownHookOnce();
        long started = System.nanoTime();
        try {
            Files.createDirectories(logDirectory());
            out.printf("data directory %s%n", dataDirectory);
            out.printf("starting PostgreSQL on 127.0.0.1:%d%n", postgresPort);
            long phase = System.nanoTime();
            postgres = Postgres.start(dataDirectory.resolve("postgres"), postgresPort,
                    logDirectory().resolve("postgres.log"), startupTimeout);
            postgres.createDatabasesIfMissing(Arrays.stream(Service.values()).map(Service::database).toList());
            out.printf("PostgreSQL ready (%d s)%n", secondsSince(phase));
            out.printf("starting Kafka on 127.0.0.1:%d (controller %d)%n", kafkaPort, controllerPort);
            phase = System.nanoTime();
            broker = KafkaBroker.start(dataDirectory.resolve("kafka"), kafkaPort, controllerPort,
                    Classpath.ofThisJvm(), logDirectory().resolve("kafka.log"), startupTimeout);
            out.printf("Kafka ready (%d s)%n", secondsSince(phase));
            out.printf("starting %s%n",
                    String.join(", ", Arrays.stream(Service.values()).map(Service::artifactId).toList()));
            for (Service service : Service.values()) {
                ServiceProcess process = newServiceProcess(service);
                services.put(service, process);
                process.launch();
            }
            awaitHealthy(services.values());
            running = true;
        } catch (IOException e) {
            throw stopAfterFailedStart(new StackException("could not create " + logDirectory(), e));
        } catch (RuntimeException e) {
            throw stopAfterFailedStart(e);
        }
        out.print(summary());
        out.printf("all services healthy (%d s)%n", secondsSince(started));
    }

    /**
     * Stops the services (SIGTERM, then SIGKILL after a grace period), then the broker, then PostgreSQL, so that
     * nothing loses its database or broker while it is still shutting down. Does nothing when not started.
     */
    public synchronized void stop() {
        if (postgres == null && broker == null && services.isEmpty()) {
            return;
        }
        List<RuntimeException> failures = new ArrayList<>();
        // stopping must run to the end even on a thread that was interrupted (Ctrl-C while starting): a cut-short
        // wait would kill what could have stopped cleanly, and zonky's pg_ctl stop gives up on an interrupt
        boolean interrupted = Thread.interrupted();
        try {
            stopServices(failures);
            if (broker != null) {
                out.println("stopping Kafka");
                runCollecting(broker::close, failures);
                broker = null;
            }
            if (postgres != null) {
                out.println("stopping PostgreSQL");
                runCollecting(postgres::close, failures);
                postgres = null;
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        running = false;
        out.println("stopped");
        if (!failures.isEmpty()) {
            RuntimeException first = failures.getFirst();
            failures.subList(1, failures.size()).forEach(first::addSuppressed);
            throw first;
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** SIGKILL to one service, as a crash would end it; {@link #startService} brings it back. */
    public synchronized void killService(Service service) {
        requireRunning();
        out.printf("killing %s%n", service);
        services.get(service).kill();
    }

    /** SIGTERM to one service (graceful shutdown), SIGKILL if it does not exit in time. */
    public synchronized void stopService(Service service) {
        requireRunning();
        out.printf("stopping %s%n", service);
        services.get(service).stop(SERVICE_STOP_GRACE);
    }

    /**
     * SIGSTOP to one service: it stays up but answers nothing (no consumer polls, no relay publishes, no HTTP
     * answer) until {@link #resumeService}, as a service stalled by a long GC pause or a frozen VM. Stopping or
     * killing the service, or the stack, continues it first.
     */
    public synchronized void suspendService(Service service) {
        requireRunning();
        out.printf("suspending %s (SIGSTOP)%n", service);
        services.get(service).suspend();
    }

    /**
     * SIGCONT to a service {@link #suspendService suspended}, then waits until it answers its health check again;
     * does nothing to one that runs.
     */
    public synchronized void resumeService(Service service) {
        ServiceProcess process = services.get(service);
        if (process != null && process.isSuspended()) {
            out.printf("resuming %s (SIGCONT)%n", service);
            process.resume();
            awaitHealthy(List.of(process));
        }
    }

    /** Starts a service that was killed or stopped, and waits until it is healthy again. */
    public synchronized void startService(Service service) {
        requireRunning();
        ServiceProcess process = services.get(service);
        out.printf("starting %s%n", service);
        process.launch();
        awaitHealthy(List.of(process));
    }

    /** SIGKILL to the Kafka broker: a crash, not a controlled shutdown. {@link #startBroker} brings it back. */
    public synchronized void killBroker() {
        requireRunning();
        if (broker == null) {
            throw new IllegalStateException("the Kafka broker is not running");
        }
        out.println("killing Kafka");
        broker.kill();
        broker = null;
    }

    /** Starts the broker again on the same data directory and ports, and waits until it serves metadata. */
    public synchronized void startBroker() {
        requireRunning();
        if (broker != null) {
            throw new IllegalStateException("the Kafka broker is already running");
        }
        out.println("starting Kafka");
        broker = KafkaBroker.start(dataDirectory.resolve("kafka"), kafkaPort, controllerPort,
                Classpath.ofThisJvm(), logDirectory().resolve("kafka.log"), startupTimeout);
    }

    /**
     * Immediate shutdown of PostgreSQL (as {@code pg_ctl stop -m immediate}): every connection of every service
     * breaks at once and the next start recovers from the WAL. {@link #startPostgres} brings it back.
     */
    public synchronized void crashPostgres() {
        requireRunning();
        if (postgres == null) {
            throw new IllegalStateException("PostgreSQL is not running");
        }
        out.println("crashing PostgreSQL (immediate shutdown)");
        Postgres crashed = postgres;
        postgres = null;
        crashed.crash(dataDirectory.resolve("postgres"), startupTimeout);
    }

    /** Starts PostgreSQL again on the same data directory and port, after {@link #crashPostgres}. */
    public synchronized void startPostgres() {
        requireRunning();
        if (postgres != null) {
            throw new IllegalStateException("PostgreSQL is already running");
        }
        out.println("starting PostgreSQL");
        postgres = Postgres.start(dataDirectory.resolve("postgres"), postgresPort,
                logDirectory().resolve("postgres.log"), startupTimeout);
    }

    public synchronized boolean isRunning() {
        return running;
    }

    /** Where each part listens and logs, as the launcher prints it. */
    public String summary() {
        StringBuilder text = new StringBuilder();
        String databases = String.join(",", Arrays.stream(Service.values()).map(Service::database).toList());
        text.append("  %-18s jdbc:postgresql://127.0.0.1:%d/{%s}  user %s%n"
                .formatted("PostgreSQL", postgresPort, databases, databaseUser()));
        text.append("  %-18s %s%n".formatted("Kafka", kafkaBootstrapServers()));
        for (Service service : Service.values()) {
            text.append("  %-18s %s  log %s%n".formatted(service.artifactId(), baseUrl(service), logFile(service)));
        }
        return text.toString();
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    public Path logDirectory() {
        return dataDirectory.resolve("logs");
    }

    public Path logFile(Service service) {
        return logDirectory().resolve(service.artifactId() + ".log");
    }

    public int postgresPort() {
        return postgresPort;
    }

    public int kafkaPort() {
        return kafkaPort;
    }

    /** The JDBC URL of a service's database, for the services and for tests that look inside. */
    public String jdbcUrl(Service service) {
        return "jdbc:postgresql://127.0.0.1:" + postgresPort + "/" + service.database();
    }

    public String databaseUser() {
        return Postgres.USER;
    }

    public String databasePassword() {
        return Postgres.PASSWORD;
    }

    public String kafkaBootstrapServers() {
        return "127.0.0.1:" + kafkaPort;
    }

    public int port(Service service) {
        return servicePorts.get(service);
    }

    public URI baseUrl(Service service) {
        return URI.create("http://127.0.0.1:" + port(service));
    }

    /** The jar each service runs from. */
    public Path jar(Service service) {
        return serviceJars.get(service);
    }

    List<Ports.Claim> portClaims() {
        List<Ports.Claim> claims = new ArrayList<>();
        claims.add(new Ports.Claim("PostgreSQL", postgresPort, "--postgres-port"));
        claims.add(new Ports.Claim("Kafka", kafkaPort, "--kafka-port"));
        claims.add(new Ports.Claim("Kafka controller", controllerPort, "--controller-port"));
        for (Service service : Service.values()) {
            claims.add(new Ports.Claim(service.artifactId(), port(service), service.portOption()));
        }
        return claims;
    }

    /** The command line of a service; package-visible so that tests can check what a service is given. */
    List<String> serviceCommand(Service service) {
        List<String> command = new ArrayList<>();
        command.add(ChildProcesses.javaBinary());
        command.addAll(SERVICE_JVM_DEFAULTS);
        command.addAll(serviceJvmOptions);
        command.add("-jar");
        command.add(jar(service).toString());
        command.add("--server.port=" + port(service));
        // a development stack: reachable from this machine only
        command.add("--server.address=127.0.0.1");
        command.add("--spring.datasource.url=" + jdbcUrl(service));
        command.add("--spring.datasource.username=" + databaseUser());
        command.add("--spring.datasource.password=" + databasePassword());
        command.add("--spring.kafka.bootstrap-servers=" + kafkaBootstrapServers());
        if (!profiles.isEmpty()) {
            command.add("--spring.profiles.active=" + String.join(",", profiles));
        }
        command.addAll(commonServiceArgs);
        command.addAll(serviceArgs.getOrDefault(service, List.of()));
        return command;
    }

    private ServiceProcess newServiceProcess(Service service) {
        return new ServiceProcess(service, serviceCommand(service), dataDirectory, logFile(service), baseUrl(service));
    }

    /**
     * Polls every pending service's health until all are UP. Fails fast when a service exits, and at the
     * deadline names the services still not healthy, with their last answer and the tail of their log.
     */
    private void awaitHealthy(Collection<ServiceProcess> processes) {
        long start = System.nanoTime();
        long deadline = start + startupTimeout.toNanos();
        List<ServiceProcess> pending = new ArrayList<>(processes);
        Map<Service, String> lastAnswer = new LinkedHashMap<>();
        try {
            while (true) {
                for (Iterator<ServiceProcess> it = pending.iterator(); it.hasNext(); ) {
                    ServiceProcess process = it.next();
                    Integer exitCode = process.exitCode();
                    if (exitCode != null) {
                        throw new StackException("%s exited with code %d while starting; last lines of %s:%n%s"
                                .formatted(process.service(), exitCode, process.logFile(),
                                        process.logTail(LOG_TAIL_LINES)));
                    }
                    String unhealthy = process.unhealthyBecause(http);
                    if (unhealthy == null) {
                        out.printf("%s healthy at %s (%d s)%n", process.service(), baseUrl(process.service()),
                                secondsSince(start));
                        it.remove();
                    } else {
                        lastAnswer.put(process.service(), unhealthy);
                    }
                }
                if (pending.isEmpty()) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw notHealthyInTime(pending, lastAnswer);
                }
                Thread.sleep(HEALTH_POLL_INTERVAL.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted while waiting for the services to become healthy", e);
        }
    }

    private StackException notHealthyInTime(List<ServiceProcess> pending, Map<Service, String> lastAnswer) {
        StringBuilder message = new StringBuilder();
        for (ServiceProcess process : pending) {
            message.append("%s was not healthy within %d s (last answer: %s); last lines of %s:%n%s%n"
                    .formatted(process.service(), startupTimeout.toSeconds(), lastAnswer.get(process.service()),
                            process.logFile(), process.logTail(LOG_TAIL_LINES)));
        }
        return new StackException(message.toString().stripTrailing());
    }

    /** SIGTERM to every service at once, then wait for each; whoever outlives the grace period is killed. */
    private void stopServices(List<RuntimeException> failures) {
        if (services.isEmpty()) {
            return;
        }
        out.println("stopping services");
        long deadline = System.nanoTime() + SERVICE_STOP_GRACE.toNanos();
        services.values().forEach(process -> runCollecting(process::requestStop, failures));
        for (ServiceProcess process : services.values()) {
            Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
            runCollecting(() -> {
                if (!process.stop(left)) {
                    out.printf("%s did not stop within %d s and was killed%n", process.service(),
                            SERVICE_STOP_GRACE.toSeconds());
                }
            }, failures);
        }
        services.clear();
    }

    private RuntimeException stopAfterFailedStart(RuntimeException failure) {
        try {
            stop();
        } catch (RuntimeException stopFailure) {
            failure.addSuppressed(stopFailure);
        }
        return failure;
    }

    private static long secondsSince(long nanoTime) {
        return Duration.ofNanos(System.nanoTime() - nanoTime).toSeconds();
    }

    private static void runCollecting(Runnable action, List<RuntimeException> failures) {
        try {
            action.run();
        } catch (RuntimeException e) {
            failures.add(e);
        }
    }

    private void requireRunning() {
        if (!running) {
            throw new IllegalStateException("the stack is not running");
        }
    }

    private void requireJars() {
        List<String> missing = new ArrayList<>();
        for (Service service : Service.values()) {
            if (!Files.isRegularFile(jar(service))) {
                missing.add(service + ": " + jar(service));
            }
        }
        if (!missing.isEmpty()) {
            throw new StackException("""
                    service jars not found:
                      %s
                    build them with ./mvnw package (in the repository root), or pass --jars-dir=DIR"""
                    .formatted(String.join(System.lineSeparator() + "  ", missing)));
        }
    }

    /**
     * A stack whose JVM exits without {@link #stop()} (an uncaught error, a test JVM ending) must not leave
     * orphan services and a broker behind.
     */
    private void registerShutdownHookOnce() {
        if (!shutdownHookRegistered) {
            Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "local-stack-shutdown"));
            shutdownHookRegistered = true;
        }
    }

    private static Map<Service, Path> resolveJars(Path jarsDirectory, Path repositoryRoot) {
        Map<Service, Path> jars = new EnumMap<>(Service.class);
        Path root = repositoryRoot != null ? repositoryRoot : repositoryRootOfThisJar().orElse(null);
        for (Service service : Service.values()) {
            if (jarsDirectory != null) {
                jars.put(service, jarsDirectory.resolve(service.jarFileName()).toAbsolutePath().normalize());
            } else if (root != null) {
                jars.put(service, root.resolve(service.artifactId()).resolve("target").resolve(service.jarFileName())
                        .toAbsolutePath().normalize());
            } else {
                throw new StackException("cannot tell where the service jars are: this launcher does not run from "
                        + "<repository>/local-stack/target/; pass --jars-dir=DIR");
            }
        }
        return jars;
    }

    /**
     * The repository this class was built in, when it runs from {@code <root>/local-stack/target/local-stack.jar}
     * or {@code <root>/local-stack/target/classes}.
     */
    static Optional<Path> repositoryRootOfThisJar() {
        CodeSource source = LocalStack.class.getProtectionDomain().getCodeSource();
        if (source == null) {
            return Optional.empty();
        }
        try {
            return repositoryRootOf(Path.of(source.getLocation().toURI()));
        } catch (URISyntaxException e) {
            throw new StackException("cannot locate the launcher's own jar: " + source.getLocation(), e);
        }
    }

    static Optional<Path> repositoryRootOf(Path codeLocation) {
        Path target = codeLocation.toAbsolutePath().normalize().getParent();
        if (target == null || !"target".equals(String.valueOf(target.getFileName()))) {
            return Optional.empty();
        }
        Path module = target.getParent();
        if (module == null || !"local-stack".equals(String.valueOf(module.getFileName()))) {
            return Optional.empty();
        }
        return Optional.ofNullable(module.getParent());
    }

    /** Configuration of a {@link LocalStack}; every setting has the launcher's default. */
    public static final class Builder {

        private Path dataDirectory = DEFAULT_DATA_DIRECTORY;
        private int postgresPort = DEFAULT_POSTGRES_PORT;
        private int kafkaPort = DEFAULT_KAFKA_PORT;
        private int controllerPort = DEFAULT_CONTROLLER_PORT;
        private final Map<Service, Integer> servicePorts = new EnumMap<>(Service.class);
        private Path jarsDirectory;
        private Path repositoryRoot;
        private final List<String> profiles = new ArrayList<>();
        private final List<String> serviceJvmOptions = new ArrayList<>();
        private final List<String> commonServiceArgs = new ArrayList<>();
        private final Map<Service, List<String>> serviceArgs = new EnumMap<>(Service.class);
        private Duration startupTimeout = DEFAULT_STARTUP_TIMEOUT;
        private PrintStream out = System.out;

        private Builder() {
            for (Service service : Service.values()) {
                servicePorts.put(service, service.defaultPort());
            }
        }

        /** Where PostgreSQL, Kafka and the service logs keep their files; reused as it is when it exists. */
        public Builder dataDirectory(Path dataDirectory) {
            this.dataDirectory = Objects.requireNonNull(dataDirectory);
            return this;
        }

        public Builder postgresPort(int port) {
            this.postgresPort = checkPort(port);
            return this;
        }

        public Builder kafkaPort(int port) {
            this.kafkaPort = checkPort(port);
            return this;
        }

        public Builder controllerPort(int port) {
            this.controllerPort = checkPort(port);
            return this;
        }

        public Builder servicePort(Service service, int port) {
            servicePorts.put(service, checkPort(port));
            return this;
        }

        /** A directory holding {@code order-service.jar}, {@code inventory-service.jar}, ... side by side. */
        public Builder jarsDirectory(Path directory) {
            this.jarsDirectory = directory;
            return this;
        }

        /**
         * The repository root; the jars are then {@code <root>/<service>/target/<service>.jar}. Needed only when
         * this class does not run from {@code <root>/local-stack/target/} and no jars directory is given.
         */
        public Builder repositoryRoot(Path root) {
            this.repositoryRoot = root;
            return this;
        }

        /** Spring profiles active in every service (the launcher uses {@code demo}). */
        public Builder profiles(List<String> profiles) {
            this.profiles.clear();
            this.profiles.addAll(profiles);
            return this;
        }

        /** JVM options for every service, after the defaults ({@code -Xmx320m -XX:+UseSerialGC}), so they win. */
        public Builder serviceJvmOptions(String... options) {
            serviceJvmOptions.addAll(List.of(options));
            return this;
        }

        /** Application arguments for every service, e.g. {@code --logging.level.com.sagaworks=DEBUG}. */
        public Builder serviceArgs(String... args) {
            commonServiceArgs.addAll(List.of(args));
            return this;
        }

        /** Application arguments for one service; they come last, so they override everything else. */
        public Builder serviceArgs(Service service, String... args) {
            serviceArgs.computeIfAbsent(service, s -> new ArrayList<>()).addAll(List.of(args));
            return this;
        }

        /** How long each part gets to start: PostgreSQL, the broker, and all services together. */
        public Builder startupTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("startup timeout must be positive: " + timeout);
            }
            this.startupTimeout = timeout;
            return this;
        }

        /** Where progress and the summary are printed. */
        public Builder output(PrintStream out) {
            this.out = Objects.requireNonNull(out);
            return this;
        }

        /**
         * @throws StackException when the service jars cannot be located (checked again, for existence, at
         *                        {@link LocalStack#start()})
         */
        public LocalStack build() {
            return new LocalStack(this);
        }

        private static int checkPort(int port) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("not a TCP port: " + port);
            }
            return port;
        }
    }
}
