-- P3 raw SQL sweep: claim up to 500 due deadlines with SKIP LOCKED and apply them set-based in
-- one statement — move the cases (auto-approve: merchant_review → awaiting_return_shipment, only
-- if still in the version the deadline was armed at), record their events, mark the deadlines
-- fired. (Anxin's sweeper also snapshots the return address, cancels/arms deadlines and appends
-- an audit row per action.)
BEGIN;
WITH claimed AS (
    SELECT d.id, d.subject_id, d.armed_version, d.rule
      FROM core_deadline d
     WHERE d.state = 'pending' AND d.due_at <= now()
     ORDER BY d.due_at, d.id
     LIMIT 500
       FOR UPDATE SKIP LOCKED
), moved AS (
    UPDATE cases_case c
       SET status = 'awaiting_return_shipment', state_version = c.state_version + 1,
           updated_at = now()
      FROM claimed
     WHERE c.id = claimed.subject_id AND c.status = 'merchant_review'
       AND c.state_version = claimed.armed_version
    RETURNING c.id, claimed.id AS deadline_id, claimed.rule
), events AS (
    INSERT INTO cases_caseevent (case_id, action, from_status, to_status, actor, actor_role,
                                 reason, data, created_at)
    SELECT moved.id, 'approve', 'merchant_review', 'awaiting_return_shipment', 'system', 'system',
           moved.rule,
           jsonb_build_object('deadline', moved.deadline_id, 'kind', 'merchant_review',
                              'auto', true),
           now()
      FROM moved
)
UPDATE core_deadline d
   SET state = CASE WHEN moved.id IS NULL THEN 'noop' ELSE 'fired' END,
       outcome = CASE WHEN moved.id IS NULL THEN 'not applicable' ELSE 'applied' END,
       fired_at = now()
  FROM claimed LEFT JOIN moved ON moved.deadline_id = claimed.id
 WHERE d.id = claimed.id;
END;
