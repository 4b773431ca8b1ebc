package com.sagaworks.order.web;

import com.sagaworks.order.placement.PlacementAdmission;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;

/**
 * Asks {@link PlacementAdmission} before a placement ({@code POST /orders}) does anything else, and answers a
 * refusal with {@code 503} ({@code urn:sagaworks:problem:overloaded}) and {@code Retry-After}. It runs before
 * authentication and before the body is read: when the stack is behind, a refusal must cost next to nothing, or
 * the clients' retries would take the CPU the stack needs to catch up (a first version that refused inside the
 * controller, behind the security chain, body parsing and validation, lowered the completed rate under
 * overload). So under overload an unauthenticated or invalid placement also gets the {@code 503}, and its error
 * on the retry.
 */
@Component
class PlacementAdmissionFilter extends OncePerRequestFilter implements Ordered {

    private final PlacementAdmission admission;
    private final ProblemResponses problems;

    PlacementAdmissionFilter(PlacementAdmission admission, ProblemResponses problems) {
        this.admission = admission;
        this.problems = problems;
    }

    @Override
    public int getOrder() {
        // Before Spring Security's filter chain (-100); after the HTTP server observation, so refusals are in the
        // request metrics.
        return -150;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !("POST".equals(request.getMethod()) && "/orders".equals(request.getRequestURI()));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (admission.admits()) {
            chain.doFilter(request, response);
            return;
        }
        long retryAfter = admission.retryAfterSeconds();
        response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(retryAfter));
        problems.write(request, response, HttpStatus.SERVICE_UNAVAILABLE, ProblemTypes.OVERLOADED,
                "Too many orders in flight", "More orders are being processed than the service takes on; this one"
                        + " was not placed. Retry after " + retryAfter + " s with the same Idempotency-Key.");
    }
}
