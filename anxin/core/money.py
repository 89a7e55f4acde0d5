"""Money helpers: Decimal only, rounding half-up to the currency's minor unit, exact allocation."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation

# ISO 4217 currencies an order may be in, with their minor units. Kept short on purpose: a
# currency is added when a deployment needs it, not guessed.
CURRENCY_MINOR_UNITS: dict[str, int] = {
    "CNY": 2,
    "HKD": 2,
    "MOP": 2,
    "TWD": 2,
    "USD": 2,
    "EUR": 2,
    "GBP": 2,
    "SGD": 2,
    "JPY": 0,
    "KRW": 0,
}
DEFAULT_CURRENCY = "CNY"


def is_supported_currency(code: str) -> bool:
    return code in CURRENCY_MINOR_UNITS


def quantum(currency: str = DEFAULT_CURRENCY) -> Decimal:
    return Decimal(1).scaleb(-CURRENCY_MINOR_UNITS[currency])


def to_decimal(value: object) -> Decimal:
    """Convert str/int/Decimal to Decimal; floats are refused because they are not exact."""
    if isinstance(value, (bool, float)):
        raise TypeError("money must not be a float or bool")
    try:
        result = value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation as exc:
        raise ValueError(f"not a decimal amount: {value!r}") from exc
    if not result.is_finite():
        raise ValueError("money must be finite")
    return result


def round_money(amount: Decimal | int | str, currency: str = DEFAULT_CURRENCY) -> Decimal:
    """Round half-up to the currency's minor unit (0.01 for CNY)."""
    return to_decimal(amount).quantize(quantum(currency), rounding=ROUND_HALF_UP)


def allocate(
    total: Decimal, weights: Sequence[Decimal | int], currency: str = DEFAULT_CURRENCY
) -> list[Decimal]:
    """Split ``total`` in proportion to ``weights`` so that the parts sum to ``total`` exactly.

    Largest-remainder method: every part is first rounded down to the minor unit, then the
    remaining minor units go one each to the parts with the largest remainders (ties to the
    earliest), so no cent is created or lost.
    """
    total = to_decimal(total)
    q = quantum(currency)
    if total != total.quantize(q):
        raise ValueError("total has more precision than the currency allows")
    dec_weights = [to_decimal(w) for w in weights]
    if not dec_weights:
        raise ValueError("allocate() needs at least one weight")
    if any(w < 0 for w in dec_weights):
        raise ValueError("weights must not be negative")
    weight_sum = sum(dec_weights, Decimal(0))
    if weight_sum == 0:
        dec_weights = [Decimal(1)] * len(dec_weights)
        weight_sum = Decimal(len(dec_weights))
    sign = -1 if total < 0 else 1
    magnitude = abs(total)
    raw = [magnitude * w / weight_sum for w in dec_weights]
    parts = [r.quantize(q, rounding=ROUND_DOWN) for r in raw]
    leftover_units = int((magnitude - sum(parts, Decimal(0))) / q)
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - parts[i]), i))
    for i in order[:leftover_units]:
        parts[i] += q
    return [p * sign for p in parts]
