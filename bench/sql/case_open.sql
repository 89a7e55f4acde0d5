-- P1 raw SQL: "open a case" as one transaction — read the order line, insert the case, its
-- timeline event and its merchant-review deadline (the rows Anxin's case_open writes, minus the
-- eligibility reads, the number counter and the audit chain).
-- Variables (pgbench -D): minline, maxline (seeded order lines), template (a case opened by the
-- service, whose policy snapshot and explanation JSON are copied so the rows have the same size).
\set line random(:minline, :maxline)
BEGIN;
SELECT l.id AS line_id, o.id AS order_id, o.merchant_id, o.customer_id,
       l.paid_amount / l.quantity AS amount
  FROM catalog_orderline l JOIN catalog_order o ON o.id = l.order_id
 WHERE l.id = :line \gset
INSERT INTO cases_case (created_at, updated_at, public_id, number, type, status, state_version,
                        quantity, description, refund_amount, currency, freight_payer, keep_gifts,
                        rule, policy, explanation, return_address, return_carrier,
                        return_tracking_number, return_pickup, replacement_carrier,
                        replacement_tracking_number, inspection, customer_id, line_id,
                        merchant_id, order_id, reason_id)
SELECT now(), now(), gen_random_uuid(), 'PG' || txid_current(), t.type, 'merchant_review', 0,
       1, '', :amount, 'CNY', t.freight_payer, false,
       t.rule, t.policy, t.explanation, '{}', '',
       '', false, '',
       '', '{}', :customer_id, :line_id,
       :merchant_id, :order_id, t.reason_id
  FROM cases_case t WHERE t.id = :template
RETURNING id AS case_id \gset
INSERT INTO cases_caseevent (case_id, action, from_status, to_status, actor, actor_role, reason,
                             data, created_at)
VALUES (:case_id, 'open', '', 'merchant_review', 'token:1', 'integrator', 'no_reason',
        '{"quantity": 1, "refund_amount": "99.00"}', now());
INSERT INTO core_deadline (subject_type, subject_id, kind, action, rule, calendar, due_at, state,
                           cancel_on_transition, armed_version, created_at, fired_at, attempts,
                           outcome)
VALUES ('cases.case', :case_id, 'merchant_review', 'approve',
        'P-2/P-3: merchant did not respond in time (48 h)', 'natural',
        now() + interval '48 hours', 'pending', true, 0, now(), NULL, 0, '');
END;
