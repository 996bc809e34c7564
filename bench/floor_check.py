"""The floor for `tickler check`: walk the binder, read every card, parse its front matter with the
C YAML loader. Nothing else; tickler's check does all this and checks the invariants."""

from __future__ import annotations

import os
import sys

import yaml

loader = yaml.CSafeLoader
count = 0
for folder, _, files in os.walk(sys.argv[1]):
    if "/.git" in folder or "/.tickler" in folder:
        continue
    for name in files:
        if not name.endswith(".md"):
            continue
        with open(os.path.join(folder, name), encoding="utf-8") as handle:
            text = handle.read()
        if text.startswith("---\n"):
            end = text.find("\n---", 4)
            yaml.load(text[4:end], Loader=loader)
            count += 1
print(count)
