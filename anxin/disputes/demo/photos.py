"""Stand-in photos for the demo's evidence: small JPEGs (an item on a table, a mark where the damage
is), each a little different so no two files are the same. They go through the same checks as an
upload (type sniffing, re-encoding without metadata)."""

from __future__ import annotations

import random
from io import BytesIO

from PIL import Image, ImageDraw

SIZE = (480, 360)


def _colour(rng: random.Random, low: int, high: int) -> tuple[int, int, int]:
    return (rng.randint(low, high), rng.randint(low, high), rng.randint(low, high))


def demo_photo(rng: random.Random) -> bytes:
    width, height = SIZE
    image = Image.new("RGB", SIZE, _colour(rng, 200, 240))
    draw = ImageDraw.Draw(image)
    left, top = rng.randint(40, 120), rng.randint(40, 100)
    right, bottom = width - rng.randint(40, 120), height - rng.randint(40, 100)
    draw.rounded_rectangle((left, top, right, bottom), radius=18, fill=_colour(rng, 60, 180))
    x, y = rng.randint(left + 20, right - 60), rng.randint(top + 20, bottom - 40)
    draw.line((x, y, x + rng.randint(20, 60), y + rng.randint(10, 40)), fill=(200, 30, 30), width=4)
    draw.ellipse((x - 30, y - 30, x + 70, y + 60), outline=(230, 40, 40), width=3)
    out = BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()
