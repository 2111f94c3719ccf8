-- Orders: the Order aggregate, one row per order. Line items, the delivery information and a pending
-- revision are values of the order, stored as JSON with it. version: optimistic concurrency (a change is
-- saved only if the row still has the version it was read with).
-- Ids come from a sequence by blocks of 10 (EF Core's HiLo): the service knows an order's id before it
-- saves it, so the order, its saga instance and the saga's first command go in one INSERT round trip.
CREATE SEQUENCE order_ids START WITH 1 INCREMENT BY 10;

CREATE TABLE orders (
    id               bigint      PRIMARY KEY,
    consumer_id      bigint      NOT NULL,
    restaurant_id    bigint      NOT NULL,
    state            text        NOT NULL,
    line_items       jsonb       NOT NULL,
    delivery         jsonb       NOT NULL,
    rejection_reason text,
    pending_revision jsonb,
    refusal_reason   text,
    version          integer     NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX orders_by_consumer ON orders (consumer_id, id);

-- The menu replica: every Kitchen restaurant with its whole menu, kept from RestaurantCreated and
-- RestaurantMenuRevised (data replication over publish/subscribe).
CREATE TABLE restaurants (
    id         bigint      PRIMARY KEY,
    name       text        NOT NULL,
    menu_items jsonb       NOT NULL
);

-- Idempotency-Key of POST /v1/orders: a retried POST finds the order its first attempt created. The
-- fingerprint is the request body's hash, so the same key with another body is refused.
CREATE TABLE idempotency_keys (
    key         text        PRIMARY KEY,
    fingerprint text        NOT NULL,
    order_id    bigint      NOT NULL REFERENCES orders (id),
    created_at  timestamptz NOT NULL DEFAULT now()
);
