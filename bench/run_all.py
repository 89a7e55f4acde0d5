"""Run every benchmark in this folder, one after the other (``make bench``)."""

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
