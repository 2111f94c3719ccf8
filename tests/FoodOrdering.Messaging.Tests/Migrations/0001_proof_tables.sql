-- The business effect of the proofs' handlers: one row per message processed, in processing order.
CREATE TABLE received_messages (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    message_id     uuid    NOT NULL,
    correlation_id uuid    NOT NULL,
    message_type   text    NOT NULL,
    message_key    text    NOT NULL,
    sequence       integer NOT NULL,
    consumer       text    NOT NULL
);

-- The concurrent writers' proof: one counter row per key (the aggregate), and the commit order each
-- writer's transaction got from it.
CREATE TABLE key_counters (message_key text PRIMARY KEY, value integer NOT NULL);
CREATE TABLE commit_order (sequence integer PRIMARY KEY, message_key text NOT NULL, counter integer NOT NULL);

-- The proof saga's own aggregate: an order that the saga approves or rejects.
CREATE TABLE proof_orders (
    order_key       text PRIMARY KEY,
    amount          integer NOT NULL,
    state           text    NOT NULL,
    tracking_number text,
    reason          text
);
