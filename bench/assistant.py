"""The assistant's cost per message and its model load time (QUALITY.md P6, P7).

Measured side by side in one run, as CPU time (``time.process_time``, which a loaded machine
does not inflate the way it inflates wall time):

* ``normalise`` — language detection, normalisation and slots alone (the floor);
* ``understand`` — the NLU of one message: the above plus the intent model;
* ``turn`` — a whole chat turn through ``services.message_post``: NLU, the dialogue with its
  database reads (orders, cases, policy engine, help centre), and the two messages written —
  on a throw-away SQLite database with two shops, two customers and five cases.

Targets (P6): ``turn`` CPU < 15 ms p50 and < 50 ms p99. Model load (P7) < 2 s: the artifact
read by ``model.load`` in a fresh interpreter (also shown: the interpreter's imports of Django,
scikit-learn and OpenCC, which a server pays once at start).

.venv/bin/python bench/assistant.py [--messages 400]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

from _setup import ROOT, django_ready

LOAD = """
import time, os, sys
t0 = time.perf_counter()
sys.path.insert(0, {root!r})
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
import django; django.setup()
from anxin.assistant.nlu import model
t1 = time.perf_counter()
from pathlib import Path
m = model.load(Path({directory!r}))
t2 = time.perf_counter()
m.predict("where is my parcel")
t3 = time.perf_counter()
print(t1 - t0, t2 - t1, t3 - t2)
"""

SCRIPT = [
    "你好",
    "我的快递到哪了 {order}",
    "订单{order}还能退货吗",
    "退款到账了吗",
    "怎么开发票",
    "hello",
    "where is my parcel {order}",
    "can I still return order {order}?",
    "what's the status of my request?",
    "how do I change my delivery address",
    "asdf qwer zxcv",
    "谢谢",
]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def cpu_ms(fn, items: list[str]) -> list[float]:  # type: ignore[no-untyped-def]
    out = []
    for item in items:
        start = time.process_time()
        fn(item)
        out.append((time.process_time() - start) * 1000)
    return out


def row(name: str, values: list[float], base: float | None = None) -> str:
    p50, p99 = statistics.median(values), percentile(values, 0.99)
    ratio = f"{p50 / base:7.1f}×" if base else "     1.0×"
    return f"{name:<12} p50 {p50:7.2f} ms   p99 {p99:7.2f} ms   max {max(values):7.2f} ms   {ratio}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=400)
    args = parser.parse_args()
    django_ready()
    sys.path.insert(0, str(ROOT))

    from anxin.accounts.services import actor_for_user
    from anxin.assistant.nlu.data import heldout_examples
    from anxin.assistant.nlu.language import detect_language, normalise
    from anxin.assistant.nlu.slots import extract_slots
    from anxin.assistant.nlu.training import train_and_save
    from anxin.assistant.nlu.understand import model_reset, understand
    from anxin.assistant.services import conversation_start, message_post
    from anxin.cases.tests.builders import world
    from anxin.knowledge.text import tokens

    directory = ROOT / "var" / "bench-assistant-model"
    started = time.perf_counter()
    model, report = train_and_save(directory, corrections=False)
    print(f"trained {model.version} in {time.perf_counter() - started:.1f} s", end="")
    if report is not None:
        print(f"; held-out accuracy {report.accuracy:.2%} {report.per_language}")
    model_reset(model)

    # model load in fresh interpreters (median of 3)
    loads = []
    for _ in range(3):
        out = subprocess.run(
            [sys.executable, "-c", LOAD.format(root=str(ROOT), directory=str(directory))],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        ).stdout.split()
        loads.append([float(x) for x in out])
    imports, load, first = (statistics.median(col) for col in zip(*loads, strict=False))
    size = sum(p.stat().st_size for p in directory.glob("intent-*.joblib")) / 1e6
    print(
        f"\nmodel load (P7 < 2 s): artifact {load:.3f} s + first prediction {first:.3f} s (jieba's"
        f" dictionary) = {load + first:.3f} s  ({size:.1f} MB on disk; interpreter imports before it"
        f" {imports:.2f} s)  {'PASS' if load + first < 2 else 'FAIL'}"
    )

    texts = [e.text for e in heldout_examples()]
    texts = (texts * (args.messages // max(len(texts), 1) + 1))[: args.messages]
    tokens("预热 warm up")  # jieba's dictionary loads once per process
    floor = cpu_ms(lambda t: extract_slots(n := normalise(t)) and detect_language(n), texts)
    nlu = cpu_ms(understand, texts)

    shop = world()
    user = shop.users["consumer_a"]
    me = actor_for_user(user)
    lines = [s.format(order=shop.order_a.number) for s in SCRIPT]
    turns: list[float] = []
    conversation = None
    for index in range(args.messages):
        if index % len(lines) == 0:
            conversation, _greeting = conversation_start(actor=me, language="zh-hans")
        text = lines[index % len(lines)]
        start = time.process_time()
        message_post(actor=me, conversation=conversation, text=text)
        turns.append((time.process_time() - start) * 1000)
    base = statistics.median(floor)
    print(
        f"\nCPU per message, {args.messages} messages (held-out texts; the turn: a scripted chat):"
    )
    print(row("normalise", floor))
    print(row("understand", nlu, base))
    print(row("turn", turns, base))
    p50, p99 = statistics.median(turns), percentile(turns, 0.99)
    verdict = "PASS" if p50 < 15 and p99 < 50 else "FAIL"
    print(f"\nP6 (turn CPU < 15 ms p50, < 50 ms p99): {verdict}")
    print(
        json.dumps(
            {
                "load_s": round(load, 3),
                "turn_p50_ms": round(p50, 2),
                "turn_p99_ms": round(p99, 2),
                "understand_p50_ms": round(statistics.median(nlu), 2),
            }
        )
    )


if __name__ == "__main__":
    main()
