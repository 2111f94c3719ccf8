-- The messaging track, migration 3: the saga orchestrator's instances (Sagas/SagaOrchestrator.cs).
-- A row per saga instance, changed in the same transaction as the inbox row of the reply that moved it
-- and the outbox rows of the commands it sends. Only an orchestrating service (Order) fills it.
CREATE TABLE saga_instances (
    id             uuid        PRIMARY KEY,
    saga_type      text        NOT NULL,
    saga_key       text        NOT NULL,
    step           integer     NOT NULL,
    status         text        NOT NULL,
    data           jsonb       NOT NULL,
    failure_reason text,
    version        integer     NOT NULL DEFAULT 0,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX saga_instances_unfinished ON saga_instances (saga_type, updated_at) WHERE status IN ('Running', 'Compensating');
