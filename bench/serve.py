"""Time ``tickler serve`` against the command line, and load it, on the same 10,000-card binder.

    python bench/serve.py [--size 10k] [--requests 200] [--runs 20] [--clients 20] [--seconds 60]

1. Warm: ``GET /api/today`` (``today --json``) against a running server, one request at a time
   after a warm-up, against the whole ``tickler today --json`` process; p95 and median of each.
2. Load: ``--clients`` threads for ``--seconds``, each looping over today's page, a card's brief,
   ``/api/today`` and a ``log`` form posted to a card, all on this machine's loopback. Every
   answer must be what it should (200, or 303 for a form), and every entry logged must be in its
   card afterwards, each in a commit of its own: no error, no lost write.

The binder comes from bench/generate.py (made under bench/data/ when missing, as bench/run.py
does); the load runs on a copy of it in a temporary folder.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import ENV, SIZES, TICKLER, ensure

TOKEN = "bench-token-0123456789abcdef"
SERVE_ENV = {**ENV, "TICKLER_TOKEN": TOKEN}


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


class Serving:
    """``tickler serve`` on a free loopback port, stopped at the end."""

    def __init__(self, root: Path):
        self.process = subprocess.Popen(
            [*TICKLER, "--binder", str(root), "serve", "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
            env=SERVE_ENV,
            text=True,
        )
        assert self.process.stdout is not None
        link = self.process.stdout.readline().strip()  # printed once the socket listens
        if not link.startswith("http"):
            raise RuntimeError("tickler serve did not start")
        self.base = link.split("/?", 1)[0]

    def __enter__(self) -> Serving:
        return self

    def __exit__(self, *_: object) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def client(base: str) -> httpx.Client:
    return httpx.Client(base_url=base, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=60)


def warm(root: Path, requests: int, runs: int) -> tuple[list[float], list[float]]:
    """Seconds per warm ``GET /api/today``, and per ``tickler today --json`` process."""
    command = [*TICKLER, "--binder", str(root), "today", "--json"]
    expected = subprocess.run(command, env=SERVE_ENV, capture_output=True, text=True, check=True).stdout
    with Serving(root) as server, client(server.base) as http:
        for _ in range(10):
            answer = http.get("/api/today")
        if answer.text != expected:
            raise RuntimeError("GET /api/today is not today --json")
        served = []
        for _ in range(requests):
            start = time.perf_counter()
            answer = http.get("/api/today")
            served.append(time.perf_counter() - start)
            answer.raise_for_status()
    processes = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, env=SERVE_ENV, stdout=subprocess.DEVNULL, check=True)
        processes.append(time.perf_counter() - start)
    return served, processes


def load(root: Path, clients: int, seconds: float) -> dict[str, int]:
    """``clients`` threads for ``seconds``; what they did and what went wrong."""
    ids = sorted(p.stem for p in root.glob("days/*/*.md"))[:200]
    before = int(
        subprocess.run(
            ["git", "rev-list", "--count", "HEAD"], cwd=root, capture_output=True, text=True, check=True
        ).stdout
    )
    counts = {"requests": 0, "errors": 0, "posts": 0}
    logged: list[tuple[str, str]] = []
    lock = threading.Lock()
    ready = threading.Barrier(clients + 1)
    ends: list[float] = []

    def work(n: int, base: str) -> None:
        pick = random.Random(n)
        with client(base) as http:
            csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', http.get(f"/cards/{ids[0]}").text)
            assert csrf is not None
            ready.wait()
            while not ends:
                time.sleep(0.001)
            k = 0
            while time.monotonic() < ends[0]:  # bounded by the clock, on this machine's loopback only
                card = pick.choice(ids)
                text = f"load client {n} entry {k}"
                answers = [http.get("/"), http.get(f"/cards/{card}"), http.get("/api/today")]
                posted = http.post(
                    f"/cards/{card}/log", data={"text": text, "csrf": csrf.group(1)}, follow_redirects=False
                )
                bad = sum(1 for a in answers if a.status_code != 200) + (posted.status_code != 303)
                with lock:
                    counts["requests"] += 4
                    counts["errors"] += bad
                    if posted.status_code == 303:
                        counts["posts"] += 1
                        logged.append((card, text))
                k += 1

    with Serving(root) as server:
        threads = [threading.Thread(target=work, args=(n, server.base)) for n in range(clients)]
        for thread in threads:
            thread.start()
        ready.wait()
        ends.append(time.monotonic() + seconds)  # from when every client is ready
        for thread in threads:
            thread.join()
    texts = {p.stem: p.read_text(encoding="utf-8") for p in root.glob("*/*/*.md")}
    texts.update({p.stem: p.read_text(encoding="utf-8") for p in root.glob("cards/*.md")})
    counts["lost"] = sum(1 for card, text in logged if f": {text}\n" not in texts.get(card, ""))
    after = int(
        subprocess.run(
            ["git", "rev-list", "--count", "HEAD"], cwd=root, capture_output=True, text=True, check=True
        ).stdout
    )
    counts["commits"] = after - before
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", default="10k", choices=sorted(SIZES))
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    root = ensure(args.size) / "binder"
    subprocess.run(
        [*TICKLER, "--binder", str(root), "check"], env=SERVE_ENV, capture_output=True
    )  # cache warm
    served, processes = warm(root, args.requests, args.runs)
    ratio = p95(served) / p95(processes)
    print(
        f"GET /api/today, warm, {args.size}: p95 {p95(served) * 1000:.1f} ms, median "
        f"{statistics.median(served) * 1000:.1f} ms ({args.requests} requests)"
    )
    print(
        f"tickler today --json, {args.size}: p95 {p95(processes) * 1000:.1f} ms, median "
        f"{statistics.median(processes) * 1000:.1f} ms ({args.runs} runs)"
    )
    print(f"ratio of the p95s: {ratio:.3f}x (target <= 0.2x: {'met' if ratio <= 0.2 else 'not met'})")
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "binder"
        shutil.copytree(root, copy, symlinks=True)
        counts = load(copy, args.clients, args.seconds)
    print(
        f"{args.clients} clients for {args.seconds:.0f} s: {counts['requests']} requests "
        f"({counts['requests'] / args.seconds:.0f}/s), {counts['posts']} entries logged, "
        f"{counts['commits']} commits, {counts['errors']} errors, {counts['lost']} lost"
    )
    if counts["errors"] or counts["lost"] or counts["commits"] != counts["posts"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
