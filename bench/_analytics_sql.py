"""The SQL that generates the analytics benchmark's world (``bench/analytics.py``): merchants,
SKUs, customers, orders and 5 million after-sales cases with their history, messages, refunds,
disputes and surveys, spread over two years, with ``INSERT … SELECT generate_series`` (never the
ORM).

Every case is first *planned* in a temporary table (``g_plan``): its shop, SKU, reason, type,
channel, amount and the hour of each step of its life (approve, return shipped, received,
refunded, closed …; NULL for the steps its path does not take), drawn from the shop's habits.
The rows of the source tables are then written "as of" a moment ``cut``: a step after ``cut``
has not happened yet, so recent cases are still open. The history is written as of the start of
yesterday (local), the benchmark rebuilds the analytics then, and the delta — yesterday's new
cases, every step older cases took yesterday (refunds a week after opening, surveys answered,
disputes stepped into), yesterday's deliveries as real orders and parcels — is written as of
today's midnight, for the daily refresh to fold in.

The denominators of the two years before yesterday (60+ million delivered orders at this size)
are written straight into ``DeliveredSkuDay`` / ``DeliveredDay``; only yesterday's deliveries
exist as raw rows. The desk's rollups (``DeskDay``, ``AssistantDay``) are written the same way.

Everything here is for the benchmark only; nothing imports it but ``analytics.py``.
"""

from __future__ import annotations

from typing import Any

# Top-level categories (codes of the seeded tree): share of shops, base after-sales rate (cases
# ÷ delivered orders), price range (CNY) of a line.
TOPS: dict[str, tuple[float, float, float, float]] = {
    "apparel": (18, 0.14, 39, 600),
    "digital": (12, 0.06, 99, 6000),
    "appliances": (8, 0.05, 79, 4000),
    "fresh": (6, 0.07, 19, 300),
    "food": (7, 0.035, 9, 200),
    "beauty": (9, 0.06, 29, 800),
    "books": (4, 0.03, 9, 150),
    "custom": (2, 0.03, 49, 1000),
    "virtual": (3, 0.02, 5, 500),
    "home": (12, 0.08, 19, 900),
    "baby": (8, 0.07, 19, 500),
    "sports": (9, 0.09, 29, 1500),
}

# Reasons (seeded codes) → the group that decides the request type.
REASON_GROUPS: dict[str, str] = {
    "no_reason/changed_mind": "noreason",
    "no_reason/bought_wrong": "noreason",
    "size_fit": "size",
    "quality/defect": "quality",
    "quality/not_as_described": "quality",
    "quality/counterfeit": "quality",
    "wrong_item": "wrong",
    "logistics/damaged_in_transit": "damaged",
    "logistics/missing_item": "missing",
    "logistics/not_received": "notrecv",
}
REASON_MIX_DEFAULT: dict[str, float] = {
    "no_reason/changed_mind": 22,
    "no_reason/bought_wrong": 6,
    "size_fit": 3,
    "quality/defect": 18,
    "quality/not_as_described": 10,
    "quality/counterfeit": 1,
    "wrong_item": 6,
    "logistics/damaged_in_transit": 8,
    "logistics/missing_item": 5,
    "logistics/not_received": 11,
}
REASON_MIX: dict[str, dict[str, float]] = {
    "apparel": {"size_fit": 26, "no_reason/changed_mind": 26, "quality/defect": 7},
    "digital": {"quality/defect": 30, "quality/counterfeit": 2, "size_fit": 0.5},
    "appliances": {"quality/defect": 28, "logistics/damaged_in_transit": 14, "size_fit": 0.5},
    "fresh": {
        "logistics/damaged_in_transit": 22,
        "quality/not_as_described": 22,
        "no_reason/changed_mind": 1,
        "size_fit": 0.2,
    },
    "food": {"logistics/damaged_in_transit": 14, "quality/not_as_described": 14, "size_fit": 0.2},
    "beauty": {"quality/counterfeit": 4, "quality/not_as_described": 14, "size_fit": 0.5},
    "books": {"logistics/damaged_in_transit": 15, "logistics/missing_item": 10, "size_fit": 0.2},
    "virtual": {"logistics/not_received": 40, "no_reason/changed_mind": 1, "size_fit": 0.1},
    "sports": {"size_fit": 10},
    "baby": {"size_fit": 6},
}

CASE_TYPES = ("refund_only", "return_refund", "exchange", "repair", "warranty")
GROWTH = 0.6  # the last day sees 1.6× the cases of the first (a growing platform)
CUSTOMERS_PER_SHOP = 200
RULE_REVIEW = "P-2/P-3: merchant did not respond in time (48 h)"
RULE_SHIP = "P-4: return not shipped in time (7 d)"
RULE_RECEIPT = "P-5: merchant did not confirm receipt (7 d)"
RULE_REFUND = "P-6: refund not issued in time (168 h)"
RULE_REJECTED = "P-7: rejection neither revised nor escalated (15 d)"
RULE_DONE = "P-14: consumer did not confirm (10 d)"
MESSAGE = "您好，我们已收到您的申请，正在核实，请稍候。"

# The big tables of the history: their secondary indexes and unique constraints are dropped
# before the bulk load and built again after it (the end state is the migrated schema).
BULK_TABLES = (
    "catalog_customer",
    "catalog_order",
    "catalog_orderline",
    "cases_case",
    "cases_caseevent",
    "cases_casemessage",
    "cases_refund",
    "disputes_dispute",
    "feedback_survey",
    "analytics_deliveredskuday",
)


def session() -> list[str]:
    return [
        "SET TIME ZONE 'Asia/Shanghai'",
        "SET synchronous_commit = off",
        "SET work_mem = '512MB'",
        "SET maintenance_work_mem = '1GB'",
        "SET max_parallel_maintenance_workers = 2",
        "SELECT setseed(0.1414)",
    ]


# --- indexes ---------------------------------------------------------------------------------------


def indexes_drop(cur: Any, tables: tuple[str, ...] = BULK_TABLES) -> list[str]:
    """Drop the secondary indexes and unique constraints of ``tables``; returns the DDL that
    restores them."""
    restore: list[str] = []
    for table in tables:
        cur.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = %s::regclass AND contype = 'u'",
            [table],
        )
        for name, definition in cur.fetchall():
            cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            restore.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        cur.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i"
            " WHERE i.indrelid = %s::regclass AND NOT i.indisprimary"
            " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
            [table],
        )
        for name, definition in cur.fetchall():
            cur.execute(f'DROP INDEX "{name}"')
            restore.append(definition)
    return restore


# --- reference data ----------------------------------------------------------------------------------


