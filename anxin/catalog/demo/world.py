"""The demo world's cast: merchants with their admission history, SKUs with prices, and people
who shop, with the customer record each shop keeps of them."""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from faker import Faker

from anxin.core.crypto import phone_lookup_hash
from anxin.core.deadlines import deadline_start
from anxin.core.money import round_money

from ..choices import MerchantStatus
from ..models import Category, Customer, Merchant, MerchantEvent, Sku
from ..workflow import MERCHANT_WORKFLOW, RECTIFY
from . import vocab

# Deposit (保证金) by root category; a shop still applying has not paid one yet.
DEPOSITS = {
    "digital": 50_000,
    "appliances": 50_000,
    "fresh": 20_000,
    "food": 20_000,
    "beauty": 20_000,
    "baby": 20_000,
}
DEFAULT_DEPOSIT = 10_000
# Version of the merchant row after its seeded history (approve = 1, warn = 2), as the engine
# would have left it, so a later transition's expected_version checks still line up.
VERSIONS = {MerchantStatus.APPLYING: 0, MerchantStatus.ACTIVE: 1, MerchantStatus.WARNED: 2}
# Who the seeded merchant events name: not a real admin, so the history says where it came from.
SEEDED_BY = "demo_data"
# Customer rows per INSERT, and external ids per lookup of existing rows (under any backend's
# limit on query parameters).
INSERT_BATCH = 1000
LOOKUP_CHUNK = 500


@dataclass
class Item:
    """A SKU as the demo sells it: the list price lives here because SKUs carry no price."""

    sku: Sku
    price: Decimal
    category: Category


@dataclass
class Store:
    """A merchant with its catalogue and shop rules (shipping, 满减, carrier)."""

    merchant: Merchant
    shop: vocab.Shop
    root: str
    items: list[Item] = field(default_factory=list)
    gift: Item | None = None
    promos: list[tuple[Decimal, Decimal]] = field(default_factory=list)
    free_over: Decimal | None = None
    fee: Decimal = Decimal("0.00")
    carrier: str = "zto"


def root_of(code: str) -> str:
    return code.split("-", 1)[0]


def _price(base: float, multiplier: float, fixed: bool) -> Decimal:
    """Shop-style prices: ¥39.90, ¥299, ¥3,499 — fixed list prices (books, top-ups) as they are."""
    value = base * multiplier
    if fixed:
        return round_money(str(round(value, 2)))
    if value < 100:
        return Decimal(f"{int(value)}.90")
    if value < 1000:
        return Decimal(f"{int(value) // 10 * 10 + 9}.00")
    return Decimal(f"{int(value) // 100 * 100 + 99}.00")


def _catalogue(
    rng: random.Random, store: Store, index: int, categories: dict[str, Category]
) -> None:
    """5–19 sellable SKUs drawn from the shop's categories, plus one gift SKU where gifts exist."""
    wanted = rng.randint(5, 19)
    products = [(code, p) for code in store.shop.categories for p in vocab.PRODUCTS[code]]
    rng.shuffle(products)
    serial = 0
    while len(store.items) < wanted and products:
        code, (name, low, high, kind) = products.pop()
        base = rng.uniform(low, high)
        variants = vocab.VARIANTS[kind]
        for label, multiplier in rng.sample(variants, min(len(variants), rng.randint(1, 3))):
            serial += 1
            sku = Sku(
                merchant=store.merchant,
                code=f"SK{index:02d}{serial:04d}",
                name=f"{name} {label}".strip(),
                category=categories[code],
            )
            store.items.append(Item(sku, _price(base, multiplier, low == high), categories[code]))
            if len(store.items) == wanted:
                break
    if store.root in vocab.GIFTS:
        name, value = vocab.GIFTS[store.root]
        code = store.shop.categories[0]
        sku = Sku(
            merchant=store.merchant, code=f"SK{index:02d}9999", name=name, category=categories[code]
        )
        store.gift = Item(sku, Decimal(value).quantize(Decimal("0.01")), categories[code])


