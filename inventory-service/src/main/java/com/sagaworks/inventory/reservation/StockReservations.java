package com.sagaworks.inventory.reservation;

import com.sagaworks.contracts.SagaId;
import com.sagaworks.contracts.inventory.InventoryReply;
import com.sagaworks.contracts.inventory.ReleaseStock;
import com.sagaworks.contracts.inventory.ReserveStock;
import com.sagaworks.contracts.inventory.StockRejected;
import com.sagaworks.contracts.inventory.StockReleased;
import com.sagaworks.contracts.inventory.StockReserved;
import com.sagaworks.inventory.catalog.Product;
import com.sagaworks.inventory.catalog.ProductRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.UUID;

/**
 * Reserves and releases stock for sagas. Each method is one step of a consumer transaction (the messaging
 * library's, which also writes the inbox row and the returned reply), so it changes everything or nothing.
 * A saga has at most one reservation; asking again answers from what is stored, so no saga reserves twice
 * and a release that overtook its reservation wins.
 */
@Service
class StockReservations {

    private static final Logger log = LoggerFactory.getLogger(StockReservations.class);

    private final ProductRepository products;
    private final ReservationRepository reservations;

    StockReservations(ProductRepository products, ReservationRepository reservations) {
        this.products = products;
        this.reservations = reservations;
    }

    /** Reserves every line at catalog prices, or nothing: {@link StockReserved} or {@link StockRejected}. */
    @Transactional(propagation = Propagation.MANDATORY)
    public InventoryReply reserve(ReserveStock command) {
        SortedMap<String, Integer> wanted = RequestedLines.of(command.lines());
        UUID sagaId = command.sagaId().value();
        reservations.lockSaga(sagaId);
        var existing = reservations.find(sagaId);
        if (existing.isPresent()) {
            return answerAgain(command.sagaId(), existing.get());
        }

        Map<String, Product> locked = products.lockAll(wanted.keySet());
        List<String> unknownSkus = wanted.keySet().stream().filter(sku -> !locked.containsKey(sku)).toList();
        if (!unknownSkus.isEmpty()) {
            return reject(command, StockRejected.Reason.UNKNOWN_PRODUCT, unknownSkus);
        }
        List<String> shortSkus = wanted.entrySet().stream()
                .filter(e -> locked.get(e.getKey()).available() < e.getValue())
                .map(Map.Entry::getKey)
                .toList();
        if (!shortSkus.isEmpty()) {
            return reject(command, StockRejected.Reason.OUT_OF_STOCK, shortSkus);
        }

        List<ReservationLine> lines = new ArrayList<>(wanted.size());
        long total = 0;
        for (Map.Entry<String, Integer> e : wanted.entrySet()) {
            ReservationLine line = new ReservationLine(e.getKey(), e.getValue(), locked.get(e.getKey()).priceCents());
            lines.add(line);
            total = Math.addExact(total, line.totalCents());
        }
        // one statement takes the stock and records the reservation; the rows are locked and were checked above
        reservations.insertReserved(sagaId, command.orderId().value(), total, lines);
        return new StockReserved(command.sagaId(), lines.stream().map(ReservationLine::toPricedLine).toList(), total);
    }

    /**
     * Gives the saga's units back ({@link StockReleased} with their number), or, when nothing was reserved
     * yet, leaves a RELEASED tombstone so that a ReserveStock arriving late is refused.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public StockReleased release(ReleaseStock command) {
        UUID sagaId = command.sagaId().value();
        reservations.lockSaga(sagaId);
        var existing = reservations.findForUpdate(sagaId);
        if (existing.isEmpty()) {
            reservations.insertTombstone(sagaId, command.orderId().value());
            log.info("ReleaseStock for saga {} (order {}) came before any reservation: left a tombstone",
                    sagaId, command.orderId());
            return new StockReleased(command.sagaId(), 0);
        }
        Reservation reservation = existing.get();
        return switch (reservation.status()) {
            case RESERVED -> {
                reservations.release(sagaId, reservation.lines());
                yield new StockReleased(command.sagaId(), reservation.units());
            }
            case REJECTED, RELEASED -> new StockReleased(command.sagaId(), 0);
        };
    }

    private StockRejected reject(ReserveStock command, StockRejected.Reason reason, List<String> skus) {
        reservations.insertRejected(command.sagaId().value(), command.orderId().value(), reason, skus);
        log.info("Rejected stock for saga {} (order {}): {} {}", command.sagaId(), command.orderId(), reason, skus);
        return new StockRejected(command.sagaId(), reason, skus);
    }

    /** The saga asked before (under another message id): the same answer, and nothing changes. */
    private static InventoryReply answerAgain(SagaId sagaId, Reservation reservation) {
        return switch (reservation.status()) {
            case RESERVED -> new StockReserved(sagaId,
                    reservation.lines().stream().map(ReservationLine::toPricedLine).toList(),
                    reservation.totalCents());
            case REJECTED -> new StockRejected(sagaId, reservation.reason(), reservation.rejectedSkus());
            case RELEASED -> {
                log.info("ReserveStock for saga {} came after its release: refused", sagaId);
                yield new StockRejected(sagaId, StockRejected.Reason.ALREADY_RELEASED, List.of());
            }
        };
    }
}
