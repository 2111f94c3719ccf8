-- WatchOrder (gRPC server streaming) without polling: every committed change of an order's state NOTIFYs
-- order_changed with "orderId:version:STATE" (the version lets a watcher drop a notification older than
-- the state it read). NOTIFY is delivered on commit (never on rollback), in commit order, to the
-- listeners of every Order instance; OrderChangeFeed LISTENs once per process and fans each change out to
-- the watchers in memory, so a watcher costs the database nothing after its first read.
CREATE FUNCTION notify_order_changed() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('order_changed', NEW.id || ':' || NEW.version || ':' || NEW.state);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER orders_notify_changed
    AFTER INSERT OR UPDATE OF state ON orders
    FOR EACH ROW EXECUTE FUNCTION notify_order_changed();
