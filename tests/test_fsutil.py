"""Atomic writes and the binder lock."""

from __future__ import annotations

import multiprocessing
import os
import time
from pathlib import Path

import pytest
from conftest import Run, card_files, card_text, write_card

from tickler import fsutil
from tickler.errors import LockBusy, TicklerError


def test_atomic_write_replaces_the_content(tmp_path: Path) -> None:
    path = tmp_path / "card.md"
    path.write_text("old")
    fsutil.atomic_write(path, b"new")
    assert path.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["card.md"]


def test_a_failed_replace_leaves_the_original_intact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "card.md"
    path.write_text("the original notes")

    def boom(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(fsutil.os, "replace", boom)
    with pytest.raises(TicklerError, match="no space left"):
        fsutil.atomic_write(path, b"half-written new notes")
    assert path.read_text() == "the original notes"
    assert [p.name for p in tmp_path.iterdir()] == ["card.md"]  # no temp file left behind


def test_a_failed_write_leaves_the_original_intact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "card.md"
    path.write_text("the original notes")
    real_fsync = os.fsync

    def failing_fsync(fd: int) -> None:
        real_fsync(fd)
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(fsutil.os, "fsync", failing_fsync)
    with pytest.raises(TicklerError):
        fsutil.atomic_write(path, b"new")
    assert path.read_text() == "the original notes"
    assert [p.name for p in tmp_path.iterdir()] == ["card.md"]


def test_a_failed_move_through_the_cli_changes_nothing(
    binder: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_card(binder, "days/25", "ivan", card_text("Ivan", "2026-11-25"))
    before = (binder / "days/25/ivan.md").read_bytes()

    def full_disk(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(fsutil.os, "replace", full_disk)
    result = run("move", "ivan", "2026-12-05")
    assert result.exit_code == 1
    assert "no space left on the disk; nothing was changed" in result.stderr
    assert card_files(binder) == ["days/25/ivan.md"]
    assert (binder / "days/25/ivan.md").read_bytes() == before


def test_atomic_move_never_overwrites(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("a")
    (tmp_path / "b.md").write_text("b")
    with pytest.raises(TicklerError, match="already exists"):
        fsutil.atomic_move(tmp_path / "a.md", tmp_path / "b.md")
    assert (tmp_path / "a.md").read_text() == "a" and (tmp_path / "b.md").read_text() == "b"


def _hold_lock(state: str, ready: multiprocessing.synchronize.Event, release: float) -> None:
    with fsutil.binder_lock(Path(state)):
        ready.set()
        time.sleep(release)


def test_the_lock_is_exclusive_and_dies_with_its_holder(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("spawn")
    ready = ctx.Event()
    holder = ctx.Process(target=_hold_lock, args=(str(tmp_path), ready, 60))
    holder.start()
    try:
        assert ready.wait(30)
        with (
            pytest.raises(LockBusy, match="another tickler command"),
            fsutil.binder_lock(tmp_path, timeout=0.2),
        ):
            pass
    finally:
        holder.kill()
        holder.join()
    with fsutil.binder_lock(tmp_path, timeout=5):  # a killed holder leaves no stale lock
        pass
