"""Time tickler against the tools a rep would use instead, on the same data, in one run.

    python bench/run.py [--sizes 1k,10k,100k] [--runs 5] [--only day,cold,reports,import,check,undo]

Each command runs as a whole process: one warm-up, then several runs interleaved with its peer's;
the table shows medians and the ratios measured in this run. Binders come from bench/generate.py
(made here when missing, under bench/data/). The peers come from Debian's packages:

    apt-get install taskwarrior todotxt-cli ripgrep

A missing peer is skipped with a message.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
TODAY = "2026-11-23"
MONTH_LATER = "2026-12-24"  # one month on: the next month's cards are spread over the days
SIZES = {"1k": 1_000, "10k": 10_000, "100k": 100_000}
TICKLER = [str(Path(sys.executable).parent / "tickler")]
# As on a user's machine: Python keeps its compiled bytecode (an environment that turns that off would
# make every run compile tickler from source).
ENV = {
    **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
    "TICKLER_TODAY": TODAY,
    "TICKLER_OWNER": "anna",
    "NO_COLOR": "1",
}


def ensure(size: str, *extra: str) -> Path:
    out = DATA / (size + ("-spread" if extra else ""))
    if not (out / "binder" / ".git").exists():
        print(f"generating {out.name} ...", file=sys.stderr)
        shutil.rmtree(out, ignore_errors=True)
        subprocess.run(
            [
                sys.executable,
                str(HERE / "generate.py"),
                "--cards",
                str(SIZES[size]),
                "--out",
                str(out),
                *extra,
            ],
            check=True,
        )
    return out


def timed(
    command: list[str],
    *,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    before: list[str] | None = None,
    ok: tuple[int, ...] = (0,),
) -> float:
    if before:
        subprocess.run(before, cwd=cwd, env=env or ENV, check=True, capture_output=True)
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env or ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if done.returncode not in ok:
        raise RuntimeError(f"{' '.join(command)} failed: {done.stderr.decode()[-400:]}")
    return elapsed


def race(a: dict, b: dict, runs: int) -> tuple[float, float]:  # type: ignore[type-arg]
    """Warm-up, then ``runs`` interleaved runs of a and b; the medians."""
    timed(**a)
    timed(**b)
    ta, tb = [], []
    for _ in range(runs):
        ta.append(timed(**a))
        tb.append(timed(**b))
    return statistics.median(ta), statistics.median(tb)


def peak_kb(command: list[str], cwd: Path | None = None) -> int:
    done = subprocess.run(
        ["/usr/bin/time", "-f", "%M", *command], cwd=cwd, env=ENV, capture_output=True, text=True
    )
    return int(done.stderr.strip().splitlines()[-1])


def taskwarrior(out: Path) -> dict | None:  # type: ignore[type-arg]
    if shutil.which("task") is None:
        print("taskwarrior is missing (apt-get install taskwarrior): skipped", file=sys.stderr)
        return None
    data = out / "task"
    rc = out / "taskrc"
    env = {**ENV, "TASKRC": str(rc), "TASKDATA": str(data)}
    if not data.exists():
        data.mkdir()
        rc.write_text(f"data.location={data}\nconfirmation=off\nverbose=nothing\nnews.version=99\n")
        subprocess.run(["task", "import", str(out / "task.json")], env=env, check=True, capture_output=True)
    return {"command": ["task", "due:today", "list"], "env": env}


def todotxt(out: Path) -> dict | None:  # type: ignore[type-arg]
    if shutil.which("todo-txt") is None and shutil.which("todo.sh") is None:
        print("todo.txt is missing (apt-get install todotxt-cli): skipped", file=sys.stderr)
        return None
    config = out / "todo" / "config"
    config.write_text(
        f'export TODO_DIR="{out / "todo"}"\nexport TODO_FILE="$TODO_DIR/todo.txt"\n'
        'export DONE_FILE="$TODO_DIR/done.txt"\nexport REPORT_FILE="$TODO_DIR/report.txt"\n'
    )
    binary = shutil.which("todo-txt") or shutil.which("todo.sh")
    assert binary is not None
    return {"command": [binary, "-d", str(config), "-p", "ls", f"due:{TODAY}"]}


Row = tuple[str, str, str, str, str, str]


class Table:
    """The rows of the results: each with its target and whether this run met it."""

    def __init__(self) -> None:
        self.rows: list[Row] = []

    def add(self, what: str, ours: str, theirs: str, ratio: str, target: str, met: bool | None) -> None:
        verdict = "" if met is None else "**yes**" if met else "no"
        self.rows.append((what, ours, theirs, ratio, target, verdict))
        line = f"{what}: {ours} vs {theirs or '-'} = {ratio or '-'} (target {target}) {verdict}"
        print(line, file=sys.stderr)

    def ratio(self, what: str, ours: float, theirs: float, limit: float | None) -> None:
        target = f"<= {limit:g}x" if limit is not None else "(reported)"
        met = None if limit is None else ours / theirs <= limit
        self.add(what, ms(ours), ms(theirs), f"{ours / theirs:.2f}x", target, met)

    def seconds(self, what: str, ours: float, limit: float) -> None:
        self.add(what, ms(ours), "", "", f"<= {limit:g} s", ours <= limit)

    def print(self) -> None:
        print("\n| measurement | tickler | peer | ratio | target | met |")
        print("| --- | --- | --- | --- | --- | --- |")
        for row in self.rows:
            print("| " + " | ".join(row) + " |")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def median_of(command: dict, runs: int) -> float:  # type: ignore[type-arg]
    """Warm-up, then the median of ``runs`` runs."""
    timed(**command)
    return statistics.median(timed(**command) for _ in range(runs))


def day_and_find(table: Table, size: str, out: Path, runs: int) -> None:
    binder = out / "binder"
    today = {"command": [*TICKLER, "today", "--all"], "cwd": binder}
    if size == "1k":
        typer = {"command": [sys.executable, "-c", "import typer"]}
        table.ratio('`today --all` vs `python -c "import typer"`, 1k', *race(today, typer, runs), 1.3)
    limits = {"10k": (0.6, None), "100k": (0.25, 1.0)}.get(size, (None, None))
    peer = taskwarrior(out)
    if peer:
        table.ratio(f"`today --all` vs `task due:today list`, {size}", *race(today, peer, runs), limits[0])
    peer = todotxt(out)
    if peer:
        table.ratio(f"`today --all` vs todo.txt `ls due:`, {size}", *race(today, peer, runs), limits[1])
    if shutil.which("rg") is None:
        print("ripgrep is missing (apt-get install ripgrep): find skipped", file=sys.stderr)
        return
    needle = "000777"  # the card number in one customer's name
    find = {"command": [*TICKLER, "find", needle], "cwd": binder}
    rg = {"command": ["rg", "-l", needle, str(binder)], "cwd": binder, "ok": (0, 1)}
    limit = {"10k": 3.0, "100k": 2.0}.get(size)
    table.ratio(f"`find` a name, cache built, vs `rg -l`, {size}", *race(find, rg, runs), limit)
    words = "offer 777"  # two words of the Log, as a rep remembers them
    text = {"command": [*TICKLER, "find", "--text", words], "cwd": binder}
    rg_text = {"command": ["rg", "-l", "-i", words, str(binder)], "cwd": binder, "ok": (0, 1)}
    limit = {"100k": 2.0}.get(size)
    what = f"`find --text` two words, cache built, vs `rg -l -i`, {size}"
    table.ratio(what, *race(text, rg_text, runs), limit)


def reports(table: Table, size: str, out: Path, runs: int) -> None:
    limit = {"10k": 0.5, "100k": 3.0}.get(size)
    binder = out / "binder"
    for args in (["pareto"], ["lapsed"], ["segments"], ["segments", "--matrix"], ["activity"]):
        command = {"command": [*TICKLER, "report", *args], "cwd": binder}
        seconds = median_of(command, runs)  # the warm-up builds the ledger
        what = f"`report {' '.join(args)}`, ledger built, {size}"
        if limit is None:
            table.add(what, ms(seconds), "", "", "(reported)", None)
        else:
            table.seconds(what, seconds, limit)


def cold(table: Table, size: str, out: Path, runs: int) -> None:
    """The first command after a clone (no ``.tickler/``: every card read), and the warm reports,
    against ripgrep reading every file of the same binder (the needle is in one card only)."""
    if shutil.which("rg") is None:
        print("ripgrep is missing (apt-get install ripgrep): cold skipped", file=sys.stderr)
        return
    binder = out / "binder"
    rg = {"command": ["rg", "-l", "000777", str(binder)], "cwd": binder, "ok": (0, 1)}
    fresh = ["rm", "-rf", str(binder / ".tickler")]
    limit = 10.0 if size != "1k" else None
    for args in (["today", "--all"], ["report", "pareto"]):
        first = {"command": [*TICKLER, *args], "cwd": binder, "before": fresh}
        what = f"`{' '.join(args)}`, first command after a clone, vs `rg -l`, {size}"
        table.ratio(what, *race(first, rg, runs), limit)
    subprocess.run([*TICKLER, "check"], cwd=binder, env=ENV, capture_output=True)  # every cache built
    for args in (["pareto"], ["lapsed"], ["activity"]):
        warm = {"command": [*TICKLER, "report", *args], "cwd": binder}
        what = f"`report {' '.join(args)}`, warm, vs `rg -l`, {size}"
        table.ratio(what, *race(warm, rg, runs), 4.0 if size == "100k" else None)


def undoing(table: Table, size: str, runs: int) -> None:
    """`undo` of a `roll` that moved thousands of cards, against `git revert` of the same commit."""
    spread = ensure(size, "--from-days", "31") / "binder"
    base = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=spread, capture_output=True, text=True
    ).stdout.strip()
    env = {**ENV, **GIT_IDENTITY, "TICKLER_TODAY": MONTH_LATER}
    back = f"git reset -q --hard {base} && git clean -qfd -- days months cards"
    rolled = [
        "sh",
        "-c",
        f"{back} && {shlex.join(TICKLER)} check >/dev/null 2>&1; {shlex.join(TICKLER)} roll >/dev/null",
    ]
    undo = {"command": [*TICKLER, "undo"], "cwd": spread, "env": env, "before": rolled}
    dry = {"command": [*TICKLER, "undo", "--dry-run"], "cwd": spread, "env": env, "before": rolled}
    revert = {"command": ["git", "revert", "--no-edit", "HEAD"], "cwd": spread, "env": env, "before": rolled}
    subprocess.run(rolled, cwd=spread, env=env, check=True)
    stat = subprocess.run(
        ["git", "show", "--shortstat", "--format=", "HEAD"], cwd=spread, capture_output=True, text=True
    ).stdout.split()
    moved = stat[0] if stat else "?"
    ours, theirs = race(undo, revert, runs)
    table.ratio(f"`undo` of a `roll` ({moved} cards), vs `git revert` of it, {size}", ours, theirs, 2.0)
    ours_dry, _ = race(dry, revert, runs)
    table.ratio(f"`undo --dry-run` of the same, vs `undo`, {size}", ours_dry, ours, 1.0)
    subprocess.run(["sh", "-c", back], cwd=spread, check=True)


def importing(table: Table, runs: int) -> None:
    rows = 10_000
    source = DATA / "contacts-10k.csv"
    if not source.exists():
        subprocess.run(
            [sys.executable, str(HERE / "contacts.py"), "--rows", str(rows), "--out", str(source)], check=True
        )
    # Outside any repository: a binder made inside one would commit into it.
    scratch = Path(tempfile.mkdtemp(prefix="tickler-bench-import-"))
    target, floor_repo = scratch / "binder", scratch / "floor"
    env = {**ENV, **GIT_IDENTITY}
    fresh = ["sh", "-c", f"rm -rf {target} && {shlex.join(TICKLER)} init {target} >/dev/null 2>&1"]
    ours = {
        "command": [*TICKLER, "--binder", str(target), "import", "csv", str(source)],
        "env": env,
        "before": fresh,
    }
    floor = {
        "command": [sys.executable, str(HERE / "floor_import.py"), str(target / "cards"), str(floor_repo)],
        "env": env,
        "before": ["sh", "-c", f"rm -rf {floor_repo} && git init -q {floor_repo}"],
    }
    ours_s, floor_s = race(ours, floor, runs)
    commits = subprocess.run(
        ["git", "rev-list", "--count", "HEAD"], cwd=target, capture_output=True, text=True
    ).stdout.strip()
    what = f"`import csv` of {rows:,} Google rows, one commit ({commits} with init's)"
    table.seconds(what, ours_s, 10.0)
    table.ratio("`import csv`, the same, vs `bench/floor_import.py`", ours_s, floor_s, None)
    shutil.rmtree(scratch, ignore_errors=True)


def check_and_roll(table: Table, size: str, out: Path, runs: int) -> None:
    binder = out / "binder"
    floor = {"command": [sys.executable, str(HERE / "floor_check.py"), str(binder)]}
    check_cold = {
        "command": [*TICKLER, "check"],
        "cwd": binder,
        "before": ["rm", "-rf", str(binder / ".tickler" / "cache")],
    }
    table.ratio(f"`check`, cold, vs `bench/floor_check.py`, {size}", *race(check_cold, floor, runs), 1.3)
    check_warm = {"command": [*TICKLER, "check"], "cwd": binder}
    table.ratio(f"`check`, cache warm, vs floor, {size}", *race(check_warm, floor, runs), 0.25)
    memory = peak_kb([*TICKLER, "check"], cwd=binder) / 1024
    table.add(f"`check` peak memory, {size}", f"{memory:.0f} MB", "", "", "<= 150 MB", memory <= 150)

    spread = ensure(size, "--from-days", "31") / "binder"
    base = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=spread, capture_output=True, text=True
    ).stdout.strip()
    # Back to the generated state: undo the commit and remove what the run moved in. The reset
    # rewrites the moved cards, so tickler's cache no longer vouches for them; a binder in daily
    # use has it built (every `check` and `roll` looks at each card), so `check` rebuilds it, untimed.
    undo = f"git reset -q --hard {base} && git clean -qfd -- days months cards"
    reset = ["sh", "-c", undo]
    reset_and_index = ["sh", "-c", f"{undo} && {shlex.join(TICKLER)} check >/dev/null 2>&1 || true"]
    env = {**ENV, **GIT_IDENTITY, "TICKLER_TODAY": MONTH_LATER}
    roll = {"command": [*TICKLER, "roll"], "cwd": spread, "env": env, "before": reset_and_index}
    roll_stale = {**roll, "before": reset}
    floor_roll = {
        "command": [sys.executable, str(HERE / "floor_roll.py"), str(spread), MONTH_LATER],
        "cwd": spread,
        "env": env,
        "before": reset,
    }
    subprocess.run([*TICKLER, "check"], cwd=spread, env=env, capture_output=True)  # builds the cache
    ours, theirs = race(roll, floor_roll, runs)
    # The last run's commit (made by the floor, which ran last, or by tickler: the same files).
    stat = subprocess.run(
        ["git", "show", "--shortstat", "--format=", "HEAD"], cwd=spread, capture_output=True, text=True
    ).stdout.split()
    moved = stat[0] if stat else "?"
    what = f"`roll` spreading a month ({moved} cards moved), vs git mv + commit, {size}"
    table.ratio(what, ours, theirs, 1.5)
    ours, theirs = race(roll_stale, floor_roll, runs)
    what = "`roll`, the same, right after a `git reset` (cache stale for those cards)"
    table.ratio(what, ours, theirs, None)
    subprocess.run(reset, cwd=spread, check=True)


GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "b@example.com",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "b@example.com",
}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1k,10k,100k")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--only",
        default="day,cold,reports,import,check,undo",
        help="which groups: day, cold, reports, import, check, undo",
    )
    args = parser.parse_args()
    runs, sizes, only = args.runs, args.sizes.split(","), set(args.only.split(","))
    table = Table()
    if "day" in only:
        startup = {"command": [*TICKLER, "--version"]}
        typer = {"command": [sys.executable, "-c", "import typer"]}
        table.ratio('`--version` vs `python -c "import typer"`', *race(startup, typer, runs), 1.3)
    for size in sizes:
        out = ensure(size)
        if "day" in only:
            day_and_find(table, size, out, runs)
        if "cold" in only:
            cold(table, size, out, runs)
        if "reports" in only and size != "1k":
            reports(table, size, out, runs)
    if "import" in only:
        importing(table, max(1, runs // 2))
    if "check" in only:
        check_and_roll(table, sizes[-1], ensure(sizes[-1]), max(1, runs // 2))
    if "undo" in only:
        for size in [s for s in sizes if s != "1k"] or sizes:
            undoing(table, size, max(1, runs // 2))
    table.print()


if __name__ == "__main__":
    main()
