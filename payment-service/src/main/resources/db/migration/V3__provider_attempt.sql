-- Payments through an external provider (sagaworks.payments.provider=http). The consumer records what it will
-- ask the provider and commits; a worker calls the provider outside any transaction and records the answer in
-- a new short transaction. See com.sagaworks.payment.ledger.DeferredSettlement and the module README.

-- At most one attempt per saga and kind: the idempotency key is derived from both, so every call for one money
-- movement carries the same key and the provider moves the money once.
CREATE TABLE provider_attempt (
    saga_id         uuid        NOT NULL,
    kind            text        NOT NULL CHECK (kind IN ('CHARGE', 'REFUND')),
    idempotency_key text        NOT NULL UNIQUE,
    order_id        uuid        NOT NULL,
    customer_id     text        NOT NULL,
    amount_cents    bigint      NOT NULL CHECK (amount_cents >= 0),
    -- PENDING until the provider decided; see com.sagaworks.payment.ledger.ProviderAttemptStatus
    status          text        NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'SUCCEEDED', 'DECLINED')),
    -- the reason the saga was told, and what the provider said, when DECLINED
    decline_reason  text        CHECK (decline_reason IN ('INSUFFICIENT_FUNDS', 'UNKNOWN_ACCOUNT', 'ALREADY_REFUNDED')),
    decline_detail  text,
    -- provider rounds started (a round asks the status and/or sends the operation); also the claim token:
    -- an outcome is recorded only by the worker whose claim set this value
    attempts        integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error      text,
    -- when the worker may call next: now() for a new attempt, the end of the claim lease while a worker calls,
    -- the end of the backoff after an unanswered call; NULL when decided, or parked for support
    next_try_at     timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (saga_id, kind),
    CHECK ((status = 'DECLINED') = (decline_reason IS NOT NULL)),
    CHECK (status = 'PENDING' OR next_try_at IS NULL),
    -- a refund the provider will not do stays PENDING and parked: there is no reply saying a refund failed
    CHECK (kind = 'CHARGE' OR status <> 'DECLINED')
);

-- The worker's claim reads the due attempts in next_try_at order; decided ones are never read again.
CREATE INDEX provider_attempt_due ON provider_attempt (next_try_at) WHERE status = 'PENDING';

-- A decided attempt is the record of what the provider did: it never changes again, and no attempt ever
-- changes what it asks for.
CREATE FUNCTION provider_attempt_guard_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status <> 'PENDING' THEN
        RAISE EXCEPTION 'provider attempt % of saga % is % and cannot change', OLD.kind, OLD.saga_id, OLD.status
            USING ERRCODE = 'check_violation';
    END IF;
    IF (NEW.saga_id, NEW.kind, NEW.idempotency_key, NEW.order_id, NEW.customer_id, NEW.amount_cents)
       IS DISTINCT FROM (OLD.saga_id, OLD.kind, OLD.idempotency_key, OLD.order_id, OLD.customer_id, OLD.amount_cents)
       OR NEW.attempts < OLD.attempts THEN
        RAISE EXCEPTION 'provider attempt % of saga %: only its progress may change', OLD.kind, OLD.saga_id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER provider_attempt_guard_update
    BEFORE UPDATE ON provider_attempt
    FOR EACH ROW EXECUTE FUNCTION provider_attempt_guard_update();

-- Commands whose handler returned DeferredReply.LATER and that still wait for their reply, by what the reply
-- is about: the saga's CHARGE or its REFUND. Several when a command came again under another message id. A
-- REFUND row may wait before its refund attempt exists (the refund overtook a charge whose call may have
-- reached the provider), so this refers to the saga, not to an attempt. Answered rows are deleted: the inbox
-- keeps the reply.
CREATE TABLE pending_reply (
    command_id  uuid        PRIMARY KEY,
    saga_id     uuid        NOT NULL,
    kind        text        NOT NULL CHECK (kind IN ('CHARGE', 'REFUND')),
    received_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX pending_reply_saga ON pending_reply (saga_id, kind);