def reference_tables(cur: Any) -> None:
    """``g_cat`` (top-level categories: weight, rate, prices, leaves, reason mix) and
    ``g_reason`` (reason id → type group)."""
    cur.execute("SELECT id, code FROM policies_reason")
    reason_ids = {code: pk for pk, code in cur.fetchall()}
    cur.execute(
        "SELECT t.id, t.code, coalesce(array_agg(c.id ORDER BY c.id)"
        " FILTER (WHERE c.id IS NOT NULL), ARRAY[t.id])"
        " FROM catalog_category t LEFT JOIN catalog_category c ON c.parent_id = t.id"
        " WHERE t.parent_id IS NULL GROUP BY t.id, t.code"
    )
    tops = cur.fetchall()
    cur.execute(
        "CREATE TEMP TABLE g_cat (k int, id bigint, code text, weight float8, cum_lo float8,"
        " rate float8, price_lo float8, price_hi float8, leaves bigint[], reasons bigint[],"
        " reason_cum float8[])"
    )
    total = sum(TOPS.get(code, (1,))[0] for _, code, _ in tops)
    seen = 0.0
    for k, (pk, code, leaves) in enumerate(sorted(tops)):
        weight, rate, lo, hi = TOPS.get(code, (1, 0.05, 19, 500))
        mix = {**REASON_MIX_DEFAULT, **REASON_MIX.get(code, {})}
        codes = [c for c in REASON_GROUPS if c in reason_ids and mix.get(c, 0) > 0]
        norm = sum(mix[c] for c in codes)
        cum, acc = [], 0.0
        for c in codes:
            cum.append(acc / norm)
            acc += mix[c]
        cur.execute(
            "INSERT INTO g_cat VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [
                k,
                pk,
                code,
                weight / total,
                seen,
                rate,
                lo,
                hi,
                leaves,
                [reason_ids[c] for c in codes],
                cum,
            ],
        )
        seen += weight / total
    cur.execute("CREATE TEMP TABLE g_reason (id bigint PRIMARY KEY, grp text)")
    for code, group in REASON_GROUPS.items():
        if code in reason_ids:
            cur.execute("INSERT INTO g_reason VALUES (%s, %s)", [reason_ids[code], group])
    cur.execute("ANALYZE g_cat")
    cur.execute("ANALYZE g_reason")


def pick_top(u: str) -> str:
    """The top-level category (``g_cat`` row) whose cumulative weight band holds ``u``."""
    return f"(SELECT c.id FROM g_cat c WHERE c.cum_lo <= {u} ORDER BY c.cum_lo DESC LIMIT 1)"


# --- shops, SKUs, customers, users --------------------------------------------------------------------


def shops(p: dict[str, Any]) -> list[tuple[str, str]]:
    """Merchants with their habits (``g_merchant``), SKUs (``g_sku``), customers and users."""
    top = pick_top("s.u_top")
    return [
        (
            "shop habits",
            f"""
            CREATE TEMP TABLE g_merchant AS
            SELECT i, %(mb)s + i AS id, {top} AS top,
                   exp(ln(0.3) + random() * ln(60)) AS resp_med,       -- 0.3 h … 18 h
                   0.01 + 0.25 * power(random(), 3) AS silent,          -- left to the deadline
                   0.02 + 0.18 * power(random(), 2) AS reject,
                   exp(ln(0.1) + random() * ln(120)) AS refund_med,     -- 6 min … 12 h
                   CASE WHEN random() < 0.06 THEN 1.8 ELSE 1.0 END AS f
            FROM (SELECT i, random() AS u_top FROM generate_series(1, %(m)s) i) s
            """,
        ),
        (
            "merchants",
            """
            INSERT INTO catalog_merchant (id, created_at, updated_at, public_id, code, name, status,
                state_version, deposit_amount, currency, webhook_secret, settlement_hold)
            SELECT id, %(t1)s::timestamptz - interval '900 days', %(t1)s::timestamptz
                       - interval '900 days', gen_random_uuid(), 'bm' || lpad(i::text, 5, '0'),
                   '基准店铺 ' || i, 'active', 0, 5000, 'CNY', '', false
            FROM g_merchant ORDER BY i
            """,
        ),
        (
            "SKU plan",
            f"""
            CREATE TEMP TABLE g_sku AS
            SELECT s.i, %(sb)s + s.i AS id, m.i AS m_i, m.id AS merchant_id, s.top,
                   c.leaves[1 + floor(random() * cardinality(c.leaves))::int] AS leaf,
                   mod((s.i - 1) * 7919 + 17, %(s)s) AS rnk,
                   power((mod((s.i - 1) * 7919 + 17, %(s)s) + 1.0) / %(s)s, 1.0 / 3)
                     - power(mod((s.i - 1) * 7919 + 17, %(s)s)::float8 / %(s)s, 1.0 / 3) AS w,
                   CASE WHEN random() < 0.03 THEN 3.5 ELSE 1.0 END * m.f AS f
            FROM (SELECT i, least(%(m)s, 1 + floor(%(m)s * power(random(), 2))::int) AS m_i,
                         random() AS u_other, random() AS u_top
                  FROM generate_series(1, %(s)s) i) s0
            CROSS JOIN LATERAL (SELECT s0.i, CASE WHEN s0.u_other < 0.1 THEN {pick_top("s0.u_top")}
                                END AS other) s1
            JOIN g_merchant m ON m.i = s0.m_i
            CROSS JOIN LATERAL (SELECT s1.i, coalesce(s1.other, m.top) AS top) s
            JOIN g_cat c ON c.id = s.top
            """,
        ),
        ("SKU plan index", "CREATE UNIQUE INDEX ON g_sku (rnk)"),
        (
            "SKUs",
            """
            INSERT INTO catalog_sku (id, created_at, updated_at, code, name, category_id,
                merchant_id, delist_reason, delisted_at, status)
            SELECT id, %(t1)s::timestamptz - interval '800 days', %(t1)s::timestamptz
                       - interval '800 days', 'SKU-' || i, '商品 ' || i, leaf, merchant_id, '',
                   NULL, 'listed'
            FROM g_sku ORDER BY i
            """,
        ),
        (
            "customers",
            """
            INSERT INTO catalog_customer (id, created_at, updated_at, public_id, external_id, name,
                phone, phone_hash, address, user_id, merchant_id)
            SELECT %(cb)s + (m.i - 1) * %(cpm)s + j, %(t1)s::timestamptz - interval '800 days',
                   %(t1)s::timestamptz - interval '800 days', gen_random_uuid(), 'c' || j,
                   %(enc_name)s, %(enc_phone)s, md5(m.i || ':' || j), %(enc_address)s, NULL, m.id
            FROM g_merchant m CROSS JOIN generate_series(1, %(cpm)s) j ORDER BY 1
            """,
        ),
        (
            "consumer users",
            """
            INSERT INTO accounts_user (id, password, last_login, is_superuser, username, first_name,
                last_name, email, is_staff, is_active, date_joined, role, language)
            SELECT %(ub)s + i, '!', NULL, false, 'bench-consumer-' || i, '', '', '', false, true,
                   %(t1)s::timestamptz - interval '800 days', 'consumer', 'zh-hans'
            FROM generate_series(1, %(users)s) i
            """,
        ),
    ]


# --- the plan of every case ------------------------------------------------------------------------


