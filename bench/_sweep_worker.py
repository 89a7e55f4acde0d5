"""One sweeper process for bench/sweeper.py (not a benchmark itself: run_all skips ``_`` files).

Sets Django up on the caller's DATABASE_URL (no flush), says "ready", waits for a line on stdin,
then runs ``deadline_sweep(batch_size)`` batch after batch until a batch claims nothing it could
apply or ``max_seconds`` pass, and prints its totals as one JSON line.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    batch_size, max_seconds = int(sys.argv[1]), float(sys.argv[2])
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()
    from django.db import connection

    from anxin.core.sweeper import deadline_sweep

    connection.ensure_connection()
    print("ready", flush=True)
    sys.stdin.readline()
    totals = {"fired": 0, "noop": 0, "busy": 0, "failed": 0, "retried": 0}
    batches: list[float] = []
    began = time.perf_counter()
    while True:
        start = time.perf_counter()
        result = deadline_sweep(batch_size=batch_size)
        batches.append(time.perf_counter() - start)
        for name in totals:
            totals[name] += getattr(result, name)
        if result.claimed - result.busy == 0 or time.perf_counter() - began > max_seconds:
            break
    elapsed = time.perf_counter() - began
    print(json.dumps({**totals, "batches": batches, "elapsed": elapsed}), flush=True)


if __name__ == "__main__":
    main()