def _history(rng: random.Random, store: Store, now: datetime) -> list[MerchantEvent]:
    """Admission (and a warning for warned shops) as the merchant workflow would have recorded."""
    merchant = store.merchant
    if merchant.status == MerchantStatus.APPLYING:
        return []
    approved_at = now - timedelta(days=rng.randint(120, 900), hours=rng.randint(0, 23))
    events = [
        MerchantEvent(
            merchant=merchant,
            action="approve",
            from_status=MerchantStatus.APPLYING,
            to_status=MerchantStatus.ACTIVE,
            actor=SEEDED_BY,
            reason="入驻资质审核通过",
            created_at=approved_at,
        )
    ]
    if merchant.status == MerchantStatus.WARNED:
        warned_at = now - timedelta(days=rng.randint(3, 20), hours=rng.randint(0, 23))
        reason = rng.choice(vocab.WARNING_REASONS)
        events.append(
            MerchantEvent(
                merchant=merchant,
                action="warn",
                from_status=MerchantStatus.ACTIVE,
                to_status=MerchantStatus.WARNED,
                actor=SEEDED_BY,
                reason=reason,
                created_at=warned_at,
            )
        )
        # The rectification deadline the "warn" row of the workflow arms (policy M-1).
        deadline_start(
            subject_type=MERCHANT_WORKFLOW.model_label,
            subject_id=merchant.pk,
            kind=RECTIFY.kind,
            action=RECTIFY.action,
            due_at=warned_at + (RECTIFY.delay(merchant) or timedelta(0)),
            at=warned_at,
            rule=RECTIFY.rule_for(merchant),
            calendar=RECTIFY.calendar,
            cancel_on_transition=RECTIFY.cancel_on_transition,
            armed_version=VERSIONS[MerchantStatus.WARNED],
        )
    return events


def stores_create(*, rng: random.Random, now: datetime) -> list[Store]:
    """The ~30 demo merchants and their SKUs; rows that exist already (same code) are reused."""
    categories = {c.code: c for c in Category.objects.all()}
    existing = {m.code: m for m in Merchant.objects.filter(code__in=[s.code for s in vocab.SHOPS])}
    stores, new = [], []
    for shop in vocab.SHOPS:
        root = root_of(shop.categories[0])
        merchant = existing.get(shop.code)
        if merchant is None:
            deposit = 0 if shop.status == "applying" else DEPOSITS.get(root, DEFAULT_DEPOSIT)
            merchant = Merchant(
                code=shop.code,
                name=shop.name,
                status=shop.status,
                state_version=VERSIONS[MerchantStatus(shop.status)],
                deposit_amount=Decimal(deposit).quantize(Decimal("0.01")),
            )
            new.append(merchant)
        free_over, fee, promos = vocab.SHOP_RULES[root]
        store = Store(
            merchant=merchant,
            shop=shop,
            root=root,
            fee=Decimal(fee).quantize(Decimal("0.01")),
            free_over=Decimal(free_over) if free_over is not None else None,
            carrier=vocab.CARRIER_BY_ROOT.get(root) or rng.choice(vocab.COMMON_CARRIERS),
        )
        # Seven shops in ten run a 满减 at any time.
        if promos and rng.random() < 0.7:
            store.promos = [(Decimal(t), Decimal(r)) for t, r in promos]
        stores.append(store)
    for index, store in enumerate(stores, 1):
        _catalogue(rng, store, index, categories)
    Merchant.objects.bulk_create(new)
    # History only for shops created now, from its own stream, so that a second run draws the
    # same customers and orders from ``rng`` as the first did.
    history_rng = random.Random(rng.random())
    created = {m.code for m in new}
    events = [e for s in stores if s.shop.code in created for e in _history(history_rng, s, now)]
    MerchantEvent.objects.bulk_create(events)
    _skus_save(stores)
    return stores


