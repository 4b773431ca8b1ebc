package com.sagaworks.order.access;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;

/**
 * Spring Security's view of an API-key request: before authentication it carries the presented key, after it
 * the {@link ApiClient} and no key (the key is not kept in the security context).
 */
public final class ApiKeyAuthentication extends AbstractAuthenticationToken {

    private final transient ApiClient client;
    private String presentedKey;

    private ApiKeyAuthentication(String presentedKey, ApiClient client) {
        super(AuthorityUtils.NO_AUTHORITIES);
        this.presentedKey = presentedKey;
        this.client = client;
        setAuthenticated(client != null);
    }

    public static ApiKeyAuthentication unauthenticated(String presentedKey) {
        return new ApiKeyAuthentication(presentedKey, null);
    }

    static ApiKeyAuthentication authenticated(ApiClient client) {
        return new ApiKeyAuthentication(null, client);
    }

    @Override
    public Object getCredentials() {
        return presentedKey;
    }

    /** The {@link ApiClient} once authenticated; {@code null} before. */
    @Override
    public Object getPrincipal() {
        return client;
    }

    @Override
    public String getName() {
        return client == null ? "" : client.id().value();
    }

    @Override
    public void eraseCredentials() {
        presentedKey = null;
        super.eraseCredentials();
    }
}
