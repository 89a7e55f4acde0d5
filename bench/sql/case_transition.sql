-- P2 raw SQL: one case transition — lock the case, move its status (and version), record the
-- timeline event (Anxin's transition also cancels/arms deadlines and appends an audit row).
-- Variables (pgbench -D): mincase, maxcase (cases seeded in merchant_review for this path).
\set c random(:mincase, :maxcase)
BEGIN;
SELECT id, status, state_version, type FROM cases_case WHERE id = :c FOR UPDATE;
UPDATE cases_case
   SET status = 'awaiting_return_shipment', state_version = state_version + 1, updated_at = now()
 WHERE id = :c;
INSERT INTO cases_caseevent (case_id, action, from_status, to_status, actor, actor_role, reason,
                             data, created_at)
VALUES (:c, 'approve', 'merchant_review', 'awaiting_return_shipment', 'token:2', 'integrator', '',
        '{}', now());
END;
