package com.sagaworks.order.web;

import com.sagaworks.order.access.ApiClients;
import com.sagaworks.order.access.ApiKeyAuthentication;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.authentication.AuthenticationEntryPointFailureHandler;
import org.springframework.security.web.authentication.AuthenticationFilter;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;

import java.net.URI;
import java.util.Enumeration;

/**
 * Who may call the API. Clients authenticate with their API key in the {@code X-Api-Key} header, on every
 * request: no session, no cookie. The health probe and the OpenAPI description are public.
 *
 * <p>Why a header and not HTTP Basic: a browser replays Basic credentials (and cookies) on its own, so
 * a page on another site could make a logged-in browser cancel an order; a custom header is never added by a
 * browser without the page asking, and this service allows no cross-origin requests. That is also why CSRF
 * protection, which guards ambient credentials, is switched off.
 *
 * <p>Authentication failures answer 401 with a problem detail. Which orders a client may see is decided per
 * order ({@link com.sagaworks.order.access.ApiClient#owns}), and a foreign order answers 404, never 403, so
 * that a client cannot learn whether an id exists.
 */
@Configuration(proxyBeanMethods = false)
class ApiSecurityConfiguration {

    static final String API_KEY_HEADER = "X-Api-Key";

    @Bean
    SecurityFilterChain orderApiSecurity(HttpSecurity http, ApiClients clients, ProblemResponses problems) throws Exception {
        AuthenticationEntryPoint unauthenticated = (request, response, failure) -> {
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "ApiKey header=\"" + API_KEY_HEADER + "\"");
            problems.write(request, response, HttpStatus.UNAUTHORIZED, ProblemTypes.UNAUTHENTICATED,
                    "Authentication required", detail(failure));
        };
        AccessDeniedHandler forbidden = (request, response, denied) -> problems.write(request, response,
                HttpStatus.FORBIDDEN, URI.create("about:blank"), "Forbidden", "This client may not do this.");

        AuthenticationFilter apiKey = new AuthenticationFilter(new ProviderManager(clients),
                ApiSecurityConfiguration::presentedKey);
        // Authenticated: carry on down the chain (the default handler would redirect, as after a form login).
        apiKey.setSuccessHandler((request, response, authentication) -> { });
        apiKey.setFailureHandler(new AuthenticationEntryPointFailureHandler(unauthenticated));

        return http
                .csrf(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                // Stateless: the authentication lives in a request attribute, which is also what carries it
                // into the async dispatch that completes a long poll or an event stream.
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .addFilterAt(apiKey, BasicAuthenticationFilter.class)
                .authorizeHttpRequests(authorize -> authorize
                        // Error dispatches render the problem of a request that was already let in or refused.
                        .dispatcherTypeMatchers(DispatcherType.ERROR).permitAll()
                        .requestMatchers("/actuator/health", "/actuator/health/**").permitAll()
                        // scraped by Prometheus inside the deployment; it holds counters, never order data
                        .requestMatchers("/actuator/prometheus").permitAll()
                        .requestMatchers("/v3/api-docs", "/v3/api-docs/**", "/swagger-ui.html", "/swagger-ui/**").permitAll()
                        .anyRequest().authenticated())
                .exceptionHandling(exceptions -> exceptions
                        .authenticationEntryPoint(unauthenticated)
                        .accessDeniedHandler(forbidden))
                .build();
    }

    /** The key the request presents, or null when it presents none (then the request is anonymous). */
    private static ApiKeyAuthentication presentedKey(HttpServletRequest request) {
        Enumeration<String> values = request.getHeaders(API_KEY_HEADER);
        if (values == null || !values.hasMoreElements()) {
            return null;
        }
        String key = values.nextElement();
        if (values.hasMoreElements()) {
            throw new BadCredentialsException("Send one " + API_KEY_HEADER + " header, not several.");
        }
        return ApiKeyAuthentication.unauthenticated(key);
    }

    private static String detail(AuthenticationException failure) {
        if (failure instanceof BadCredentialsException bad) {
            return bad.getMessage();
        }
        return "Send the client's API key in the " + API_KEY_HEADER + " header.";
    }
}
