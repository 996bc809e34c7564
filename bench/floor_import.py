"""The floor for `tickler import` of many new customers: the least work that leaves the same cards
as durably on the disk and in one commit.

    python bench/floor_import.py CARDS_FOLDER EMPTY_REPO

Reads the card texts an import made (CARDS_FOLDER), then writes each into EMPTY_REPO/cards the
way the binder's safety rule asks (a temporary file, fsync, rename), two writer threads at a
time as tickler does, and commits them all with `git add` and `git commit`. No CSV is read, no
card is parsed, nothing is matched.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

source, repo = Path(sys.argv[1]), Path(sys.argv[2])
texts = [(p.name, p.read_bytes()) for p in sorted(source.glob("*.md"))]
target = repo / "cards"
target.mkdir(parents=True, exist_ok=True)


def write(item: tuple[str, bytes]) -> None:
    name, data = item
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=target)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, target / name)


with ThreadPoolExecutor(2) as pool:
    list(pool.map(write, texts))
folder = os.open(target, os.O_RDONLY)
os.fsync(folder)
os.close(folder)
subprocess.run(["git", "add", "cards"], cwd=repo, check=True)
subprocess.run(["git", "commit", "-q", "-m", "import"], cwd=repo, check=True)
print(len(texts))
