package com.sagaworks.testing;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import static com.sagaworks.testing.InfrastructureKind.EMBEDDED;
import static com.sagaworks.testing.InfrastructureKind.TESTCONTAINERS;
import static com.sagaworks.testing.InfrastructureKind.select;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class InfrastructureKindTest {

    private static final BooleanSupplier DOCKER = () -> true;
    private static final BooleanSupplier NO_DOCKER = () -> false;

    @Test
    void picksTestcontainersWhenDockerAnswersAndNothingIsForced() {
        assertThat(select(null, null, DOCKER)).isEqualTo(TESTCONTAINERS);
        assertThat(select("auto", null, DOCKER)).isEqualTo(TESTCONTAINERS);
    }

    @Test
    void fallsBackToEmbeddedWithoutDocker() {
        assertThat(select(null, null, NO_DOCKER)).isEqualTo(EMBEDDED);
        assertThat(select(" ", "", NO_DOCKER)).isEqualTo(EMBEDDED);
    }

    @Test
    void forcedChoiceWinsAndDoesNotProbeForDocker() {
        AtomicBoolean probed = new AtomicBoolean();
        BooleanSupplier probe = () -> {
            probed.set(true);
            return true;
        };
        assertThat(select("embedded", null, probe)).isEqualTo(EMBEDDED);
        assertThat(select(null, "EMBEDDED", probe)).isEqualTo(EMBEDDED);
        assertThat(select("testcontainers", null, NO_DOCKER)).isEqualTo(TESTCONTAINERS);
        assertThat(probed).isFalse();
    }

    @Test
    void systemPropertyOverridesEnvironmentVariable() {
        assertThat(select("embedded", "testcontainers", DOCKER)).isEqualTo(EMBEDDED);
        assertThat(select("testcontainers", "embedded", NO_DOCKER)).isEqualTo(TESTCONTAINERS);
    }

    @Test
    void refusesAnUnknownChoiceNamingTheSetting() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> select("podman", null, DOCKER))
                .withMessageContaining(InfrastructureKind.PROPERTY)
                .withMessageContaining("podman");
    }
}
