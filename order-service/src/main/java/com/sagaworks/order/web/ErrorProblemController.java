package com.sagaworks.order.web;

import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Renders the errors that bypass Spring MVC's exception handling as problem details: those raised by the
 * servlet container or by a filter through {@code sendError} (a request the firewall rejects, an error
 * while a response streams). Replaces Spring Boot's error controller, whose body is not RFC 9457.
 */
@Hidden
@RestController
class ErrorProblemController implements ErrorController {

    private static final Logger log = LoggerFactory.getLogger(ErrorProblemController.class);

    @RequestMapping("${server.error.path:${error.path:/error}}")
    ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
        HttpStatus status = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE) instanceof Integer code
                ? HttpStatus.resolve(code) : null;
        if (status == null) {
            // Requested directly, not as an error dispatch: there is nothing here.
            status = HttpStatus.NOT_FOUND;
        }
        Object path = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        if (status.is5xxServerError()) {
            log.error("{} {} failed with {}", request.getMethod(), path, status.value(),
                    (Throwable) request.getAttribute(RequestDispatcher.ERROR_EXCEPTION));
        }
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, status.is5xxServerError()
                ? "The request could not be completed." : "The request was refused: " + status.getReasonPhrase() + ".");
        problem.setTitle(status.getReasonPhrase());
        problem.setInstance(instance(path));
        return ResponseEntity.status(status).body(problem);
    }

    /** The refused request's path, quoted where it holds characters a URI may not. */
    private static URI instance(Object path) {
        if (!(path instanceof String text)) {
            return null;
        }
        try {
            return new URI(null, null, text, null);
        } catch (URISyntaxException e) {
            return null;
        }
    }
}
