package com.sagaworks.orchestrator.admin.web;

import com.sagaworks.orchestrator.admin.AdminService;
import com.sagaworks.orchestrator.admin.AdminViews;
import com.sagaworks.orchestrator.admin.OperatorActions;
import com.sagaworks.orchestrator.admin.SagaFilter;
import com.sagaworks.orchestrator.engine.OperatorAction;
import com.sagaworks.orchestrator.engine.SagaStatus;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.UUID;

/** The admin view's data and actions as JSON for scripts (HTTP Basic). Refused actions answer 409. */
@RestController
@RequestMapping("/admin/api")
class AdminApiController {

    private final AdminService admin;
    private final OperatorActions actions;

    AdminApiController(AdminService admin, OperatorActions actions) {
        this.admin = admin;
        this.actions = actions;
    }

    @GetMapping("/overview")
    AdminViews.Overview overview() {
        return admin.overview();
    }

    @GetMapping("/sagas")
    AdminViews.Page search(@RequestParam(required = false) UUID sagaId,
                           @RequestParam(required = false) String orderId,
                           @RequestParam(required = false) String customer,
                           @RequestParam(required = false) SagaStatus status,
                           @RequestParam(required = false) String step,
                           @RequestParam(required = false) Integer waitingMinutes,
                           @RequestParam(required = false) String after) {
        return admin.search(new SagaFilter(sagaId, orderId, customer, status, step, waitingMinutes,
                SagaFilter.Cursor.parse(after)));
    }

    @GetMapping("/sagas/{sagaId}")
    AdminViews.SagaDetail saga(@PathVariable UUID sagaId) {
        return admin.detail(sagaId).orElseThrow(() -> new IllegalArgumentException("no saga " + sagaId));
    }

    @GetMapping("/sagas/{sagaId}/actions/{action}")
    AdminViews.Preview preview(@PathVariable UUID sagaId, @PathVariable OperatorAction action,
                               @RequestParam int version) {
        return actions.preview(sagaId, version, action);
    }

    /** The body of an action: the version the caller saw and why it acts. */
    record ActionRequest(@NotNull Integer version, @NotBlank String reason) {
    }

    @PostMapping("/sagas/{sagaId}/actions/{action}")
    ResponseEntity<AdminViews.ActionResult> act(@PathVariable UUID sagaId, @PathVariable OperatorAction action,
                                                @Validated @RequestBody ActionRequest request,
                                                Authentication user) {
        AdminViews.ActionResult result = actions.apply(sagaId, request.version(), action, user.getName(),
                request.reason());
        return ResponseEntity.status(result.applied() ? HttpStatus.OK : HttpStatus.CONFLICT).body(result);
    }

    @ExceptionHandler
    ProblemDetail badRequest(IllegalArgumentException e) {
        boolean missing = e.getMessage() != null && e.getMessage().startsWith("no saga ");
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(
                missing ? HttpStatus.NOT_FOUND : HttpStatus.BAD_REQUEST, e.getMessage());
        problem.setTitle(missing ? "Saga not found" : "Invalid request");
        return problem;
    }
}
