"""The floor for `tickler roll` spreading a month: find the month divider's cards now inside the
day window, `git mv` them to their day dividers (one git mv per destination) and commit once."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

from tickler.dates import add_months

root, today = Path(sys.argv[1]), dt.date.fromisoformat(sys.argv[2])
end = add_months(today, 1)
NEXT = re.compile(r"^next: (\d{4}-\d{2}-\d{2})", re.MULTILINE)
moves: dict[str, list[str]] = defaultdict(list)
for month in {today.month, end.month}:
    folder = root / "months" / f"{month:02d}"
    for path in folder.glob("*.md"):
        match = NEXT.search(path.read_text(encoding="utf-8"))
        if match:
            day = dt.date.fromisoformat(match[1])
            if day < end:
                moves[f"days/{day.day:02d}"].append(str(path.relative_to(root)))
for dest, files in moves.items():
    subprocess.run(["git", "mv", *files, dest + "/"], cwd=root, check=True)
subprocess.run(["git", "commit", "-q", "-m", "spread the month"], cwd=root, check=True)
print(sum(len(f) for f in moves.values()))
