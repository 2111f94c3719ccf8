-- The order's state history (every state it entered, oldest first: [{"state":"APPROVED","at":"..."}]),
-- a value of the order saved in its own row, so a change of state and its history entry commit together.
-- REST v2 shows it. Orders placed before this migration start with an empty history (it was not kept).
ALTER TABLE orders ADD COLUMN state_history jsonb NOT NULL DEFAULT '[]';

-- The Kitchen ticket of an approved order (CreateOrderSaga learns it from TicketCreated): the order's
-- "ticket" link.
ALTER TABLE orders ADD COLUMN ticket_id bigint;