def plan(p: dict[str, Any]) -> list[tuple[str, str]]:
    """``g_plan``: one row per case, ids in order of opening, every step's time."""
    hours = "* interval '1 hour'"
    steps = [
        "t_msg",
        "t_approve",
        "t_reject",
        "t_escalate",
        "t_interv",
        "t_settle",
        "t_close",
        "t_ship",
        "t_deliv",
        "t_recv",
        "t_refund",
        "t_refund2",
        "t_repl",
        "t_repaired",
        "t_done",
        "t_final",
        "t_answer",
    ]
    to_time = ",\n".join(f"b.opened_at + h.{s[2:]} {hours} AS {s}" for s in steps)
    return [
        (
            "case plan",
            f"""
            CREATE TEMP TABLE g_plan AS
            SELECT row_number() OVER (ORDER BY b.opened_at) AS g, b.sku_id, b.merchant_id,
                   b.m_i, b.top, b.grp, b.reason_id, b.type, b.channel, b.amount, b.path,
                   b.silent, b.customer_id, b.opened_at, b.u_d, b.u_e, b.u_g, b.u_i,
                   b.opened_at - (3 + 20 * b.u_k) * interval '1 day' AS placed_at,
                   {to_time},
                   h.score
            FROM (
              SELECT a.*, rr.rid AS reason_id, sk.id AS sku_id, sk.merchant_id, sk.m_i, sk.top, r.grp,
                     -- opening: day by a linear growth density, hour of the day mostly daytime
                     (%(d0)s::date + least(%(days)s - 1, floor(%(days)s
                         * (sqrt(1 + 2 * %(growth)s * a.u_day * (1 + %(growth)s / 2)) - 1)
                         / %(growth)s))::int)::timestamptz
                       + CASE WHEN a.u_tod1 < 0.85 THEN 8 + 15 * a.u_tod2 ELSE 24 * a.u_tod2 END
                         * interval '1 hour' AS opened_at,
                     CASE r.grp
                       WHEN 'noreason' THEN CASE WHEN a.u_type < 0.85 THEN 'return_refund'
                                                 ELSE 'exchange' END
                       WHEN 'size' THEN CASE WHEN a.u_type < 0.55 THEN 'return_refund'
                                             ELSE 'exchange' END
                       WHEN 'quality' THEN CASE WHEN a.u_type < 0.25 THEN 'refund_only'
                                                WHEN a.u_type < 0.65 THEN 'return_refund'
                                                WHEN a.u_type < 0.80 THEN 'exchange'
                                                WHEN a.u_type < 0.92 THEN 'repair'
                                                ELSE 'warranty' END
                       WHEN 'wrong' THEN CASE WHEN a.u_type < 0.6 THEN 'return_refund'
                                              ELSE 'exchange' END
                       WHEN 'damaged' THEN CASE WHEN a.u_type < 0.6 THEN 'refund_only'
                                                WHEN a.u_type < 0.85 THEN 'return_refund'
                                                ELSE 'exchange' END
                       ELSE 'refund_only' END AS type,
                     CASE WHEN a.u_ch < 0.58 THEN 'app' WHEN a.u_ch < 0.88 THEN 'web'
                          ELSE 'assistant' END AS channel,
                     round((c.price_lo * exp(a.u_amt * ln(c.price_hi / c.price_lo)))::numeric, 2)
                       AS amount,
                     least(47.9, m.resp_med * exp(1.4 * (a.u_r1 + a.u_r2 + a.u_r3 - 1.5)))
                       AS resp_h,
                     m.refund_med,
                     CASE WHEN a.u_out < 0.04 THEN 'withdraw'
                          WHEN a.u_out < 0.04 + m.reject
                               * CASE WHEN r.grp IN ('noreason', 'size') THEN 1 ELSE 0.6 END
                          THEN 'reject' ELSE 'approve' END AS path,
                     a.u_sil < m.silent AS silent,
                     %(cb)s + (sk.m_i - 1) * %(cpm)s + 1
                       + floor(a.u_k * 7919 * %(cpm)s)::bigint %% %(cpm)s AS customer_id
              FROM (
                SELECT random() AS u_rank, random() AS u_day, random() AS u_tod1,
                       random() AS u_tod2, random() AS u_reason, random() AS u_type,
                       random() AS u_ch, random() AS u_amt, random() AS u_out, random() AS u_sil,
                       random() AS u_r1, random() AS u_r2, random() AS u_r3, random() AS u_a,
                       random() AS u_b, random() AS u_c, random() AS u_d, random() AS u_e,
                       random() AS u_f, random() AS u_g, random() AS u_h, random() AS u_i,
                       random() AS u_j, random() AS u_k, random() AS u_msg, random() AS u_two,
                       random() AS u_sv, random() AS u_sc
                FROM generate_series(1, %(n)s)
              ) a
              JOIN g_sku sk ON sk.rnk = least(%(s)s - 1, floor(%(s)s * power(a.u_rank, 3))::int)
              JOIN g_merchant m ON m.i = sk.m_i
              JOIN g_cat c ON c.id = sk.top
              CROSS JOIN LATERAL (SELECT c.reasons[width_bucket(a.u_reason, c.reason_cum)] AS rid)
                rr
              JOIN g_reason r ON r.id = rr.rid
            ) b
            CROSS JOIN LATERAL (SELECT
                CASE WHEN b.path = 'approve' THEN CASE WHEN b.silent THEN 48 ELSE b.resp_h END
                END AS approve,
                CASE WHEN b.path = 'reject' THEN b.resp_h END AS reject) h1
            CROSS JOIN LATERAL (SELECT
                CASE WHEN b.u_b < 0.4 THEN h1.reject + 2 + 70 * b.u_c END AS escalate,
                CASE WHEN b.type <> 'refund_only' AND b.u_b >= 0.08
                     THEN h1.approve + 2 + 94 * b.u_c END AS ship,
                CASE WHEN b.u_g < 0.05 THEN 168
                     ELSE least(160, b.refund_med * exp(1.4 * (b.u_h + b.u_i + b.u_j - 1.5)))
                END AS refund_delay) h2
            CROSS JOIN LATERAL (SELECT
                CASE WHEN b.u_d < 0.55 OR b.u_d >= 0.9 THEN h2.escalate + 24 + 216 * b.u_e END
                  AS settle,
                CASE WHEN b.u_f < 0.55 THEN h2.escalate + 12 + 12 * b.u_f / 0.55 END AS interv,
                CASE b.path
                  WHEN 'withdraw' THEN 0.5 + 30 * b.u_a
                  WHEN 'reject' THEN CASE WHEN b.u_b >= 0.4 THEN h1.reject + 360
                                          WHEN b.u_d >= 0.55 AND b.u_d < 0.9
                                          THEN h2.escalate + 48 + 250 * b.u_e END
                  ELSE CASE WHEN b.type <> 'refund_only' AND b.u_b < 0.08
                            THEN h1.approve + 168 END
                END AS close,
                h2.ship + 24 + 72 * b.u_d AS deliv) h3
            CROSS JOIN LATERAL (SELECT h3.deliv + CASE WHEN b.u_e < 0.1 THEN 168
                                   ELSE 0.5 + 71.5 * (b.u_e - 0.1) / 0.9 END AS recv) h4
            CROSS JOIN LATERAL (SELECT
                CASE b.type WHEN 'refund_only' THEN h1.approve + h2.refund_delay
                            WHEN 'return_refund' THEN h4.recv + h2.refund_delay END AS refund,
                CASE WHEN b.type = 'exchange' THEN h4.recv + 2 + 70 * b.u_f
                     WHEN b.type IN ('repair', 'warranty') THEN h4.recv + 1 + 47 * b.u_f
                END AS repl) h5
            CROSS JOIN LATERAL (SELECT
                CASE WHEN b.type IN ('repair', 'warranty') THEN h5.repl + 24 + 216 * b.u_h END
                  AS repaired,
                CASE WHEN b.u_two < 0.07 THEN h5.refund + 1 + 167 * b.u_two / 0.07 END
                  AS refund2) h6
            CROSS JOIN LATERAL (SELECT coalesce(h6.repaired, h5.repl)
                + CASE WHEN b.u_i < 0.4 THEN 240 ELSE 24 + 176 * b.u_j END AS done) h7
            CROSS JOIN LATERAL (SELECT coalesce(h7.done, h5.refund, h3.settle, h3.close) AS final)
              h8
            CROSS JOIN LATERAL (SELECT
                CASE WHEN b.path <> 'withdraw' AND NOT (b.path = 'approve' AND b.silent)
                          AND b.u_msg < 0.12
                     THEN b.resp_h * (0.2 + 0.6 * b.u_msg / 0.12) END AS msg,
                CASE WHEN b.path <> 'withdraw' AND b.u_sv < 0.28
                     THEN h8.final + 0.5 + 95.5 * b.u_sv / 0.28 END AS answer,
                greatest(1, least(5, round(
                  CASE WHEN b.path = 'reject' AND h3.settle IS NULL THEN 1.7
                       WHEN h3.settle IS NOT NULL THEN 3.0
                       WHEN h3.close IS NOT NULL THEN 3.0
                       WHEN h8.final < 72 THEN 4.6 ELSE 3.9 END
                  - CASE WHEN b.silent OR b.u_g < 0.05 THEN 0.5 ELSE 0 END
                  + (b.u_sc - 0.5) * 2.6)))::smallint AS score) h9
            CROSS JOIN LATERAL (SELECT h9.msg, h1.approve, h1.reject, h2.escalate, h3.interv,
                h3.settle, h3.close, h2.ship, h3.deliv, h4.recv, h5.refund, h6.refund2, h5.repl,
                h6.repaired, h7.done, h8.final, h9.answer, h9.score) h
            """,
        ),
        ("case plan: ids", "ALTER TABLE g_plan ADD PRIMARY KEY (g)"),
        ("case plan: analyze", "ANALYZE g_plan"),
    ]


