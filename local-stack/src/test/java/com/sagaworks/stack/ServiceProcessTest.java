package com.sagaworks.stack;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Suspending a child process with SIGSTOP, and never leaving it stopped when it is stopped for good. */
@EnabledOnOs(OS.LINUX)
class ServiceProcessTest {

    @TempDir
    Path directory;

    @Test
    void suspendsAndResumesTheProcess() throws IOException {
        ServiceProcess process = sleeper();
        process.launch();
        try {
            process.suspend();
            assertThat(process.isSuspended()).isTrue();
            assertThat(state(process.pid())).isEqualTo("T");

            process.resume();
            assertThat(process.isSuspended()).isFalse();
            assertThat(state(process.pid())).isNotEqualTo("T");
        } finally {
            process.kill();
        }
    }

    @Test
    void aSuspendedProcessStillStopsGracefully() {
        ServiceProcess process = sleeper();
        process.launch();
        process.suspend();

        // SIGTERM alone would wait for a SIGCONT that never comes, and end in SIGKILL after the grace period
        assertThat(process.stop(Duration.ofSeconds(10))).as("exited on SIGTERM").isTrue();
        assertThat(process.isAlive()).isFalse();
        assertThat(process.isSuspended()).isFalse();
    }

    private ServiceProcess sleeper() {
        return new ServiceProcess(Service.PAYMENT, List.of("sleep", "60"), directory, directory.resolve("sleep.log"),
                URI.create("http://127.0.0.1:1"));
    }

    /** The process state letter of /proc/PID/stat: T when stopped by a signal. */
    private static String state(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        return stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    }
}
