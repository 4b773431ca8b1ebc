package com.sagaworks.orchestrator.admin.web;

import com.sagaworks.orchestrator.admin.AdminService;
import com.sagaworks.orchestrator.admin.AdminViews;
import com.sagaworks.orchestrator.admin.OperatorActions;
import com.sagaworks.orchestrator.admin.SagaFilter;
import com.sagaworks.orchestrator.engine.OperatorAction;
import com.sagaworks.orchestrator.engine.SagaStatus;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import java.util.UUID;
import java.util.stream.Collectors;

/** The admin pages (Thymeleaf, form login). Actions go preview (GET) -> confirm with a reason (POST, CSRF). */
@Controller
@RequestMapping("/admin")
class AdminPageController {

    private final AdminService admin;
    private final OperatorActions actions;

    AdminPageController(AdminService admin, OperatorActions actions) {
        this.admin = admin;
        this.actions = actions;
    }

    @ModelAttribute("user")
    String user(Authentication user) {
        return user == null ? "" : user.getName();
    }

    @ModelAttribute("roles")
    String roles(Authentication user) {
        return user == null ? "" : user.getAuthorities().stream().map(GrantedAuthority::getAuthority)
                .filter(a -> a.startsWith("ROLE_")).map(a -> a.substring("ROLE_".length())).sorted()
                .collect(Collectors.joining(", "));
    }

    /** Only operators see action buttons; the filter chain refuses the actions to anyone else anyway. */
    @ModelAttribute("operator")
    boolean operator(Authentication user) {
        return user != null && user.getAuthorities().stream()
                .anyMatch(a -> a.getAuthority().equals("ROLE_OPERATOR"));
    }

    @GetMapping({"", "/"})
    String overview(Model model) {
        model.addAttribute("overview", admin.overview());
        model.addAttribute("statuses", SagaStatus.values());
        return "admin/overview";
    }

    @GetMapping("/sagas")
    String search(@RequestParam(required = false) String sagaId,
                  @RequestParam(required = false) String orderId,
                  @RequestParam(required = false) String customer,
                  @RequestParam(required = false) SagaStatus status,
                  @RequestParam(required = false) String step,
                  @RequestParam(required = false) Integer waitingMinutes,
                  @RequestParam(required = false) String after,
                  Model model) {
        UUID id = sagaId == null || sagaId.isBlank() ? null : UUID.fromString(sagaId.strip());
        model.addAttribute("page", admin.search(new SagaFilter(id, orderId, customer, status, step, waitingMinutes,
                SagaFilter.Cursor.parse(after))));
        model.addAttribute("statuses", SagaStatus.values());
        return "admin/sagas";
    }

    @GetMapping("/sagas/{sagaId}")
    String saga(@PathVariable UUID sagaId, Model model) {
        model.addAttribute("detail", admin.detail(sagaId)
                .orElseThrow(() -> new IllegalArgumentException("no saga " + sagaId)));
        return "admin/saga";
    }

    @GetMapping("/sagas/{sagaId}/actions/{action}")
    String preview(@PathVariable UUID sagaId, @PathVariable OperatorAction action, @RequestParam int version,
                   Model model) {
        model.addAttribute("preview", actions.preview(sagaId, version, action));
        return "admin/preview";
    }

    @PostMapping("/sagas/{sagaId}/actions/{action}")
    String act(@PathVariable UUID sagaId, @PathVariable OperatorAction action, @RequestParam int version,
               @RequestParam(required = false) String reason, Authentication user, RedirectAttributes redirect) {
        AdminViews.ActionResult result = actions.apply(sagaId, version, action, user.getName(), reason);
        redirect.addFlashAttribute("result", result);
        return "redirect:/admin/sagas/" + sagaId;
    }

    @ExceptionHandler
    String badRequest(IllegalArgumentException e, Model model, HttpServletResponse response) {
        boolean missing = e.getMessage() != null && e.getMessage().startsWith("no saga ");
        response.setStatus(missing ? HttpStatus.NOT_FOUND.value() : HttpStatus.BAD_REQUEST.value());
        model.addAttribute("message", e.getMessage());
        return "admin/error";
    }
}
