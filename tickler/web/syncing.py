"""``serve --sync EVERY``: the team's remote on a timer, so what is logged on the phone reaches
the team (and theirs reaches the phone).

Each run is ``tickler sync``, under the binder lock like every change; it runs on a binder of
its own, so the pages stay quick while it waits on the network (a phone's change meanwhile waits
for the lock, and is refused with its form kept if the lock stays busy). A run that fails (the
remote unreachable, a merge git cannot finish) changes nothing the phone wrote: every action was
committed here first, and the next run sends it. Until a run goes through, every page says why.
"""

from __future__ import annotations

import datetime as dt
import threading

from ..binder import Binder
from ..dates import Clock
from ..errors import TicklerError
from .served import Served


def run_once(served: Served) -> None:
    """One sync, its outcome kept for the pages."""
    from ..sync import has_remote, sync

    status = served.sync
    try:
        binder = Binder(served.root)
        if not has_remote(binder):
            status.trouble, status.trouble_at = None, None
            return
        sync(binder, Clock.from_env())
    except (TicklerError, OSError) as exc:
        status.trouble, status.trouble_at = str(exc), dt.datetime.now().replace(microsecond=0)
        return
    status.last_ok = dt.datetime.now().replace(microsecond=0)
    status.trouble, status.trouble_at = None, None


def start(served: Served, every: dt.timedelta, stop: threading.Event) -> threading.Thread:
    """Sync now and then every ``every`` until ``stop`` is set."""

    def loop() -> None:
        run_once(served)
        while not stop.wait(every.total_seconds()):
            run_once(served)

    worker = threading.Thread(target=loop, name="tickler-sync", daemon=True)
    worker.start()
    return worker
