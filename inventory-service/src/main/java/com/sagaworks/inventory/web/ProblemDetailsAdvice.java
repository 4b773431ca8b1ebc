package com.sagaworks.inventory.web;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Turns this service's own errors into RFC 9457 problem details. Spring MVC's errors (bad path variable,
 * unknown route...) are rendered by Boot's handler, enabled with {@code spring.mvc.problemdetails.enabled}.
 */
@RestControllerAdvice
class ProblemDetailsAdvice {

    @ExceptionHandler(NotFoundException.class)
    ProblemDetail notFound(NotFoundException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, e.getMessage());
        problem.setTitle("Not Found");
        problem.setProperty("resource", e.resource());
        problem.setProperty("id", e.id());
        return problem;
    }
}