def status_at(cut: str) -> str:
    """The status of a planned case as of ``cut``: the target of its latest step before then
    (steps of one path never overlap in time, so the latest step wins in this order)."""

    def at(col: str) -> str:
        return f"p.{col} < {cut}"

    return f"""CASE
        WHEN {at("t_done")} THEN 'completed'
        WHEN {at("t_repaired")} THEN 'repaired_shipped'
        WHEN {at("t_repl")} THEN CASE WHEN p.type = 'exchange' THEN 'replacement_shipped'
                                      ELSE 'in_repair' END
        WHEN {at("t_refund")} THEN 'refunded'
        WHEN {at("t_recv")} THEN CASE WHEN p.type = 'return_refund' THEN 'refund_pending'
                                      ELSE 'received' END
        WHEN {at("t_deliv")} THEN 'return_delivered'
        WHEN {at("t_ship")} THEN 'return_in_transit'
        WHEN {at("t_settle")} THEN 'refunded'
        WHEN {at("t_close")} THEN 'closed'
        WHEN {at("t_escalate")} THEN 'disputed'
        WHEN {at("t_reject")} THEN 'rejected'
        WHEN {at("t_approve")} THEN CASE WHEN p.type = 'refund_only' THEN 'refund_pending'
                                         ELSE 'awaiting_return_shipment' END
        ELSE 'merchant_review' END"""


TRANSITIONS = (
    "t_approve",
    "t_reject",
    "t_escalate",
    "t_settle",
    "t_close",
    "t_ship",
    "t_deliv",
    "t_recv",
    "t_refund",
    "t_repl",
    "t_repaired",
    "t_done",
)


def moved_at(cut: str) -> str:
    parts = ", ".join(f"CASE WHEN p.{c} < {cut} THEN p.{c} END" for c in TRANSITIONS)
    return f"greatest(p.opened_at, {parts})"


def moves(cut: str) -> str:
    return " + ".join(f"coalesce((p.{c} < {cut})::int, 0)" for c in TRANSITIONS)


def changed_in(lo: str, hi: str, cols: tuple[str, ...] = TRANSITIONS) -> str:
    return "(" + " OR ".join(f"(p.{c} >= {lo} AND p.{c} < {hi})" for c in cols) + ")"


# --- the source rows as of a moment --------------------------------------------------------------------


CONSUMER = "'user:' || (3000000 + p.customer_id)"
MERCHANT = "'user:' || (2000000 + p.m_i)"


def _events_values() -> str:
    """Every step a case may take: (action, from, to, actor, role, rule, time)."""
    approve_to = (
        "CASE WHEN p.type = 'refund_only' THEN 'refund_pending' ELSE 'awaiting_return_shipment' END"
    )
    m, c, sys = MERCHANT, CONSUMER, "'system'"
    rows = [
        f"('open', '', 'merchant_review', {c}, 'consumer', '', p.opened_at)",
        f"('approve', 'merchant_review', {approve_to},"
        f" CASE WHEN p.silent THEN {sys} ELSE {m} END,"
        f" CASE WHEN p.silent THEN 'system' ELSE 'merchant_staff' END,"
        f" CASE WHEN p.silent THEN '{RULE_REVIEW}' ELSE '' END, p.t_approve)",
        f"('reject', 'merchant_review', 'rejected', {m}, 'merchant_staff', '不符合退货条件',"
        " p.t_reject)",
        f"('escalate', 'rejected', 'disputed', {c}, 'consumer', '', p.t_escalate)",
        "(CASE WHEN p.u_d < 0.55 THEN 'settle_refund' ELSE 'compensate' END, 'disputed',"
        " 'refunded', 'system', 'system', '', p.t_settle)",
        "(CASE WHEN p.path = 'withdraw' THEN 'withdraw' ELSE 'close' END,"
        " CASE p.path WHEN 'withdraw' THEN 'merchant_review'"
        "   WHEN 'approve' THEN 'awaiting_return_shipment'"
        "   ELSE CASE WHEN p.t_escalate IS NULL THEN 'rejected' ELSE 'disputed' END END,"
        f" 'closed', CASE WHEN p.path = 'withdraw' THEN {c}"
        "   WHEN p.t_escalate IS NOT NULL THEN 'user:7' ELSE 'system' END,"
        " CASE WHEN p.path = 'withdraw' THEN 'consumer'"
        "   WHEN p.t_escalate IS NOT NULL THEN 'agent' ELSE 'system' END,"
        " CASE WHEN p.path = 'withdraw' THEN ''"
        "   WHEN p.t_escalate IS NOT NULL THEN '调解结论：维持商家处理'"
        f"   WHEN p.path = 'approve' THEN '{RULE_SHIP}' ELSE '{RULE_REJECTED}' END, p.t_close)",
        f"('ship_return', 'awaiting_return_shipment', 'return_in_transit', {c}, 'consumer', '',"
        " p.t_ship)",
        "('mark_delivered', 'return_in_transit', 'return_delivered', 'system', 'system', '',"
        " p.t_deliv)",
        "('confirm_receipt', 'return_delivered', CASE WHEN p.type = 'return_refund'"
        " THEN 'refund_pending' ELSE 'received' END,"
        f" CASE WHEN p.u_e < 0.1 THEN 'system' ELSE {m} END,"
        " CASE WHEN p.u_e < 0.1 THEN 'system' ELSE 'merchant_staff' END,"
        f" CASE WHEN p.u_e < 0.1 THEN '{RULE_RECEIPT}' ELSE '' END, p.t_recv)",
        f"('refund', 'refund_pending', 'refunded', CASE WHEN p.u_g < 0.05 THEN 'system' ELSE {m}"
        " END, CASE WHEN p.u_g < 0.05 THEN 'system' ELSE 'merchant_staff' END,"
        f" CASE WHEN p.u_g < 0.05 THEN '{RULE_REFUND}' ELSE '' END, p.t_refund)",
        "(CASE WHEN p.type = 'exchange' THEN 'ship_replacement' ELSE 'start_repair' END,"
        " 'received', CASE WHEN p.type = 'exchange' THEN 'replacement_shipped' ELSE 'in_repair'"
        f" END, {m}, 'merchant_staff', '', p.t_repl)",
        f"('ship_repaired', 'in_repair', 'repaired_shipped', {m}, 'merchant_staff', '',"
        " p.t_repaired)",
        "('confirm_done', CASE WHEN p.type = 'exchange' THEN 'replacement_shipped'"
        " ELSE 'repaired_shipped' END, 'completed',"
        f" CASE WHEN p.u_i < 0.4 THEN 'system' ELSE {c} END,"
        " CASE WHEN p.u_i < 0.4 THEN 'system' ELSE 'consumer' END,"
        f" CASE WHEN p.u_i < 0.4 THEN '{RULE_DONE}' ELSE '' END, p.t_done)",
    ]
    return ",\n".join(rows)


