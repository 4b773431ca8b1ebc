package com.sagaworks.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrometheusScrapeTest {

    @Test
    void addsTheOutboxAndRelaySeriesOverTheirTags() {
        String text = """
                # HELP sagaworks_outbox_backlog rows waiting
                # TYPE sagaworks_outbox_backlog gauge
                sagaworks_outbox_backlog{application="orchestrator"} 7.0
                sagaworks_relay_publish_lag_seconds_count{topic="inventory.commands"} 10
                sagaworks_relay_publish_lag_seconds_count{topic="payment.commands"} 5
                sagaworks_relay_publish_lag_seconds_sum{topic="inventory.commands"} 0.5
                sagaworks_relay_publish_lag_seconds_sum{topic="payment.commands"} 0.25
                sagaworks_relay_publish_lag_seconds_max{topic="inventory.commands"} 0.2
                sagaworks_relay_publish_lag_seconds_max{topic="payment.commands"} 0.1
                jvm_threads_live_threads 42.0
                """;

        PrometheusScrape scrape = PrometheusScrape.parse(text);

        assertThat(scrape.outboxBacklog()).isEqualTo(7.0);
        assertThat(scrape.publishLagCount()).isEqualTo(15);
        assertThat(scrape.publishLagSum()).isEqualTo(0.75);
        assertThat(scrape.publishLagMax()).isEqualTo(0.2);
    }
}
