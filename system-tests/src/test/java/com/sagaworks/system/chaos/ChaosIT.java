package com.sagaworks.system.chaos;

import com.sagaworks.system.SagaworksSystem;
import com.sagaworks.system.SystemUnderTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.TimeUnit;

/**
 * The CI-size chaos run: a few hundred sagas under every kind of fault (service kill -9, two at once, broker
 * kill -9 with orders still arriving, PostgreSQL immediate stop, duplicate delivery, a full replay, refunds failing
 * at the payment provider for a while, a participant stopped past the step deadline), then every invariant over
 * the four databases and the topics. {@code -Dchaos.seed=} repeats a run.
 */
@ExtendWith(SystemUnderTest.class)
class ChaosIT {

    private final SagaworksSystem system;

    ChaosIT(SagaworksSystem system) {
        this.system = system;
    }

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void everySagaEndsAndNothingIsLostOrDoubledWhileProcessesCrash() {
        ChaosReport report = new ChaosRun(system, ChaosPlan.ci(), ChaosRun.seedFromProperty(), System.out).run();

        ChaosVerdict.assertClean(report);
    }
}
