"""Time tickler against the tools a rep would use instead, on the same data, in one run.

    python bench/run.py [--sizes 1k,100k] [--runs 5]

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


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1k,100k")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    runs = args.runs
    sizes = args.sizes.split(",")
    small, big = sizes[0], sizes[-1]
    rows: list[tuple[str, str, str, str]] = []

    def row(what: str, ours: float, theirs: float, target: str) -> None:
        rows.append(
            (
                what,
                f"{ours * 1000:.0f} ms",
                f"{theirs * 1000:.0f} ms",
                f"{ours / theirs:.2f}x (target {target})",
            )
        )
        print(f"{what}: {rows[-1][1]} vs {rows[-1][2]} = {rows[-1][3]}", file=sys.stderr)

    small_out, big_out = ensure(small), ensure(big)
    today = {"command": [*TICKLER, "today", "--all"], "cwd": big_out / "binder"}
    today_small = {"command": [*TICKLER, "today", "--all"], "cwd": small_out / "binder"}
    ours, theirs = race(today, today_small, runs)
    row(f"today --all, {big} vs {small}", ours, theirs, "<= 1.25x")
    peer = taskwarrior(big_out)
    if peer:
        ours, theirs = race(today, peer, runs)
        row(f"today --all vs task due:today list, {big}", ours, theirs, "<= 0.10x")
    peer = todotxt(big_out)
    if peer:
        ours, theirs = race(today, peer, runs)
        row(f"today --all vs todo.txt ls due:, {big}", ours, theirs, "<= 0.25x")

    ours, theirs = race(
        {"command": [*TICKLER, "--version"]}, {"command": [sys.executable, "-c", "import typer"]}, runs
    )
    row("--version vs python -c 'import typer'", ours, theirs, "<= 1.3x")

    binder = big_out / "binder"
    needle = "000777"  # the card number in one customer's name
    if shutil.which("rg"):
        find = {"command": [*TICKLER, "find", needle], "cwd": binder}
        rg = {"command": ["rg", "-l", needle, str(binder)], "cwd": binder}
        ours, theirs = race(find, rg, runs)
        row(f"find, cache built, vs rg -l, {big}", ours, theirs, "<= 2x")
        cold = {**find, "before": ["rm", "-rf", str(binder / ".tickler" / "cache")]}
        ours, theirs = race(cold, rg, max(1, runs // 2))
        row(f"find, cold, vs rg -l, {big}", ours, theirs, "(reported)")
    else:
        print("ripgrep is missing (apt-get install ripgrep): find skipped", file=sys.stderr)

    floor = {"command": [sys.executable, str(HERE / "floor_check.py"), str(binder)]}
    check_cold = {
        "command": [*TICKLER, "check"],
        "cwd": binder,
        "before": ["rm", "-rf", str(binder / ".tickler" / "cache")],
    }
    ours, theirs = race(check_cold, floor, max(1, runs // 2))
    row(f"check, cold, vs floor, {big}", ours, theirs, "<= 1.3x")
    check_warm = {"command": [*TICKLER, "check"], "cwd": binder}
    ours, theirs = race(check_warm, floor, max(1, runs // 2))
    row(f"check, cache warm, vs floor, {big}", ours, theirs, "<= 0.25x")
    memory = peak_kb([*TICKLER, "check"], cwd=binder)
    rows.append((f"check peak memory, {big}", f"{memory / 1024:.0f} MB", "", "target <= 150 MB"))

    spread = ensure(big, "--from-days", "31") / "binder"
    base = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=spread, capture_output=True, text=True
    ).stdout.strip()
    # Back to the generated state: undo the commit and remove what the run moved in. The reset
    # rewrites the moved cards, so tickler's cache no longer vouches for them; a binder in daily
    # use has it built (every `today` looks at each card), so `check` rebuilds it, untimed.
    undo = f"git reset -q --hard {base} && git clean -qfd -- days months cards"
    reset = ["sh", "-c", undo]
    reset_and_index = ["sh", "-c", f"{undo} && {shlex.join(TICKLER)} check >/dev/null 2>&1 || true"]
    env = {
        **ENV,
        "TICKLER_TODAY": MONTH_LATER,
        "GIT_AUTHOR_NAME": "bench",
        "GIT_AUTHOR_EMAIL": "b@example.com",
        "GIT_COMMITTER_NAME": "bench",
        "GIT_COMMITTER_EMAIL": "b@example.com",
    }
    roll = {"command": [*TICKLER, "roll"], "cwd": spread, "env": env, "before": reset_and_index}
    roll_stale = {**roll, "before": reset}
    floor_roll = {
        "command": [sys.executable, str(HERE / "floor_roll.py"), str(spread), MONTH_LATER],
        "cwd": spread,
        "env": env,
        "before": reset,
    }
    subprocess.run([*TICKLER, "check"], cwd=spread, env=env, capture_output=True)  # builds the cache
    ours, theirs = race(roll, floor_roll, max(1, runs // 2))
    # The last run's commit (made by the floor, which ran last, or by tickler: the same files).
    stat = subprocess.run(
        ["git", "show", "--shortstat", "--format=", "HEAD"], cwd=spread, capture_output=True, text=True
    ).stdout.split()
    moved = stat[0] if stat else "?"
    row(f"roll spreading a month ({moved} cards moved), vs git mv + commit", ours, theirs, "<= 1.5x")
    ours, theirs = race(roll_stale, floor_roll, max(1, runs // 2))
    row("roll, the same, right after a git reset (cache stale for those cards)", ours, theirs, "(reported)")
    subprocess.run(reset, cwd=spread, check=True)

    print("\n| measurement | tickler | peer | ratio |\n| --- | --- | --- | --- |")
    for what, a, b, ratio in rows:
        print(f"| {what} | {a} | {b} | {ratio} |")


if __name__ == "__main__":
    main()