def _skus_save(stores: list[Store]) -> None:
    merchant_ids = [s.merchant.pk for s in stores]
    query = Sku.objects.filter(merchant_id__in=merchant_ids).select_related("category")
    saved = {(s.merchant_id, s.code): s for s in query}
    missing = []
    for store in stores:
        for item in [*store.items, *([store.gift] if store.gift else [])]:
            found = saved.get((store.merchant.pk, item.sku.code))
            if found is None:
                missing.append(item.sku)
            else:  # an earlier run's SKU wins (its name and category are on its order lines)
                item.sku, item.category = found, found.category
    Sku.objects.bulk_create(missing)


def _address(rng: random.Random) -> str:
    province, city, districts = rng.choice(vocab.PLACES)
    head = city if province == city else province + city
    return (
        f"{head}{rng.choice(districts)}{rng.choice(vocab.ROADS)}{rng.randint(1, 999)}号"
        f"{rng.choice(vocab.ESTATES)}{rng.randint(1, 30)}栋{rng.randint(1, 4)}单元"
        f"{rng.randint(1, 33)}{rng.randint(1, 4):02d}室"
    )


@dataclass(frozen=True)
class Person:
    """A shopper of the demo world. Every shop they buy from keeps its own ``Customer`` record of
    them (external id = the person id), all with the same name, phone and address."""

    id: str
    name: str
    phone: str
    phone_hash: str
    address: str


def people_create(*, rng: random.Random, count: int, seed: int) -> tuple[list[Person], list[float]]:
    """``count`` consumers with Chinese names, mobile numbers and addresses, and how often each
    one shops (a few regulars, many occasional buyers)."""
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    ids: dict[str, None] = {}
    while len(ids) < count:
        ids[f"C{rng.randrange(10**9, 10**10)}"] = None
    phones: set[str] = set()
    people = []
    for person_id in ids:
        phone = ""
        while not phone or phone in phones:
            phone = rng.choice(vocab.MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
        phones.add(phone)
        name, address = fake.name(), _address(rng)
        people.append(Person(person_id, name, phone, phone_lookup_hash(phone), address))
    weights = [min(rng.paretovariate(1.6), 12.0) for _ in people]
    return people, weights


def customers_create(
    pairs: Iterable[tuple[Merchant, Person]],
) -> dict[tuple[int, str], Customer]:
    """The ``Customer`` record each shop keeps of each person who bought there, by (merchant id,
    person id): records of an earlier run (same merchant and external id) are reused, the rest
    are bulk-inserted in batches."""
    wanted: dict[tuple[int, str], tuple[Merchant, Person]] = {}
    for merchant, person in pairs:
        wanted.setdefault((merchant.pk, person.id), (merchant, person))
    found: dict[tuple[int, str], Customer] = {}
    if wanted and Customer.objects.exists():
        merchant_ids = sorted({merchant_id for merchant_id, _ in wanted})
        person_ids = sorted({person_id for _, person_id in wanted})
        for start in range(0, len(person_ids), LOOKUP_CHUNK):
            rows = Customer.objects.filter(
                merchant_id__in=merchant_ids,
                external_id__in=person_ids[start : start + LOOKUP_CHUNK],
            ).only("pk", "merchant_id", "external_id", "user_id")
            found.update(
                {
                    (c.merchant_id, c.external_id): c
                    for c in rows
                    if (c.merchant_id, c.external_id) in wanted
                }
            )
    new = [
        Customer(
            merchant=merchant,
            external_id=person.id,
            name=person.name,
            phone=person.phone,
            phone_hash=person.phone_hash,
            address=person.address,
        )
        for key, (merchant, person) in wanted.items()
        if key not in found
    ]
    Customer.objects.bulk_create(new, batch_size=INSERT_BATCH)
    found.update({(c.merchant_id, c.external_id): c for c in new})
    return found
