package com.sagaworks.stack;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The launcher's command line. Options take their value as {@code --name=value} or {@code --name value};
 * anything unknown is refused, so a typo never silently starts the stack with defaults.
 *
 * @param help             print the usage and start nothing
 * @param dataDirectory    PostgreSQL cluster, Kafka log directory and service logs
 * @param postgresPort     PostgreSQL's port
 * @param kafkaPort        the broker's client port
 * @param controllerPort   the broker's KRaft controller port
 * @param servicePorts     each service's HTTP port
 * @param jarsDirectory    where the service jars are, or null for {@code <repository>/<service>/target/}
 * @param profiles         Spring profiles of every service
 * @param serviceArgs      extra arguments for every service
 * @param perServiceArgs   extra arguments for one service
 * @param startupTimeout   how long each part may take to start
 */
public record LaunchOptions(boolean help,
                            Path dataDirectory,
                            int postgresPort,
                            int kafkaPort,
                            int controllerPort,
                            Map<Service, Integer> servicePorts,
                            Path jarsDirectory,
                            List<String> profiles,
                            List<String> serviceArgs,
                            Map<Service, List<String>> perServiceArgs,
                            Duration startupTimeout) {

    /** System property naming the jars directory when {@code --jars-dir} is not given. */
    public static final String JARS_DIRECTORY_PROPERTY = "local-stack.jars-dir";
    static final List<String> DEFAULT_PROFILES = List.of("demo");
    private static final Set<String> OPTIONS_WITH_VALUE = Set.of("--data-dir", "--postgres-port", "--kafka-port",
            "--controller-port", "--jars-dir", "--profiles", "--service-arg", "--startup-timeout");

    public static String usage() {
        StringBuilder text = new StringBuilder("""
                Usage: java -jar local-stack/target/local-stack.jar [options]

                Starts PostgreSQL, a Kafka broker and the four services on this machine, prints where each one
                listens, and stops them all on Ctrl-C. State is kept in the data directory between runs.

                Options:
                  --data-dir=DIR            data and logs (default ./local-stack-data)
                  --postgres-port=PORT      PostgreSQL (default 5432)
                  --kafka-port=PORT         Kafka broker (default 9092)
                  --controller-port=PORT    Kafka KRaft controller (default 9093)
                """);
        for (Service service : Service.values()) {
            text.append("  %-25s %s (default %d)%n".formatted(service.portOption() + "=PORT", service.artifactId(),
                    service.defaultPort()));
        }
        text.append("""
                  --jars-dir=DIR            directory with order-service.jar, inventory-service.jar, ...
                                            (default <repository>/<service>/target/, or -D%s=DIR)
                  --profiles=LIST           Spring profiles of the services (default demo; --profiles= for none)
                  --service-arg=ARG         one more argument for every service (repeatable),
                                            e.g. --service-arg=--logging.level.com.sagaworks=DEBUG
                """.formatted(JARS_DIRECTORY_PROPERTY));
        for (Service service : Service.values()) {
            text.append("  %-25s one more argument for %s only (repeatable)%n".formatted(service.argOption() + "=ARG",
                    service.artifactId()));
        }
        text.append("""
                  --startup-timeout=SECONDS how long each part may take to start (default %d)
                  -h, --help                this text
                """.formatted(LocalStack.DEFAULT_STARTUP_TIMEOUT.toSeconds()));
        return text.toString();
    }

    /**
     * @param args                the command line
     * @param jarsDirectoryDefault the value of {@link #JARS_DIRECTORY_PROPERTY}, or null
     * @throws IllegalArgumentException naming the offending option
     */
    public static LaunchOptions parse(String[] args, String jarsDirectoryDefault) {
        boolean help = false;
        Path dataDirectory = LocalStack.DEFAULT_DATA_DIRECTORY;
        int postgresPort = LocalStack.DEFAULT_POSTGRES_PORT;
        int kafkaPort = LocalStack.DEFAULT_KAFKA_PORT;
        int controllerPort = LocalStack.DEFAULT_CONTROLLER_PORT;
        Map<Service, Integer> servicePorts = new EnumMap<>(Service.class);
        Arrays.stream(Service.values()).forEach(service -> servicePorts.put(service, service.defaultPort()));
        Path jarsDirectory = jarsDirectoryDefault == null || jarsDirectoryDefault.isBlank()
                ? null : Path.of(jarsDirectoryDefault);
        List<String> profiles = DEFAULT_PROFILES;
        List<String> serviceArgs = new ArrayList<>();
        Map<Service, List<String>> perServiceArgs = new EnumMap<>(Service.class);
        Duration startupTimeout = LocalStack.DEFAULT_STARTUP_TIMEOUT;

        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("-h") || arg.equals("--help")) {
                help = true;
                continue;
            }
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument: " + arg);
            }
            int equals = arg.indexOf('=');
            String name = equals < 0 ? arg : arg.substring(0, equals);
            if (!OPTIONS_WITH_VALUE.contains(name) && serviceWithOption(name) == null) {
                throw new IllegalArgumentException("unknown option: " + name);
            }
            String value;
            if (equals >= 0) {
                value = arg.substring(equals + 1);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException(name + " needs a value");
            }
            switch (name) {
                case "--data-dir" -> dataDirectory = Path.of(requireNonBlank(name, value));
                case "--postgres-port" -> postgresPort = port(name, value);
                case "--kafka-port" -> kafkaPort = port(name, value);
                case "--controller-port" -> controllerPort = port(name, value);
                case "--jars-dir" -> jarsDirectory = Path.of(requireNonBlank(name, value));
                case "--profiles" -> profiles = Arrays.stream(value.split(","))
                        .map(String::trim).filter(profile -> !profile.isEmpty()).toList();
                case "--service-arg" -> serviceArgs.add(value);
                case "--startup-timeout" -> startupTimeout = Duration.ofSeconds(positive(name, value));
                default -> {
                    Service service = serviceWithOption(name);
                    if (name.equals(service.portOption())) {
                        servicePorts.put(service, port(name, value));
                    } else {
                        perServiceArgs.computeIfAbsent(service, s -> new ArrayList<>()).add(value);
                    }
                }
            }
        }
        return new LaunchOptions(help, dataDirectory, postgresPort, kafkaPort, controllerPort, Map.copyOf(servicePorts),
                jarsDirectory, profiles, List.copyOf(serviceArgs), Map.copyOf(perServiceArgs), startupTimeout);
    }

    /** A stack builder with these options; the builder is where the library's defaults live otherwise. */
    public LocalStack.Builder toBuilder() {
        LocalStack.Builder builder = LocalStack.builder()
                .dataDirectory(dataDirectory)
                .postgresPort(postgresPort)
                .kafkaPort(kafkaPort)
                .controllerPort(controllerPort)
                .jarsDirectory(jarsDirectory)
                .profiles(profiles)
                .serviceArgs(serviceArgs.toArray(String[]::new))
                .startupTimeout(startupTimeout);
        servicePorts.forEach(builder::servicePort);
        perServiceArgs.forEach((service, args) -> builder.serviceArgs(service, args.toArray(String[]::new)));
        return builder;
    }

    private static Service serviceWithOption(String name) {
        for (Service service : Service.values()) {
            if (name.equals(service.portOption()) || name.equals(service.argOption())) {
                return service;
            }
        }
        return null;
    }

    private static String requireNonBlank(String name, String value) {
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + " needs a value");
        }
        return value;
    }

    private static int port(String name, String value) {
        int port = integer(name, value);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(name + " must be a TCP port (1-65535): " + value);
        }
        return port;
    }

    private static int positive(String name, String value) {
        int number = integer(name, value);
        if (number <= 0) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
        return number;
    }

    private static int integer(String name, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number: " + value, e);
        }
    }
}
