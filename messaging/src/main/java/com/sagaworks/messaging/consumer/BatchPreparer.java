package com.sagaworks.messaging.consumer;

import java.util.List;
import java.util.Map;

/**
 * Runs once per consumer batch, in the batch's transaction, before its records are handled: lets a service read
 * (and lock) what the batch's handlers will need with one statement instead of one per record. It is given the
 * headers of the records that are about to be handled for the first time (not duplicates, ignored types or dead
 * letters), in batch order. Whatever it reads is only an advance: each handler must still find what it needs on
 * its own when it is not there, because a batch that met a poison record runs again, record by record, without
 * this step. A transient error here rolls the batch back and runs it again, like one of a handler; any other
 * error is logged and makes the batch run again at once without this step. It never runs under a savepoint of the
 * consumer's (a rollback to one would release locks it took while what it read stayed cached), and outbox rows it
 * queues are held back with the batch's.
 */
@FunctionalInterface
public interface BatchPreparer {

    /** @param headers the Kafka headers of each record to be handled, as strings */
    void prepare(List<Map<String, String>> headers);
}
