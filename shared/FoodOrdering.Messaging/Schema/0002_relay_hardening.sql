-- The messaging track, migration 2: what the relays need to lose, block and reorder nothing
-- (docs/messaging.md, "The guarantees").

-- Transport headers written with the message (MassTransit's message type URN, the W3C trace context):
-- the relay publishes the stored payload and these headers as they are, without the message's .NET type.
ALTER TABLE outbox ADD COLUMN headers jsonb NOT NULL DEFAULT '{}';

-- A row that can never be published (its payload is not JSON, it is too large, ...) is moved aside with
-- the reason instead of blocking every row behind it. Repair it and set failed_at to NULL to retry it.
ALTER TABLE outbox ADD COLUMN failed_at timestamptz, ADD COLUMN failure_reason text;
DROP INDEX outbox_unsent;
CREATE INDEX outbox_unsent ON outbox (position) WHERE sent_at IS NULL AND failed_at IS NULL;
CREATE INDEX outbox_failed ON outbox (position) WHERE failed_at IS NOT NULL;
CREATE INDEX outbox_sent_at ON outbox (sent_at) WHERE sent_at IS NOT NULL;
CREATE INDEX processed_messages_processed_at ON processed_messages (processed_at);

-- Per-key commit order. The relays publish one key's rows in position order, so position order must be
-- commit order for each key, whoever writes. An identity value is taken when the row is formed, so a
-- transaction could take position 10, wait, and commit after another transaction's position 11 of the
-- same key. Here a row gets its position only under a per-key lock held until its transaction ends:
-- a second transaction writing the same key waits before it is numbered. The lock's first key,
-- 1869968482 ('outb' in ASCII), keeps it apart from other advisory locks.
ALTER TABLE outbox ALTER COLUMN position DROP IDENTITY;
CREATE SEQUENCE outbox_position OWNED BY outbox.position;
SELECT setval('outbox_position', coalesce((SELECT max(position) FROM outbox), 0) + 1, false);
CREATE FUNCTION outbox_assign_position() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(1869968482, hashtext(NEW.message_key));
    NEW.position := nextval('outbox_position');
    RETURN NEW;
END $$;
CREATE TRIGGER outbox_assign_position BEFORE INSERT ON outbox FOR EACH ROW EXECUTE FUNCTION outbox_assign_position();
