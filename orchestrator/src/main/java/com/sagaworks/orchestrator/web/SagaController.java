package com.sagaworks.orchestrator.web;

import com.sagaworks.orchestrator.engine.SagaRepository;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

import java.util.List;
import java.util.UUID;

/** Read-only saga API: one saga with its timeline, or the sagas of an order. */
@RestController
@RequestMapping("/sagas")
class SagaController {

    private final SagaRepository sagas;
    private final JsonMapper json;

    SagaController(SagaRepository sagas, JsonMapper json) {
        this.sagas = sagas;
        this.json = json;
    }

    @GetMapping("/{sagaId}")
    SagaView saga(@PathVariable UUID sagaId) {
        return sagas.find(sagaId)
                .map(s -> SagaView.of(s, sagas.history(sagaId), json))
                .orElseThrow(() -> new SagaNotFound(sagaId));
    }

    @GetMapping(params = "orderId")
    List<SagaSummary> byOrder(@RequestParam UUID orderId) {
        return sagas.findByBusinessKey(orderId.toString()).stream().map(SagaSummary::of).toList();
    }

    @ExceptionHandler
    ProblemDetail notFound(SagaNotFound e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, e.getMessage());
        problem.setTitle("Saga not found");
        return problem;
    }

    static final class SagaNotFound extends RuntimeException {
        SagaNotFound(UUID id) {
            super("no saga " + id);
        }
    }
}