def orders() -> list[tuple[str, str]]:
    """The order and line of every planned case (placed 3–23 days before the request)."""
    return [
        (
            "orders",
            """
            INSERT INTO catalog_order (id, created_at, updated_at, public_id, number, external_id,
                currency, placed_at, shop_status, goods_total, discount_total, shipping_fee,
                paid_total, promotions, content_hash, customer_id, merchant_id)
            SELECT %(ob)s + p.g, p.placed_at, p.placed_at, gen_random_uuid(),
                   'OD' || lpad(p.g::text, 12, '0'), 'B' || p.g, 'CNY', p.placed_at, 'delivered',
                   p.amount, 0, 0, p.amount, '[]', '', p.customer_id, p.merchant_id
            FROM g_plan p ORDER BY p.g
            """,
        ),
        (
            "order lines",
            """
            INSERT INTO catalog_orderline (id, external_id, product_name, quantity, unit_price,
                paid_amount, is_gift, gift_value, gift_for_id, order_id, sku_id)
            SELECT %(lb)s + p.g, 'L1', '商品 ' || (p.sku_id - %(sb)s), 1, p.amount, p.amount,
                   false, 0, NULL, %(ob)s + p.g, p.sku_id
            FROM g_plan p ORDER BY p.g
            """,
        ),
    ]


def template(case_id: int) -> list[tuple[str, str]]:
    """``g_tpl``: the policy snapshot and explanation of the case opened through the service,
    copied into every generated case (as stored, compressed: no recompression per row); then
    the template's own rows go."""
    return [
        (
            "template case",
            f"CREATE TEMP TABLE g_tpl AS SELECT policy, explanation FROM cases_case WHERE id = {int(case_id)}",
        ),
        ("template case: history", f"DELETE FROM cases_caseevent WHERE case_id = {int(case_id)}"),
        ("template case: removed", f"DELETE FROM cases_case WHERE id = {int(case_id)}"),
        ("template world: parcels", "DELETE FROM catalog_deliveryline"),
        ("template world: parcels ", "DELETE FROM catalog_delivery"),
        (
            "template world: deadlines",
            "DELETE FROM core_deadline WHERE subject_type = 'cases.case'",
        ),
    ]


