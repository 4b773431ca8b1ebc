package com.sagaworks.orchestrator.admin;

import com.sagaworks.orchestrator.engine.OperatorAction;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * Whether the participants' own records allow closing a FAILED saga by hand: COMPENSATED only when nothing of it
 * is left in effect anywhere, COMPLETED only when every step took effect. An unavailable participant blocks both,
 * because "we could not look" is not evidence.
 */
final class ResolveCheck {

    private ResolveCheck() {
    }

    /** Why the action is not allowed; empty when it is (or when the action needs no check). */
    static List<String> objections(OperatorAction action, List<ParticipantStates.State> states) {
        if (action != OperatorAction.RESOLVE_COMPENSATED && action != OperatorAction.RESOLVE_COMPLETED) {
            return List.of();
        }
        boolean completed = action == OperatorAction.RESOLVE_COMPLETED;
        List<String> objections = new ArrayList<>();
        for (ParticipantStates.State s : states) {
            if (!s.available()) {
                objections.add(s.participant() + " is unavailable (" + s.error() + "): its state cannot be checked");
                continue;
            }
            switch (s.participant()) {
                case "inventory" -> {
                    String status = s.found() ? text(s.body(), "status") : "none";
                    boolean reserved = "RESERVED".equals(status);
                    if (completed != reserved) {
                        objections.add("inventory reservation is " + status
                                + (completed ? ", not RESERVED" : ": stock is still held"));
                    }
                }
                case "payment" -> {
                    boolean charged = false;
                    boolean refunded = false;
                    if (s.found() && s.body() != null) {
                        for (JsonNode entry : s.body()) {
                            charged |= "CHARGE".equals(text(entry, "kind"));
                            refunded |= "REFUND".equals(text(entry, "kind"));
                        }
                    }
                    boolean inEffect = charged && !refunded;
                    if (completed != inEffect) {
                        objections.add(completed ? "payment has no charge in effect"
                                : "payment is charged and not refunded");
                    }
                }
                case "order" -> {
                    String status = s.found() ? text(s.body(), "status") : "none";
                    boolean confirmed = "CONFIRMED".equals(status);
                    if (completed != confirmed) {
                        objections.add("order is " + status + (completed ? ", not CONFIRMED" : ": it is confirmed"));
                    }
                }
                default -> objections.add("unknown participant " + s.participant());
            }
        }
        return objections;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value == null || value.isNull() ? "none" : value.asString();
    }
}
