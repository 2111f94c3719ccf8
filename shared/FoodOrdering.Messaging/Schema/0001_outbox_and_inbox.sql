-- The messaging track, migration 1: the outbox and the inbox tables. Every service that calls
-- AddMessaging gets this track (its own versions in schema_history, applied before the service's own
-- migrations). Never edit an applied file: add the next NNNN_name.sql in this folder instead.

-- Transactional outbox: messages written in the same transaction as the business change, published
-- later by the message relay. position gives per-aggregate order; sent_at is set after the broker
-- confirmed the publish, and sent rows are deleted after a retention period.
CREATE TABLE outbox (
    position       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id             uuid        NOT NULL UNIQUE,
    channel        text        NOT NULL,
    message_type   text        NOT NULL,
    schema_version integer     NOT NULL,
    message_key    text        NOT NULL,
    correlation_id uuid        NOT NULL,
    reply_channel  text,
    payload        text        NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    sent_at        timestamptz
);
CREATE INDEX outbox_unsent ON outbox (position) WHERE sent_at IS NULL;

-- Wakes the polling relay at commit time (NOTIFY is delivered on commit, never on rollback).
-- Once per INSERT statement rather than per row: a row trigger costs a large share of insert throughput.
CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('outbox', '');
    RETURN NULL;
END $$;
CREATE TRIGGER outbox_notify AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();

-- What the log-tailing relay streams: inserts into the outbox only (cleanup deletes are not published).
CREATE PUBLICATION outbox_publication FOR TABLE outbox WITH (publish = 'insert');

-- Idempotent consumers (the inbox): one row per (handler, message id), inserted in the same
-- transaction as the handler's business change, so a redelivered message is recognised and skipped.
CREATE TABLE processed_messages (
    handler      text        NOT NULL,
    message_id   uuid        NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (handler, message_id)
);
