package com.sagaworks.order.web;

import com.sagaworks.order.access.UnknownCustomerException;
import com.sagaworks.order.cancellation.OrderAlreadyConfirmedException;
import com.sagaworks.order.placement.IdempotencyKeyReusedException;
import com.sagaworks.order.placement.InvalidIdempotencyKeyException;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.core.MethodParameter;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.ObjectError;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

import java.net.URI;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Every error as an RFC 9457 problem detail ({@code application/problem+json}). Spring MVC's own
 * exceptions (missing header, unreadable body, wrong method or media type, malformed path variable...)
 * come out as 4xx through the base class; the service's own are mapped below. Only a fault of the service
 * itself is a 5xx, and it is logged.
 */
@RestControllerAdvice
class ProblemDetailsAdvice extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemDetailsAdvice.class);

    private static final URI INVALID_REQUEST = ProblemTypes.INVALID_REQUEST;

    /** One invalid field of a request, as listed in a problem's {@code errors} member. */
    record FieldProblem(String field, String message) {
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException ex,
                                                                  HttpHeaders headers, HttpStatusCode status,
                                                                  WebRequest request) {
        List<FieldProblem> errors = Stream.concat(
                        ex.getFieldErrors().stream().map(e -> new FieldProblem(e.getField(), message(e))),
                        ex.getGlobalErrors().stream().map(e -> new FieldProblem(e.getObjectName(), message(e))))
                .distinct()
                .sorted(Comparator.comparing(FieldProblem::field).thenComparing(FieldProblem::message))
                .toList();
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, "The order request has invalid fields.");
        problem.setType(INVALID_REQUEST);
        problem.setTitle("Invalid request");
        problem.setProperty("errors", errors);
        return handleExceptionInternal(ex, problem, headers, status, request);
    }

    /** A query parameter out of range, such as {@code page=-1}: the same shape as an invalid body field. */
    @Override
    protected ResponseEntity<Object> handleHandlerMethodValidationException(HandlerMethodValidationException ex,
                                                                            HttpHeaders headers, HttpStatusCode status,
                                                                            WebRequest request) {
        List<FieldProblem> errors = ex.getParameterValidationResults().stream()
                .flatMap(result -> result.getResolvableErrors().stream().map(error -> new FieldProblem(
                        parameterName(result.getMethodParameter()),
                        error.getDefaultMessage() == null ? "is invalid" : error.getDefaultMessage())))
                .distinct()
                .sorted(Comparator.comparing(FieldProblem::field).thenComparing(FieldProblem::message))
                .toList();
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, "The request has invalid parameters.");
        problem.setType(INVALID_REQUEST);
        problem.setTitle("Invalid request");
        problem.setProperty("errors", errors);
        return handleExceptionInternal(ex, problem, headers, status, request);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
                                                                  HttpHeaders headers, HttpStatusCode status,
                                                                  WebRequest request) {
        if (causedByTooLargeBody(ex)) {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONTENT_TOO_LARGE,
                    "The body is larger than the service accepts.");
            problem.setType(ProblemTypes.REQUEST_TOO_LARGE);
            problem.setTitle("Request too large");
            return handleExceptionInternal(ex, problem, headers, HttpStatus.CONTENT_TOO_LARGE, request);
        }
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, unreadableDetail(ex));
        problem.setType(INVALID_REQUEST);
        problem.setTitle("Unreadable request body");
        return handleExceptionInternal(ex, problem, headers, status, request);
    }

    /** A path variable of the wrong shape, such as an order id that is not a UUID. */
    @Override
    protected ResponseEntity<Object> handleTypeMismatch(TypeMismatchException ex, HttpHeaders headers,
                                                        HttpStatusCode status, WebRequest request) {
        String name = ex.getPropertyName() == null ? "a parameter" : "'" + ex.getPropertyName() + "'";
        String expected = ex.getRequiredType() == null ? "" : " (expected " + ex.getRequiredType().getSimpleName() + ")";
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, name + " has an invalid value" + expected + ".");
        problem.setType(INVALID_REQUEST);
        problem.setTitle("Invalid request");
        return handleExceptionInternal(ex, problem, headers, status, request);
    }

    @ExceptionHandler(InvalidIdempotencyKeyException.class)
    ResponseEntity<ProblemDetail> invalidIdempotencyKey(InvalidIdempotencyKeyException ex) {
        return problem(HttpStatus.BAD_REQUEST, INVALID_REQUEST, "Invalid Idempotency-Key", ex.getMessage());
    }

    @ExceptionHandler(InvalidParameterException.class)
    ResponseEntity<ProblemDetail> invalidParameter(InvalidParameterException ex) {
        ResponseEntity<ProblemDetail> answer = problem(HttpStatus.BAD_REQUEST, INVALID_REQUEST, "Invalid request",
                "'" + ex.parameter() + "' " + ex.getMessage() + ".");
        answer.getBody().setProperty("errors", List.of(new FieldProblem(ex.parameter(), ex.getMessage())));
        return answer;
    }

    @ExceptionHandler(IdempotencyKeyReusedException.class)
    ResponseEntity<ProblemDetail> idempotencyKeyReused(IdempotencyKeyReusedException ex) {
        return problem(HttpStatus.UNPROCESSABLE_CONTENT, ProblemTypes.IDEMPOTENCY_KEY_REUSED, "Idempotency-Key already used",
                ex.getMessage() + ". Resend the original request to learn its order, or use a new key for a new order.");
    }

    @ExceptionHandler(UnknownCustomerException.class)
    ResponseEntity<ProblemDetail> unknownCustomer(UnknownCustomerException ex) {
        return problem(HttpStatus.UNPROCESSABLE_CONTENT, ProblemTypes.UNKNOWN_CUSTOMER, "Unknown customer",
                "Customer '" + ex.customer() + "' is not one of this client's customers.");
    }

    /** Deliberately the same answer for an id that does not exist and for another client's order. */
    @ExceptionHandler(OrderNotFoundException.class)
    ResponseEntity<ProblemDetail> orderNotFound(OrderNotFoundException ex) {
        return problem(HttpStatus.NOT_FOUND, ProblemTypes.ORDER_NOT_FOUND, "Order not found", ex.getMessage());
    }

    @ExceptionHandler(OrderAlreadyConfirmedException.class)
    ResponseEntity<ProblemDetail> orderAlreadyConfirmed(OrderAlreadyConfirmedException ex) {
        return problem(HttpStatus.CONFLICT, ProblemTypes.ORDER_ALREADY_CONFIRMED, "Order already confirmed",
                ex.getMessage() + "; it stands as confirmed.");
    }

    /**
     * The database stayed busy or unreachable through every retry. Nothing was committed, so the client
     * may safely retry with the same Idempotency-Key.
     */
    @ExceptionHandler({TransientDataAccessException.class, DataAccessResourceFailureException.class})
    ResponseEntity<ProblemDetail> temporarilyUnavailable(RuntimeException ex, HttpServletRequest request) {
        log.warn("{} {} failed on a transient database error (SQLSTATE {}): {}", request.getMethod(),
                request.getRequestURI(), sqlState(ex), ex.toString());
        ResponseEntity<ProblemDetail> answer = problem(HttpStatus.SERVICE_UNAVAILABLE, ProblemTypes.TEMPORARILY_UNAVAILABLE,
                "Temporarily unavailable", "The order store is busy; retry with the same Idempotency-Key.");
        return ResponseEntity.status(answer.getStatusCode()).header(HttpHeaders.RETRY_AFTER, "1").body(answer.getBody());
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception ex, HttpServletRequest request) {
        log.error("{} {} failed (SQLSTATE {})", request.getMethod(), request.getRequestURI(), sqlState(ex), ex);
        return problem(HttpStatus.INTERNAL_SERVER_ERROR, URI.create("about:blank"), "Internal error",
                "The request could not be completed.");
    }

    private static ResponseEntity<ProblemDetail> problem(HttpStatus status, URI type, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(type);
        problem.setTitle(title);
        return ResponseEntity.status(status).body(problem);
    }

    /** The PostgreSQL error code behind {@code ex}, if a database error caused it. */
    private static String sqlState(Throwable ex) {
        for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState();
            }
        }
        return "none";
    }

    private static boolean causedByTooLargeBody(Throwable ex) {
        for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
            if (cause instanceof RequestTooLargeException) {
                return true;
            }
        }
        return false;
    }

    private static String parameterName(MethodParameter parameter) {
        RequestParam param = parameter.getParameterAnnotation(RequestParam.class);
        if (param != null && !param.name().isEmpty()) {
            return param.name();
        }
        return parameter.getParameterName() == null ? "parameter " + parameter.getParameterIndex() : parameter.getParameterName();
    }

    private static String message(ObjectError error) {
        return error.getDefaultMessage() == null ? "is invalid" : error.getDefaultMessage();
    }

    /** Names the offending field without echoing the body or the parser's internals. */
    private static String unreadableDetail(HttpMessageNotReadableException ex) {
        if (ex.getMostSpecificCause() instanceof UnrecognizedPropertyException unknown) {
            return "Unknown field '" + unknown.getPropertyName() + "'.";
        }
        if (ex.getMostSpecificCause() instanceof JacksonException json) {
            String path = path(json);
            return path.isEmpty() ? "The body is not valid JSON for this request."
                    : "Field '" + path + "' has a value of the wrong type or format.";
        }
        return "The body is missing or is not valid JSON.";
    }

    private static String path(JacksonException ex) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference ref : ex.getPath()) {
            if (ref.getPropertyName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(ref.getPropertyName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }
}
