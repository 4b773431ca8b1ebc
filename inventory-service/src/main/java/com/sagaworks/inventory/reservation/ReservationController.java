package com.sagaworks.inventory.reservation;

import com.sagaworks.inventory.web.NotFoundException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import java.util.UUID;

/** Read-only view of a saga's reservation, for support staff and tests. */
@RestController
class ReservationController {

    private final ReservationRepository reservations;

    ReservationController(ReservationRepository reservations) {
        this.reservations = reservations;
    }

    @GetMapping("/reservations/{sagaId}")
    Reservation one(@PathVariable UUID sagaId) {
        return reservations.find(sagaId).orElseThrow(() -> new NotFoundException("reservation for saga", sagaId));
    }
}
