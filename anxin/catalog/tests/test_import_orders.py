"""manage.py import_orders: the sample files, idempotent re-runs, rejected rows, dry runs."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from anxin.catalog.models import Customer, Delivery, DeliveryLine, Order, OrderLine
from anxin.catalog.services import merchant_create
from anxin.core.actors import SYSTEM
from anxin.core.models import AuditEntry

pytestmark = pytest.mark.django_db

EXAMPLES = Path(__file__).resolve().parents[3] / "docs" / "examples"
SAMPLE_TOTALS = {
    "T20261101001": Decimal("6699.00"),
    "T20261102002": Decimal("1358.00"),
    "T20261105003": Decimal("239.00"),
    "T20261106004": Decimal("218.00"),
}
HEADER = (
    "order_id,merchant,customer_id,placed_at,shipping_fee,line_id,sku,product_name,category,"
    "quantity,unit_price,paid_amount,tenders,carrier,tracking_number,shipped_at,signed_at"
)


@pytest.fixture
def shop():
    return merchant_create(actor=SYSTEM, code="m1", name="Shop", status="active")


def run(*args: object) -> tuple[str, str, CommandError | None]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_orders", *map(str, args), stdout=out, stderr=err)
    except CommandError as exc:
        return out.getvalue(), err.getvalue(), exc
    return out.getvalue(), err.getvalue(), None


def written(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def rejects_of(path: Path) -> dict[str, list[tuple[int, str]]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return {r["order_id"]: [(e["line"], e["field"]) for e in r["errors"]] for r in rows}


def test_sample_csv_imports_every_order_with_its_amounts_and_parcels(shop):
    # given the sample CSV (no merchant column filled)

    # when
    out, _, error = run(EXAMPLES / "orders.csv", "--merchant", "m1")

    # then
    assert error is None
    assert "created 4, updated 0, unchanged 0, rejected 0" in out
    orders = {o.external_id: o for o in Order.objects.filter(merchant=shop)}
    assert {k: o.paid_total for k, o in orders.items()} == SAMPLE_TOTALS
    assert OrderLine.objects.count() == 7
    first = orders["T20261101001"]
    assert first.goods_total == Decimal("6999.00")  # the gift's list price is not goods sold
    assert sorted(first.tenders.values_list("method", "amount")) == [
        ("alipay", Decimal("6499.00")),
        ("coupon", Decimal("200.00")),
    ]
    gift = first.lines.get(external_id="L2")
    assert gift.is_gift and gift.gift_for.external_id == "L1"
    assert list(first.lines.get(external_id="L1").confirmations.values_list("kind", flat=True)) == [
        "activation_value"
    ]
    assert first.shop_status == "delivered"
    assert orders["T20261102002"].shop_status == "shipped"
    assert Delivery.objects.count() == 3
    assert Customer.objects.get(external_id="c-1001").name == "张伟"
    assert AuditEntry.objects.filter(action="catalog.order.create").count() == 4


def test_sample_jsonl_imports_every_order_with_promotions_and_partial_parcel(shop):
    # given the sample JSONL

    # when
    out, _, error = run(EXAMPLES / "orders.jsonl", "--merchant", "m1")

    # then
    assert error is None
    assert "created 4, updated 0, unchanged 0, rejected 0" in out
    orders = {o.external_id: o for o in Order.objects.all()}
    assert {k: o.paid_total for k, o in orders.items()} == SAMPLE_TOTALS
    assert orders["T20261102002"].promotions[0]["kind"] == "threshold"
    parcel = Delivery.objects.get(tracking_number="JDVA00012345678")
    assert [(d.line.external_id, d.quantity) for d in parcel.lines.all()] == [("L1", 1)]
    assert orders["T20261106004"].shop_status == "delivered"


@pytest.mark.parametrize("name", ["orders.csv", "orders.jsonl"])
def test_second_run_of_the_same_file_changes_nothing(shop, name):
    # given the file imported once
    run(EXAMPLES / name, "--merchant", "m1")
    before = (
        Order.objects.count(),
        Delivery.objects.count(),
        list(DeliveryLine.objects.values_list("pk", flat=True)),
        AuditEntry.objects.count(),
    )

    # when
    out, _, error = run(EXAMPLES / name, "--merchant", "m1")

    # then
    assert error is None
    assert "created 0, updated 0, unchanged 4, rejected 0" in out
    after = (
        Order.objects.count(),
        Delivery.objects.count(),
        list(DeliveryLine.objects.values_list("pk", flat=True)),
        AuditEntry.objects.count(),
    )
    assert after == before


def test_a_changed_order_is_reported_as_updated(shop, tmp_path):
    # given the sample imported, then a file where one address changed
    run(EXAMPLES / "orders.jsonl", "--merchant", "m1")
    text = (EXAMPLES / "orders.jsonl").read_text(encoding="utf-8")
    changed = text.replace("广州市天河区体育西路191号", "广州市天河区天河路385号")

    # when
    out, _, error = run(written(tmp_path, "o.jsonl", changed), "--merchant", "m1")

    # then
    assert error is None
    assert "created 0, updated 1, unchanged 3, rejected 0" in out
    assert Customer.objects.get(external_id="c-1003").address == "广州市天河区天河路385号"


def test_bad_csv_rows_are_reported_by_line_and_field_and_good_orders_stay(shop, tmp_path):
    # given good orders G1 and G2 around four bad ones
    text = "\n".join(
        [
            HEADER,
            "G1,m1,c1,2026-11-01 10:00,0,L1,S1,保温杯 500ml,home,1,89.00,89.00,alipay:89.00,,,,",
            # line 3: the tenders do not add up to the lines
            "B1,m1,c2,2026-11-01 10:00,0,L1,S2,蓝牙耳机,digital-accessories,1,199.00,199.00,"
            "alipay:150.00,,,,",
            # line 4-5: the second line has an unknown category
            "B2,m1,c3,2026-11-01 10:00,0,L1,S3,帆布鞋,apparel-shoes,1,129.00,129.00,"
            "wechat_pay:228.00,,,,",
            "B2,,,,,L2,S4,神秘商品,no-such-category,1,99.00,99.00,,,,,",
            # line 6: negative quantity and an amount that is not a number
            "B3,m1,c4,2026-11-01 10:00,0,L1,S5,抽纸 24包,home,-2,3.50,abc,alipay:7.00,,,,",
            # line 7: a date that is not a date
            "B4,m1,c5,2026-13-45 25:00,0,L1,S6,洗衣液,home,1,39.90,39.90,alipay:39.90,,,,",
            'G2,m1,c6,2026/11/2 9:05,10,L1,S7,台灯,home,1,"1,299.00",¥1299.00,'
            "unionpay:1309.00,圆通速递,YT100200300,2026-11-03 10:00,",
        ]
    )
    path = written(tmp_path, "orders.csv", text + "\n")
    rejects = tmp_path / "rejects.jsonl"

    # when
    out, _, error = run(path, "--rejects", rejects)

    # then the good orders are imported and the command fails
    assert error is not None and "4 order(s) rejected" in str(error)
    assert sorted(Order.objects.values_list("external_id", flat=True)) == ["G1", "G2"]
    g2 = Order.objects.get(external_id="G2")
    assert g2.paid_total == Decimal("1309.00") and g2.shop_status == "shipped"
    assert "created 2, updated 0, unchanged 0, rejected 4" in out
    # and each bad order is reported with its line and field
    assert rejects_of(rejects) == {
        "B1": [(3, "tenders")],
        "B2": [(5, "category")],
        "B3": [(6, "quantity"), (6, "paid_amount")],
        "B4": [(7, "placed_at")],
    }
    table = out.splitlines()
    assert any(row.split()[:3] == ["5", "B2", "category"] for row in table)
    assert any(row.split()[:3] == ["3", "B1", "tenders"] and "add up" in row for row in table)


def test_bad_jsonl_lines_are_reported_and_good_orders_stay(shop, tmp_path):
    # given the sample orders with a malformed line, a bad date and a bad sum among them
    good = (EXAMPLES / "orders.jsonl").read_text(encoding="utf-8").splitlines()
    bad_date = json.loads(good[2])
    bad_date.update(external_id="X-DATE", placed_at="yesterday")
    bad_sum = json.loads(good[3])
    bad_sum["external_id"] = "X-SUM"
    bad_sum["tenders"][0]["amount"] = "1.00"
    bad_parcel = json.loads(good[3])
    bad_parcel["external_id"] = "X-PARCEL"
    bad_parcel["delivery"]["signed_at"] = "2026-11-05T10:00:00+08:00"  # before it shipped
    lines = [
        good[0],
        '{"external_id": "X-JSON", "customer": {',
        json.dumps(bad_date, ensure_ascii=False),
        "",
        json.dumps(bad_sum, ensure_ascii=False),
        json.dumps(bad_parcel, ensure_ascii=False),
        "[1, 2]",
        good[1],
    ]
    rejects = tmp_path / "rejects.jsonl"

    # when
    out, _, error = run(
        written(tmp_path, "o.jsonl", "\n".join(lines)), "--merchant", "m1", "--rejects", rejects
    )

    # then
    assert error is not None
    assert "created 2, updated 0, unchanged 0, rejected 5" in out
    assert sorted(Order.objects.values_list("external_id", flat=True)) == [
        "T20261101001",
        "T20261102002",
    ]
    reported = [json.loads(r) for r in rejects.read_text(encoding="utf-8").splitlines()]
    assert [
        (r["order_id"], r["lines"], [(e["line"], e["field"]) for e in r["errors"]])
        for r in reported
    ] == [
        ("", [2], [(2, "json")]),
        ("X-DATE", [3], [(3, "placed_at")]),
        ("X-SUM", [5], [(5, "tenders")]),
        ("X-PARCEL", [6], [(6, "delivery.signed_at")]),
        ("", [7], [(7, "json")]),
    ]
    assert reported[0]["errors"][0]["reason"].startswith("Not valid JSON")
    # a rejected parcel rolls back its order too: nothing of it is half-imported
    assert not Order.objects.filter(external_id="X-PARCEL").exists()


def test_dry_run_validates_but_writes_nothing(shop):
    # given nothing imported yet
    audit_before = AuditEntry.objects.count()

    # when
    out, _, error = run(EXAMPLES / "orders.csv", "--merchant", "m1", "--dry-run")

    # then it reports what would happen, and nothing is saved
    assert error is None
    assert "created 4, updated 0, unchanged 0, rejected 0" in out
    assert "dry run" in out
    assert Order.objects.count() == 0
    assert Customer.objects.count() == 0
    assert Delivery.objects.count() == 0
    assert AuditEntry.objects.count() == audit_before


def test_dry_run_still_reports_rejects(shop, tmp_path):
    # given a file with one bad order
    text = HEADER + "\nB1,m1,c2,2026-11-01 10:00,0,L1,S2,耳机,no-such,1,9.00,9.00,alipay:9.00,,,,\n"

    # when
    out, _, error = run(written(tmp_path, "o.csv", text), "--dry-run")

    # then
    assert error is not None and "dry run" in str(error)
    assert "rejected 1" in out
    assert Order.objects.count() == 0


def test_excel_csv_with_bom_and_upper_case_headers_imports(shop, tmp_path):
    # given the sample as Excel saves it: a BOM, upper-case headers, CRLF line ends
    header, *rows = (EXAMPLES / "orders.csv").read_text(encoding="utf-8").splitlines()
    text = "\r\n".join([header.upper(), *rows]) + "\r\n"
    path = written(tmp_path, "export.csv", "\ufeff" + text)

    # when
    out, _, error = run(path, "--merchant", "m1")

    # then
    assert error is None
    assert "created 4" in out
    assert {o.external_id: o.paid_total for o in Order.objects.all()} == SAMPLE_TOTALS


GOOD_ROW = "G1,m1,c1,2026-11-01 10:00,0,L1,S1,保温杯,home,1,89.00,89.00,alipay:89.00,,,,"


@pytest.mark.parametrize(
    ("name", "content", "encoding", "extra", "message"),
    [
        ("gbk.csv", f"{HEADER}\n{GOOD_ROW}\n", "gbk", [], "Line 2 is not UTF-8"),
        ("typo.csv", HEADER.replace("quantity", "quantiy") + "\n", "utf-8", [], "quantiy"),
        ("short.csv", "order_id,sku\n", "utf-8", [], "Missing column(s): customer_id"),
        ("huge.csv", f"{HEADER}\n{GOOD_ROW}\n{'x' * 200_000}\n", "utf-8", [], "Line 3"),
        ("orders.xlsx", GOOD_ROW, "utf-8", [], ".csv or .jsonl"),
        ("o.csv", f"{HEADER}\n{GOOD_ROW}\n", "utf-8", ["--merchant", "nope"], "Unknown merchant"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_before_anything_is_imported(
    shop, tmp_path, name, content, encoding, extra, message
):
    # given a file with a problem of the whole file (encoding, header, format, merchant)
    path = written(tmp_path, name, content, encoding=encoding)

    # when
    _, _, error = run(path, *extra)

    # then
    assert error is not None and message in str(error)
    assert Order.objects.count() == 0


def test_rows_of_one_order_split_apart_are_rejected(shop, tmp_path):
    # given order A whose second line comes after order B
    text = "\n".join(
        [
            HEADER,
            "A,m1,c1,2026-11-01 10:00,0,L1,S1,杯子,home,1,10.00,10.00,alipay:20.00,,,,",
            "B,m1,c2,2026-11-01 10:00,0,L1,S2,碗,home,1,5.00,5.00,alipay:5.00,,,,",
            "A,m1,,,,L2,S3,盘子,home,1,10.00,10.00,,,,,",
        ]
    )
    rejects = tmp_path / "r.jsonl"

    # when
    run(written(tmp_path, "o.csv", text), "--rejects", rejects)

    # then the first part fails on its sums, and the stray part is refused instead of imported
    assert list(Order.objects.values_list("external_id", flat=True)) == ["B"]
    found = [json.loads(r) for r in rejects.read_text(encoding="utf-8").splitlines()]
    assert [(r["order_id"], r["lines"]) for r in found] == [("A", [2]), ("A", [4])]
    assert found[1]["errors"][0]["field"] == "order_id"


def test_merchant_column_wins_over_option_and_unknown_merchant_is_rejected(shop, tmp_path):
    # given one row naming the shop and one naming a merchant that does not exist
    text = "\n".join(
        [
            HEADER,
            "A,m1,c1,2026-11-01 10:00,0,L1,S1,杯子,home,1,10.00,10.00,alipay:10.00,,,,",
            "B,nope,c2,2026-11-01 10:00,0,L1,S2,碗,home,1,5.00,5.00,alipay:5.00,,,,",
        ]
    )
    rejects = tmp_path / "r.jsonl"

    # when
    run(written(tmp_path, "o.csv", text), "--merchant", "m1", "--rejects", rejects)

    # then
    assert list(Order.objects.values_list("external_id", flat=True)) == ["A"]
    assert rejects_of(rejects) == {"B": [(3, "merchant")]}


def test_rejects_file_is_written_even_when_empty(shop, tmp_path):
    # given
    rejects = tmp_path / "r.jsonl"

    # when
    _, _, error = run(EXAMPLES / "orders.jsonl", "--merchant", "m1", "--rejects", rejects)

    # then
    assert error is None
    assert rejects.read_text(encoding="utf-8") == ""


def test_an_order_cell_that_differs_between_rows_of_the_order_is_rejected(shop, tmp_path):
    # given order A whose second row names another customer
    text = "\n".join(
        [
            HEADER,
            "A,m1,c1,2026-11-01 10:00,0,L1,S1,杯子,home,1,10.00,10.00,alipay:20.00,,,,",
            "A,m1,c2,,,L2,S3,盘子,home,1,10.00,10.00,,,,,",
        ]
    )
    rejects = tmp_path / "r.jsonl"

    # when
    run(written(tmp_path, "o.csv", text), "--rejects", rejects)

    # then
    assert Order.objects.count() == 0
    assert rejects_of(rejects) == {"A": [(3, "customer_id")]}


def test_an_existing_order_losing_a_line_is_rejected_and_left_as_it_was(shop, tmp_path):
    # given the samples imported, then order 003 again without its line L2
    run(EXAMPLES / "orders.jsonl", "--merchant", "m1")
    order = json.loads((EXAMPLES / "orders.jsonl").read_text(encoding="utf-8").splitlines()[2])
    order["lines"] = order["lines"][:1]
    order["tenders"] = [{"method": "alipay", "amount": "89.00"}]
    rejects = tmp_path / "r.jsonl"

    # when
    _, _, error = run(
        written(tmp_path, "o.jsonl", json.dumps(order, ensure_ascii=False) + "\n"),
        "--merchant",
        "m1",
        "--rejects",
        rejects,
    )

    # then
    assert error is not None
    [reject] = [json.loads(r) for r in rejects.read_text(encoding="utf-8").splitlines()]
    assert reject["errors"][0]["field"] == "lines"
    assert reject["errors"][0]["reason"].endswith("(L2)")
    assert Order.objects.get(external_id="T20261105003").lines.count() == 2
