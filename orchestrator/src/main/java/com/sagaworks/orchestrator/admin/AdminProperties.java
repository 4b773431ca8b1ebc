package com.sagaworks.orchestrator.admin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * @param users        who may log in to the admin view: name to password (with its {@code {id}} prefix, e.g.
 *                     {@code {noop}} or {@code {bcrypt}}) and roles ({@code VIEWER} reads, {@code OPERATOR} also acts)
 * @param stuckAfter   a waiting saga that has not moved for this long needs attention
 * @param participants where the participants' read APIs are, to show their local state of a saga
 */
@ConfigurationProperties("sagaworks.admin")
public record AdminProperties(Map<String, User> users,
                              @DefaultValue("5m") Duration stuckAfter,
                              @DefaultValue Participants participants) {

    public AdminProperties {
        users = users == null ? Map.of() : Map.copyOf(users);
    }

    /** One admin user. */
    public record User(String password, @DefaultValue("VIEWER") List<String> roles) {
    }

    /**
     * @param timeout how long the saga page waits for each participant before showing it as unavailable
     */
    public record Participants(@DefaultValue("http://127.0.0.1:8081") String inventoryUrl,
                               @DefaultValue("http://127.0.0.1:8082") String paymentUrl,
                               @DefaultValue("http://127.0.0.1:8080") String orderUrl,
                               @DefaultValue("demo-shop-key") String orderApiKey,
                               @DefaultValue("2s") Duration timeout) {
    }
}
