package com.sagaworks.orchestrator.admin;

import com.sagaworks.orchestrator.engine.OperatorAction;
import com.sagaworks.orchestrator.engine.SagaRecord;
import com.sagaworks.orchestrator.engine.SagaRepository;
import com.sagaworks.orchestrator.engine.SagaStatus;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** The read side of the admin view: overview, search and one saga with its evidence. */
@Service
public class AdminService {

    static final int PAGE_SIZE = 50;
    private static final int ATTENTION_LIMIT = 50;

    private final AdminQueries queries;
    private final SagaRepository sagas;
    private final StuckDetector detector;
    private final ParticipantStates participants;
    private final JsonMapper json;
    private final Clock clock;
    private final Duration stuckAfter;

    AdminService(AdminQueries queries, SagaRepository sagas, StuckDetector detector, ParticipantStates participants,
                 JsonMapper json, Clock clock, AdminProperties properties) {
        this.queries = queries;
        this.sagas = sagas;
        this.detector = detector;
        this.participants = participants;
        this.json = json;
        this.clock = clock;
        this.stuckAfter = properties.stuckAfter();
    }

    public AdminViews.Overview overview() {
        Instant now = clock.instant();
        Map<SagaStatus, Long> counts = queries.countByStatus();
        List<AdminViews.MinuteCount> perMinute = queries.startedPerMinute(now.minus(Duration.ofMinutes(14)), now)
                .entrySet().stream().map(e -> new AdminViews.MinuteCount(e.getKey(), e.getValue())).toList();
        return new AdminViews.Overview(counts, counts.values().stream().mapToLong(Long::longValue).sum(), perMinute,
                queries.oldestWaiting().map(s -> row(s, null)).orElse(null), needsAttention(now));
    }

    private List<AdminViews.SagaRow> needsAttention(Instant now) {
        return queries.needsAttention(now, now.minus(stuckAfter), ATTENTION_LIMIT).stream()
                .map(s -> row(s, detector.diagnose(s)))
                .toList();
    }

    public AdminViews.Page search(SagaFilter filter) {
        long started = System.nanoTime();
        List<SagaRecord> found = queries.search(filter, clock.instant(), PAGE_SIZE);
        long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
        List<SagaRecord> page = found.size() > PAGE_SIZE ? found.subList(0, PAGE_SIZE) : found;
        String next = found.size() > PAGE_SIZE
                ? new SagaFilter.Cursor(page.getLast().createdAt(), page.getLast().id()).toString() : null;
        return new AdminViews.Page(filter, page.stream().map(s -> row(s, null)).toList(), next, millis);
    }

    public Optional<AdminViews.SagaDetail> detail(UUID sagaId) {
        return sagas.find(sagaId).map(s -> {
            // participants first and outside any transaction: a slow service must not hold a connection
            List<ParticipantStates.State> states = participants.of(s.id(), s.businessKey());
            Diagnosis diagnosis = detector.diagnoseWithLag(s);
            List<AdminViews.TimelineEntry> timeline = sagas.history(sagaId).stream()
                    .map(h -> new AdminViews.TimelineEntry(h.id(), h.kind(), h.version(), h.fromStatus(),
                            h.toStatus(), h.fromStep(), h.toStep(), h.messageId(), h.messageType(),
                            json.readTree(h.commands()), h.reason(), h.createdAt()))
                    .toList();
            List<AdminViews.AuditView> audit = queries.audit(sagaId).stream()
                    .map(a -> new AdminViews.AuditView(a.id(), a.actor(), a.action(), a.reason(), a.seenVersion(),
                            a.outcome(), a.detail(), json.readTree(a.commands()), a.at()))
                    .toList();
            return new AdminViews.SagaDetail(row(s, diagnosis), s.awaitingMessageId(), json.readTree(s.dataJson()),
                    diagnosis, states, timeline, audit, actionsFor(s.status()));
        });
    }

    /** The actions worth offering for a status; the engine still decides, this only hides buttons that cannot work. */
    static List<OperatorAction> actionsFor(SagaStatus status) {
        return switch (status) {
            case RUNNING -> List.of(OperatorAction.RETRY, OperatorAction.COMPENSATE);
            case COMPENSATING -> List.of(OperatorAction.RETRY);
            case FAILED -> List.of(OperatorAction.RETRY, OperatorAction.RESOLVE_COMPENSATED,
                    OperatorAction.RESOLVE_COMPLETED);
            case COMPLETED, COMPENSATED -> List.of();
        };
    }

    private AdminViews.SagaRow row(SagaRecord s, Diagnosis diagnosis) {
        JsonNode customer = json.readTree(s.dataJson()).get("customerId");
        return new AdminViews.SagaRow(s.id(), s.type(), s.businessKey(),
                customer == null || customer.isNull() ? null : customer.asString(), s.status(), s.currentStep(),
                s.version(), s.attempt(), s.failureReason(), s.createdAt(), s.updatedAt(), s.deadlineAt(),
                diagnosis == null ? null : diagnosis.summary());
    }
}
