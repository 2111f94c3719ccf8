-- The business effect of the proofs' handler: one row per message it processed, in processing order.
CREATE TABLE received_messages (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    message_id  uuid    NOT NULL,
    message_key text    NOT NULL,
    sequence    integer NOT NULL,
    consumer    text    NOT NULL
);
