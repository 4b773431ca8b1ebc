package com.sagaworks.orchestrator.admin;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

import java.util.List;

/**
 * Three filter chains. {@code /admin/api/**}: HTTP Basic for scripts, stateless, so CSRF protection is off there
 * (no cookie or session authenticates a request, so a forged cross-site request carries no credentials).
 * {@code /admin/**}: form login with a session and CSRF tokens on every form. Everything else ({@code /sagas/**},
 * actuator) stays open as before: other services and test suites read it without credentials.
 */
@Configuration(proxyBeanMethods = false)
class AdminSecurityConfiguration {

    static final String VIEWER = "VIEWER";
    static final String OPERATOR = "OPERATOR";

    @Bean
    @Order(1)
    SecurityFilterChain adminApi(HttpSecurity http) throws Exception {
        return http.securityMatcher("/admin/api/**")
                .authorizeHttpRequests(a -> a
                        .requestMatchers(HttpMethod.GET, "/admin/api/**").hasAnyRole(VIEWER, OPERATOR)
                        .anyRequest().hasRole(OPERATOR))
                .httpBasic(Customizer.withDefaults())
                .csrf(c -> c.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .build();
    }

    @Bean
    @Order(2)
    SecurityFilterChain adminPages(HttpSecurity http) throws Exception {
        return http.securityMatcher("/admin/**", "/login", "/logout")
                .authorizeHttpRequests(a -> a
                        .requestMatchers("/login", "/logout").permitAll()
                        .requestMatchers("/admin/sagas/*/actions/**").hasRole(OPERATOR)
                        .requestMatchers(HttpMethod.GET, "/admin/**").hasAnyRole(VIEWER, OPERATOR)
                        .anyRequest().hasRole(OPERATOR))
                .formLogin(f -> f.defaultSuccessUrl("/admin", false))
                .logout(l -> l.logoutSuccessUrl("/login?logout"))
                .build();
    }

    @Bean
    @Order(3)
    SecurityFilterChain everythingElse(HttpSecurity http) throws Exception {
        // no login and no session here, so no CSRF token is needed either; these endpoints only read
        return http.authorizeHttpRequests(a -> a.anyRequest().permitAll())
                .csrf(c -> c.disable())
                .build();
    }

    @Bean
    InMemoryUserDetailsManager adminUsers(AdminProperties properties) {
        List<UserDetails> users = properties.users().entrySet().stream()
                .map(e -> User.withUsername(e.getKey())
                        .password(e.getValue().password())
                        .roles(e.getValue().roles().toArray(String[]::new))
                        .build())
                .toList();
        return new InMemoryUserDetailsManager(users);
    }
}