def sources(lo: str, hi: str, *, delta: bool) -> list[tuple[str, str]]:
    """The cases' rows for what happened in [lo, hi): new cases and the events, messages,
    refunds, disputes and surveys of that span; with ``delta``, the cases, disputes and surveys
    that already exist are brought to their state as of ``hi``."""
    in_span = f"p.opened_at >= {lo} AND p.opened_at < {hi}" if delta else f"p.opened_at < {hi}"
    freight = "CASE WHEN p.grp IN ('noreason', 'size') THEN 'consumer' ELSE 'merchant' END"
    rule = (
        "CASE p.grp WHEN 'noreason' THEN 'R-3 art. 10 no-reason' WHEN 'size' THEN"
        " 'R-3 art. 10 no-reason' WHEN 'quality' THEN 'R-6 quality' ELSE 'R-8 delivery' END"
    )
    # in a delta, only the cases with something happening in the span are expanded
    steps = ("opened_at", *TRANSITIONS, "t_refund2")
    busy = f" AND {changed_in(lo, hi, steps)}" if delta else ""
    statements = [
        (
            "cases",
            f"""
            INSERT INTO cases_case (id, created_at, updated_at, public_id, number, type, status,
                state_version, quantity, description, refund_amount, currency, freight_payer,
                keep_gifts, rule, policy, explanation, return_address, return_carrier,
                return_tracking_number, return_pickup, replacement_carrier,
                replacement_tracking_number, inspection, customer_id, line_id, merchant_id,
                order_id, reason_id, moved_at, channel)
            SELECT %(kb)s + p.g, p.opened_at, {moved_at(hi)}, gen_random_uuid(),
                   'AS' || to_char(p.opened_at, 'YYYYMMDD') || lpad(p.g::text, 8, '0'), p.type,
                   {status_at(hi)}, {moves(hi)}, 1, '', p.amount, 'CNY', {freight}, false,
                   {rule}, t.policy, t.explanation, '{{}}', '', '', false, '', '', '{{}}',
                   p.customer_id, %(lb)s + p.g, p.merchant_id, %(ob)s + p.g, p.reason_id,
                   {moved_at(hi)}, p.channel
            FROM g_plan p CROSS JOIN g_tpl t WHERE {in_span} ORDER BY p.g
            """,
        ),
    ]
    if delta:
        statements.append(
            (
                "cases moved on",
                f"""
                UPDATE cases_case c SET status = {status_at(hi)}, updated_at = {moved_at(hi)},
                       moved_at = {moved_at(hi)}, state_version = {moves(hi)}
                FROM g_plan p
                WHERE c.id = %(kb)s + p.g AND p.opened_at < {lo} AND {changed_in(lo, hi)}
                """,
            )
        )
    statements += [
        (
            "case events",
            f"""
            INSERT INTO cases_caseevent (action, from_status, to_status, actor, actor_role, reason,
                data, created_at, case_id)
            SELECT v.action, v.from_status, v.to_status, v.actor, v.role, v.rule,
                   '{{}}'::jsonb, v.at, %(kb)s + p.g
            FROM g_plan p CROSS JOIN LATERAL (VALUES {_events_values()})
              v(action, from_status, to_status, actor, role, rule, at)
            WHERE v.at >= {lo} AND v.at < {hi}{busy}
            ORDER BY v.at
            """,
        ),
        (
            "merchant messages",
            f"""
            INSERT INTO cases_casemessage (created_at, updated_at, public_id, author, author_role,
                party, visible_to, body, case_id)
            SELECT p.t_msg, p.t_msg, gen_random_uuid(), {MERCHANT}, 'merchant_staff',
                   'merchant', 'both', %(message)s, %(kb)s + p.g
            FROM g_plan p WHERE p.t_msg >= {lo} AND p.t_msg < {hi} ORDER BY p.t_msg
            """,
        ),
        (
            "refunds",
            f"""
            INSERT INTO cases_refund (created_at, updated_at, public_id, key, kind, amount,
                currency, status, state_version, provider, provider_reference, attempts,
                last_error, settled_at, case_id, line_id, merchant_id)
            SELECT r.at - interval '3 minutes', r.at, gen_random_uuid(), r.key, r.kind, r.amount,
                   'CNY', 'succeeded', 1, 'ledger', 'BENCH-' || r.key, 1, '', r.at,
                   %(kb)s + p.g, %(lb)s + p.g, p.merchant_id
            FROM g_plan p CROSS JOIN LATERAL (VALUES
                ('case:' || (%(kb)s + p.g), 'refund',
                 CASE WHEN p.t_refund2 IS NULL THEN p.amount ELSE round(p.amount * 0.6, 2) END,
                 p.t_refund + interval '4 minutes'),
                ('case:' || (%(kb)s + p.g) || ':2', 'refund', p.amount - round(p.amount * 0.6, 2),
                 p.t_refund2 + interval '4 minutes'),
                ('case:' || (%(kb)s + p.g) || ':dispute',
                 CASE WHEN p.u_d < 0.55 THEN 'refund' ELSE 'compensation' END, p.amount,
                 p.t_settle + interval '4 minutes')
              ) r(key, kind, amount, at)
            WHERE r.at >= {lo} AND r.at < {hi}{busy}
            ORDER BY r.at
            """,
        ),
    ]
    dispute_status = (
        f"CASE WHEN p.t_settle < {hi} THEN CASE WHEN p.u_d < 0.55 THEN 'settled' ELSE 'final' END"
        f" WHEN p.t_close < {hi} THEN 'final'"
        f" WHEN p.t_interv < {hi} THEN 'mediation' ELSE 'negotiating' END"
    )
    outcome = (
        f"CASE WHEN p.t_settle < {hi} THEN CASE WHEN p.u_d < 0.55 THEN 'settled' ELSE 'consumer'"
        f" END WHEN p.t_close < {hi} THEN 'merchant' ELSE '' END"
    )
    resolved = (
        f"CASE WHEN p.t_settle < {hi} THEN p.t_settle WHEN p.t_close < {hi} THEN p.t_close END"
    )
    interv = f"CASE WHEN p.t_interv < {hi} THEN p.t_interv END"
    touched = f"greatest(p.t_escalate, {interv}, {resolved})"
    statements.append(
        (
            "disputes",
            f"""
            INSERT INTO disputes_dispute (created_at, updated_at, public_id, number, status,
                state_version, level, claim, claim_amount, currency, statement, language,
                opened_at, merchant_answered_at, intervened_at, ruled_at, appealed_by,
                suspended_until, jury_until, jury_verdict, fast_track, due_at, due_kind, outcome,
                merchant_at_fault, consumer_bad_faith, resolved_at, appeal_arbitrator_id,
                arbitrator_id, case_id, customer_id, mediator_id, merchant_id, appealed_at,
                item_with_merchant, referred_at, ruled_remedy)
            SELECT p.t_escalate, {touched}, gen_random_uuid(),
                   'DP' || lpad(p.g::text, 12, '0'), {dispute_status}, 0,
                   CASE WHEN {interv} IS NULL THEN 'negotiation' ELSE 'mediation' END,
                   'full_refund', p.amount, 'CNY', '商家拒绝退款，申请平台介入', 'zh-hans',
                   p.t_escalate, p.t_escalate + interval '20 hours', {interv}, NULL, '', NULL,
                   NULL, '', false, NULL, '', {outcome}, false, false, {resolved}, NULL, NULL,
                   %(kb)s + p.g, p.customer_id, NULL, p.merchant_id, NULL, false, NULL, ''
            FROM g_plan p WHERE p.t_escalate >= {lo} AND p.t_escalate < {hi}
            ORDER BY p.t_escalate
            """,
        )
    )
    if delta:
        statements.append(
            (
                "disputes moved on",
                f"""
                UPDATE disputes_dispute d SET status = {dispute_status}, outcome = {outcome},
                       intervened_at = {interv}, resolved_at = {resolved},
                       level = CASE WHEN {interv} IS NULL THEN 'negotiation' ELSE 'mediation' END,
                       updated_at = {touched}
                FROM g_plan p
                WHERE d.case_id = %(kb)s + p.g AND p.t_escalate < {lo}
                  AND {changed_in(lo, hi, ("t_interv", "t_settle", "t_close"))}
                """,
            )
        )
    answered = f"CASE WHEN p.t_answer < {hi} THEN p.t_answer END"
    statements.append(
        (
            "surveys",
            f"""
            INSERT INTO feedback_survey (created_at, updated_at, public_id, kind, subject_type,
                subject_id, subject_number, email, language, sent_at, expires_at, answered_at,
                score, comment, channel, points, agent_id, merchant_id, recipient_id)
            SELECT p.t_final, coalesce({answered}, p.t_final), gen_random_uuid(), 'csat',
                   'cases.case', %(kb)s + p.g,
                   'AS' || to_char(p.opened_at, 'YYYYMMDD') || lpad(p.g::text, 8, '0'), '',
                   'zh-hans', p.t_final, p.t_final + interval '30 days', {answered},
                   CASE WHEN p.t_answer < {hi} THEN p.score END, '',
                   CASE WHEN p.t_answer < {hi} THEN 'in_app' ELSE '' END, 0, NULL,
                   p.merchant_id, NULL
            FROM g_plan p
            WHERE p.path <> 'withdraw' AND p.t_final >= {lo} AND p.t_final < {hi}
            ORDER BY p.t_final
            """,
        )
    )
    if delta:
        statements.append(
            (
                "surveys answered",
                f"""
                UPDATE feedback_survey s SET answered_at = p.t_answer, score = p.score,
                       channel = 'in_app', updated_at = p.t_answer
                FROM g_plan p
                WHERE s.subject_type = 'cases.case' AND s.subject_id = %(kb)s + p.g
                  AND p.t_final < {lo} AND p.t_answer >= {lo} AND p.t_answer < {hi}
                """,
            )
        )
    return statements


# --- deliveries: the denominator ----------------------------------------------------------------------


def _delivered_per_sku_day(day_filter: str) -> str:
    """Orders signed per (local day, SKU): the cases' own popularity over the category's rate
    (a hot SKU or shop has fewer deliveries per case), a Poisson-like count; zero rows dropped."""
    return f"""
        SELECT x.day, x.sku_id, x.merchant_id, x.top, x.k AS orders
        FROM (
          SELECT %(d0)s::date + d AS day, sk.id AS sku_id, sk.merchant_id, sk.top,
                 floor(%(n)s::float8 / %(days)s * (1 + %(growth)s * (d + 0.5) / %(days)s)
                       / (1 + %(growth)s / 2) * sk.w / (c.rate * sk.f)
                       * (0.75 + 0.5 * random()) + random())::int AS k
          FROM generate_series(0, %(days)s - 1) d
          CROSS JOIN g_sku sk JOIN g_cat c ON c.id = sk.top
          WHERE {day_filter}
        ) x WHERE x.k > 0
    """


