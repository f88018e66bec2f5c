-- What operators ask the record most (docs/runbook.md): the deliveries that did not end well
-- (failed, parked) or were ignored, recently. Without this index that is a scan of the whole
-- retention window.
CREATE INDEX deliveries_outcome_received_at ON deliveries (outcome, received_at);
