"""Run every benchmark in this folder, one after the other (``make bench``): every ``*.py`` here but
the helpers (``_*.py``) and this file — order_intake, case_open (P1), case_transition (P2), sweeper
(P3), pages (page latency with 10,000 demo orders) and assistant (P6, P7)."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

failed = 0
for script in sorted(HERE.glob("*.py")):
    if script.name.startswith("_") or script.name == "run_all.py":
        continue
    print(f"\n### {script.name}", flush=True)
    failed += subprocess.call([sys.executable, str(script)], cwd=HERE) != 0
sys.exit(1 if failed else 0)