def delivered_history() -> list[tuple[str, str]]:
    """DeliveredSkuDay and DeliveredDay for every day before yesterday, written directly."""
    return [
        (
            "delivered by SKU (synthetic, no raw rows)",
            f"""
            INSERT INTO analytics_deliveredskuday (day, merchant_id, category_id, sku_id, orders,
                lines, units)
            SELECT x.day, x.merchant_id, x.top, x.sku_id, x.orders, x.orders,
                   x.orders + floor(x.orders * 0.12 + random())::int
            FROM ({_delivered_per_sku_day("d < %(days)s - 1")}) x
            ORDER BY x.day
            """,
        ),
        (
            "delivered by shop and category",
            """
            INSERT INTO analytics_deliveredday (day, merchant_id, category_id, orders, lines, units)
            SELECT day, merchant_id, category_id, sum(orders), sum(lines), sum(units)
            FROM analytics_deliveredskuday GROUP BY day, merchant_id, category_id
            ORDER BY day
            """,
        ),
    ]


def deliveries_of_last_day() -> list[tuple[str, str]]:
    """Yesterday's deliveries as real rows: an order, its line, a parcel signed yesterday and
    the parcel's line, per delivered order."""
    return [
        (
            "yesterday's deliveries: plan",
            f"""
            CREATE TEMP TABLE g_deliv AS
            SELECT row_number() OVER (ORDER BY x.signed_at) AS g, x.*
            FROM (
              SELECT y.sku_id, y.merchant_id,
                     %(cb)s + (sk.m_i - 1) * %(cpm)s + 1 + floor(random() * %(cpm)s)::bigint
                       AS customer_id,
                     %(t0)s::timestamptz + (6 + 17 * random()) * interval '1 hour' AS signed_at,
                     CASE WHEN random() < 0.1 THEN 2 ELSE 1 END AS quantity,
                     round((c.price_lo * exp(random() * ln(c.price_hi / c.price_lo)))::numeric, 2)
                       AS price
              FROM ({_delivered_per_sku_day("d = %(days)s - 1")}) y
              JOIN g_sku sk ON sk.id = y.sku_id JOIN g_cat c ON c.id = sk.top
              CROSS JOIN generate_series(1, y.orders)
            ) x
            """,
        ),
        (
            "yesterday's deliveries: orders",
            """
            INSERT INTO catalog_order (id, created_at, updated_at, public_id, number, external_id,
                currency, placed_at, shop_status, goods_total, discount_total, shipping_fee,
                paid_total, promotions, content_hash, customer_id, merchant_id)
            SELECT %(ob2)s + g, signed_at - interval '3 days', signed_at, gen_random_uuid(),
                   'OY' || lpad(g::text, 12, '0'), 'Y' || g, 'CNY', signed_at - interval '3 days',
                   'delivered', price * quantity, 0, 0, price * quantity, '[]', '', customer_id,
                   merchant_id
            FROM g_deliv ORDER BY g
            """,
        ),
        (
            "yesterday's deliveries: lines",
            """
            INSERT INTO catalog_orderline (id, external_id, product_name, quantity, unit_price,
                paid_amount, is_gift, gift_value, gift_for_id, order_id, sku_id)
            SELECT %(lb2)s + g, 'L1', '商品 ' || (sku_id - %(sb)s), quantity, price,
                   price * quantity, false, 0, NULL, %(ob2)s + g, sku_id
            FROM g_deliv ORDER BY g
            """,
        ),
        (
            "yesterday's deliveries: parcels",
            """
            INSERT INTO catalog_delivery (id, created_at, updated_at, public_id, carrier,
                tracking_number, shipped_at, signed_at, order_id)
            SELECT %(db)s + g, signed_at - interval '2 days', signed_at, gen_random_uuid(), 'SF',
                   'SF' || lpad(g::text, 12, '0'), signed_at - interval '2 days', signed_at,
                   %(ob2)s + g
            FROM g_deliv ORDER BY g
            """,
        ),
        (
            "yesterday's deliveries: parcel lines",
            """
            INSERT INTO catalog_deliveryline (delivery_id, line_id, quantity)
            SELECT %(db)s + g, %(lb2)s + g, quantity FROM g_deliv ORDER BY g
            """,
        ),
    ]


# --- the desk: tickets and the assistant, as rollups ------------------------------------------------------


def _bins(measure: str, hours: str, edges: tuple[float, ...]) -> str:
    cols = []
    for i, low in enumerate(edges):
        cond = f"{hours} >= {low}" if i else f"{hours} IS NOT NULL"
        if i < len(edges) - 1:
            cond += f" AND {hours} < {edges[i + 1]}"
        cols.append(f"count(*) FILTER (WHERE {cond}) AS {measure}_b{i}")
    return ",\n".join(cols)


