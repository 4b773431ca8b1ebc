package com.sagaworks.stack;

import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar local-stack/target/local-stack.jar [options]}: starts the stack, prints where everything
 * listens, and stops it in order on Ctrl-C or SIGTERM. Exit codes: 0 after a requested stop, 1 when the stack
 * failed to start, 2 for a bad command line, 130 when stopped while starting.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        quietLibraryLogging();
        LaunchOptions options;
        try {
            options = LaunchOptions.parse(args, System.getProperty(LaunchOptions.JARS_DIRECTORY_PROPERTY));
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println("see --help");
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.print(LaunchOptions.usage());
            return;
        }
        LocalStack stack;
        try {
            stack = options.toBuilder().build();
        } catch (StackException e) {
            System.err.println(e.getMessage());
            System.exit(1);
            return;
        }
        System.exit(run(stack));
    }

    private static int run(LocalStack stack) {
        StopRequest stopRequest = new StopRequest(Thread.currentThread());
        // Our own INT/TERM handlers instead of only a shutdown hook: zonky's EmbeddedPostgres registers a
        // shutdown hook of its own that would stop PostgreSQL concurrently with the services still shutting
        // down. Handling the signal here lets us stop services, broker and database in order, and only then
        // exit (by which time zonky's hook finds nothing left to do).
        SignalHandler onSignal = signal -> stopRequest.request();
        Signal.handle(new Signal("INT"), onSignal);
        Signal.handle(new Signal("TERM"), onSignal);
        try {
            stack.start();
        } catch (StackException e) {
            if (stopRequest.requested()) {
                System.out.println("stopped while starting");
                return 130;
            }
            System.err.println(e.getMessage());
            return 1;
        }
        stopRequest.started();
        System.out.println("press Ctrl-C to stop");
        stopRequest.await();
        stack.stop();
        return 0;
    }

    /**
     * A stop requested by a signal. While the stack starts, the request also interrupts the starting thread,
     * which aborts the start (and stops whatever it had started); once started, it only wakes the waiting
     * thread, so that the orderly stop is never cut short by an interrupt.
     */
    private static final class StopRequest {

        private final Thread starter;
        private final CountDownLatch latch = new CountDownLatch(1);
        private boolean starting = true;

        StopRequest(Thread starter) {
            this.starter = starter;
        }

        synchronized void request() {
            latch.countDown();
            if (starting) {
                starter.interrupt();
            }
        }

        boolean requested() {
            return latch.getCount() == 0;
        }

        void started() {
            synchronized (this) {
                starting = false;
            }
            // a request that came in as start() returned interrupted us; the latch still holds the request
            Thread.interrupted();
        }

        void await() {
            boolean interrupted = false;
            while (latch.getCount() > 0) {
                try {
                    latch.await();
                } catch (InterruptedException e) {
                    // nobody but request() interrupts this thread, and not after started(): wait on
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * The launcher's console is for the user: the libraries it uses in-process (zonky, the Kafka admin client)
     * log at INFO through slf4j-simple otherwise. The broker and PostgreSQL log to their own files.
     */
    private static void quietLibraryLogging() {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        // the admin client that probes the broker warns on every refused connection while the broker starts
        if (System.getProperty("org.slf4j.simpleLogger.log.org.apache.kafka") == null) {
            System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "error");
        }
    }
}