def desk(edges: tuple[float, ...]) -> list[tuple[str, str]]:
    """About ``tickets`` tickets over the period as ``DeskDay`` rows (no ticket rows), the
    assistant's conversations as ``AssistantDay`` and quarterly NPS answers (real rows)."""
    bins = ",\n".join(f"{m}_b{i}" for m in ("response", "resolve") for i in range(len(edges)))
    return [
        (
            "desk rollup (synthetic, no ticket rows)",
            f"""
            INSERT INTO analytics_deskday (day, channel, type, priority, merchant_id, tickets,
                responded, response_hours, resolved, resolve_hours, sla_n, sla_met, reopened,
                csat_n, csat_sum, csat_low, csat_high, {bins})
            SELECT day, channel, type, priority, merchant_id, count(*),
                   count(response_h), coalesce(sum(response_h), 0), count(resolve_h),
                   coalesce(sum(resolve_h), 0), count(sla), count(*) FILTER (WHERE sla),
                   count(*) FILTER (WHERE reopened AND resolve_h IS NOT NULL), count(csat),
                   coalesce(sum(csat), 0), count(*) FILTER (WHERE csat <= 2),
                   count(*) FILTER (WHERE csat >= 4),
                   {_bins("response", "response_h", edges)},
                   {_bins("resolve", "resolve_h", edges)}
            FROM (
              SELECT %(d0)s::date + least(%(days)s - 1, floor(%(days)s * (sqrt(1 + 2 * %(growth)s
                       * random() * (1 + %(growth)s / 2)) - 1) / %(growth)s)::int) AS day,
                     (ARRAY['web', 'assistant', 'email', 'phone', 'api', 'social'])[
                       width_bucket(random(), ARRAY[0, 0.3, 0.55, 0.7, 0.85, 0.95]::float8[])] AS channel,
                     (ARRAY['inquiry', 'complaint', 'after_sales', 'logistics', 'payment',
                            'other'])[width_bucket(random(), ARRAY[0, 0.3, 0.45, 0.7, 0.88, 0.95]::float8[])]
                       AS type,
                     (ARRAY['low', 'normal', 'high', 'urgent'])[
                       width_bucket(random(), ARRAY[0, 0.2, 0.8, 0.95]::float8[])] AS priority,
                     CASE WHEN random() < 0.6 THEN %(mb)s + 1 + floor(%(m)s
                       * power(random(), 2))::int ELSE 0 END AS merchant_id,
                     CASE WHEN random() < 0.97 THEN 0.05 * exp(random() * ln(400)) END
                       AS response_h,
                     CASE WHEN random() < 0.9 THEN 0.5 * exp(random() * ln(500)) END AS resolve_h,
                     CASE WHEN random() < 0.85 THEN random() < 0.9 END AS sla,
                     random() < 0.06 AS reopened,
                     CASE WHEN random() < 0.3 THEN 1 + floor(power(random(), 0.5) * 5)::int END
                       AS csat
              FROM generate_series(1, %(tickets)s)
            ) t
            GROUP BY day, channel, type, priority, merchant_id
            ORDER BY day
            """,
        ),
        (
            "assistant rollup",
            """
            INSERT INTO analytics_assistantday (day, conversations, handed_off)
            SELECT %(d0)s::date + d, c, floor(c * (0.12 + 0.1 * random()))::int
            FROM (SELECT d, floor(%(tickets)s * 1.5 / %(days)s * (1 + %(growth)s * d / %(days)s)
                                  * (0.8 + 0.4 * random()))::int AS c
                  FROM generate_series(0, %(days)s - 1) d) x
            """,
        ),
        (
            "NPS answers",
            """
            INSERT INTO feedback_npssurvey (created_at, updated_at, public_id, period, sent_at,
                answered_at, score, comment, points, recipient_id)
            SELECT sent, coalesce(answered, sent), gen_random_uuid(),
                   to_char(q, 'YYYY') || 'Q' || to_char(q, 'Q'), sent, answered,
                   CASE WHEN answered IS NOT NULL THEN
                     (ARRAY[0, 3, 5, 6, 7, 8, 9, 10])[width_bucket(random(),
                       ARRAY[0, 0.04, 0.1, 0.18, 0.27, 0.42, 0.57, 0.78]::float8[])] END,
                   '', 0, %(ub)s + u
            FROM (
              SELECT u, q, sent, CASE WHEN ua < 0.35 THEN sent + ub * interval '7 days' END
                       AS answered
              FROM (
                SELECT u, q, q + random() * interval '80 days' AS sent, random() AS ua,
                       random() AS ub
                FROM generate_series(1, %(users)s) u,
                     generate_series(date_trunc('quarter', %(d0)s::date + 0),
                                     %(t0)s::timestamptz - interval '10 days',
                                     interval '3 months') q
                WHERE random() < 0.5
              ) s
            ) x
            WHERE sent < %(t0)s::timestamptz AND (answered IS NULL OR answered < %(t0)s::timestamptz)
            """,
        ),
    ]


# The tables a day of activity writes to (ANALYZEd after it, as autovacuum would).
DELTA_TABLES = (
    "catalog_order",
    "catalog_orderline",
    "catalog_delivery",
    "catalog_deliveryline",
    "cases_case",
    "cases_caseevent",
    "cases_casemessage",
    "cases_refund",
    "disputes_dispute",
    "feedback_survey",
)

SEQUENCES = (
    "catalog_merchant",
    "catalog_sku",
    "catalog_customer",
    "accounts_user",
    "catalog_order",
    "catalog_orderline",
    "catalog_delivery",
    "cases_case",
)


def sequences_reset(cur: Any) -> None:
    for table in SEQUENCES:
        cur.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
            f" greatest(1, (SELECT max(id) FROM {table})))"
        )


# --- the case facts in one statement (the bench's rebuild; H1's definitions, anxin.analytics.facts) ---

MERCHANT_ROLES = ("merchant_admin", "merchant_staff")
TERMINAL = ("closed", "completed", "refunded")
PAID_TO_CONSUMER = ("compensation", "refund")


def facts() -> str:
    """``analytics_casefact`` for every case, as ``facts.case_facts_build`` defines them:
    response = first merchant act (history row by a merchant role, or a merchant message),
    approve = first "approve", refund = first succeeded refund or compensation paid (amount and
    parts summed), close = first move into a terminal status, answered_by = the role of the
    first move out of the merchant's review, auto_acted = any history row by the system,
    disputed/intervened from the dispute, csat = the answered case survey; day = local date."""
    roles = ", ".join(f"'{r}'" for r in MERCHANT_ROLES)
    terminal = ", ".join(f"'{s}'" for s in TERMINAL)
    paid = ", ".join(f"'{k}'" for k in PAID_TO_CONSUMER)

    def hours(t: str) -> str:
        return f"(extract(epoch FROM {t} - c.created_at) / 3600)::float8"

    return f"""
        INSERT INTO analytics_casefact (case_id, merchant_id, category_id, sku_id, type,
            reason_id, channel, opened_at, day, status, response_hours, approve_hours,
            refund_hours, close_hours, answered_by, auto_acted, disputed, intervened,
            refund_amount, refund_parts, csat, updated_at)
        SELECT c.id, c.merchant_id, coalesce(k.parent_id, k.id, 0), coalesce(l.sku_id, 0), c.type,
               c.reason_id, c.channel, c.created_at,
               (c.created_at AT TIME ZONE 'Asia/Shanghai')::date, c.status,
               {hours("least(e.merchant_act, m.first)")}, {hours("e.approved")},
               {hours("r.first")}, {hours("e.closed")},
               CASE WHEN a.actor_role IN ({roles}) THEN 'merchant'
                    WHEN a.actor_role = 'system' THEN 'system' ELSE '' END,
               coalesce(e.automatic, 0) > 0, d.case_id IS NOT NULL, d.intervened_at IS NOT NULL,
               coalesce(r.amount, 0), coalesce(r.parts, 0), s.score, %(now)s
        FROM cases_case c
        JOIN catalog_orderline l ON l.id = c.line_id
        LEFT JOIN catalog_sku sk ON sk.id = l.sku_id
        LEFT JOIN catalog_category k ON k.id = sk.category_id
        LEFT JOIN (
          SELECT case_id,
                 min(created_at) FILTER (WHERE actor_role IN ({roles})) AS merchant_act,
                 min(created_at) FILTER (WHERE action = 'approve') AS approved,
                 min(created_at) FILTER (WHERE to_status IN ({terminal})) AS closed,
                 count(*) FILTER (WHERE actor_role = 'system') AS automatic
          FROM cases_caseevent GROUP BY case_id
        ) e ON e.case_id = c.id
        LEFT JOIN (
          SELECT DISTINCT ON (case_id) case_id, actor_role FROM cases_caseevent
          WHERE from_status = 'merchant_review' ORDER BY case_id, created_at, id
        ) a ON a.case_id = c.id
        LEFT JOIN (
          SELECT case_id, min(created_at) AS first FROM cases_casemessage
          WHERE party = 'merchant' GROUP BY case_id
        ) m ON m.case_id = c.id
        LEFT JOIN (
          SELECT case_id, min(settled_at) AS first, sum(amount) AS amount, count(*) AS parts
          FROM cases_refund
          WHERE case_id IS NOT NULL AND status = 'succeeded' AND kind IN ({paid})
          GROUP BY case_id
        ) r ON r.case_id = c.id
        LEFT JOIN disputes_dispute d ON d.case_id = c.id
        LEFT JOIN feedback_survey s ON s.subject_type = 'cases.case' AND s.subject_id = c.id
             AND s.score IS NOT NULL
        ORDER BY c.id
    """
