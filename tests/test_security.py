"""Security: no shell, safe YAML only, content treated as data, nothing leaves the binder."""

from __future__ import annotations

import ast
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import REPO, Run, card_files, card_text, snapshot, write_card

from tickler.setup import init_binder

SOURCES = sorted((REPO / "tickler").rglob("*.py"))


def calls(tree: ast.AST) -> list[ast.Call]:
    return [node for node in ast.walk(tree) if isinstance(node, ast.Call)]


def name_of(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        return f"{name_of(func.value)}.{func.attr}"
    if isinstance(func, ast.Name):
        return func.id
    return "?"


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.relative_to(REPO).as_posix())
def test_no_shell_no_unsafe_loading_no_string_commands(source: Path) -> None:
    tree = ast.parse(source.read_text(encoding="utf-8"))
    for call in calls(tree):
        name = name_of(call.func)
        where = f"{source.name}:{call.lineno}"
        assert name not in ("eval", "exec", "os.system", "os.popen", "pickle.loads", "yaml.unsafe_load"), (
            where
        )
        assert name not in ("yaml.full_load", "yaml.load_all"), where
        for keyword in call.keywords:
            if keyword.arg == "shell":
                assert isinstance(keyword.value, ast.Constant) and keyword.value.value is False, where
        if name.startswith("subprocess.") and call.args:
            command = call.args[0]
            assert not isinstance(command, ast.Constant | ast.JoinedStr | ast.BinOp), (
                f"{where}: a string command"
            )
        if name == "yaml.load":
            loader = next((k.value for k in call.keywords if k.arg == "Loader"), None)
            assert isinstance(loader, ast.Name) and loader.id in ("_CardLoader", "_PlainCardLoader"), where


def test_the_card_loaders_are_safe_loaders() -> None:
    import yaml

    from tickler.card.safeyaml import _CardLoader, _PlainCardLoader

    assert issubclass(_PlainCardLoader, yaml.SafeLoader)
    assert _CardLoader.__mro__[1].__name__ in ("CSafeLoader", "SafeLoader")


def test_a_symlinked_divider_is_never_followed_or_written_through(
    binder: Path, run: Run, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "stranger.md").write_text(card_text("Stranger", "2026-11-24"))
    shutil.rmtree(binder / "days" / "24")
    (binder / "days" / "24").symlink_to(outside, target_is_directory=True)
    write_card(binder, "days/23", "ivan", card_text("Ivan", "2026-11-23"))
    before = sorted(p.name for p in outside.iterdir())
    check = run("check")
    assert check.exit_code == 1
    assert "symlink: days/24: is a symbolic link" in check.stdout
    assert "Stranger" not in run("list", "2026-11-24", "--all").stdout
    moved = run("move", "ivan", "2026-11-24")
    assert moved.exit_code == 1
    assert "days/24/ is a symbolic link; tickler never writes through one" in moved.stderr
    assert (binder / "days/23/ivan.md").exists()
    assert sorted(p.name for p in outside.iterdir()) == before
    assert run("show", str(outside / "stranger.md")).exit_code == 1


def test_a_card_symlink_is_never_read(binder: Path, run: Run, tmp_path: Path) -> None:
    secret = tmp_path / "secret.md"
    secret.write_text(card_text("Secret Person", "2026-11-23"))
    (binder / "days/23/secret.md").symlink_to(secret)
    assert "Secret Person" not in run("today", "--all").stdout
    assert "Secret Person" not in run("find", "secret").stdout
    assert run("show", "secret").exit_code == 1


HOSTILE = "$(touch pwned) `touch pwned2` ; touch pwned3 | touch pwned4 && echo \"' {name} %s"


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_merge_driver_treats_names_and_content_as_data(tmp_path: Path) -> None:
    """Both sides edit a card whose file name and text are shell syntax; git runs the driver
    through a shell, with its own quoting of the file names, and the driver only reads them."""
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    anna = tmp_path / "anna"
    init_binder(anna)
    name = "days/23/$(touch pwned-by-name);x.md"
    (anna / name).write_text(
        card_text(HOSTILE, "2026-11-23", body="notes\n\n## Log\n\n- 2026-11-01 call: a\n")
    )
    git(anna, "add", "-A")
    git(anna, "commit", "-q", "-m", "hostile card")
    git(anna, "remote", "add", "origin", str(remote))
    git(anna, "push", "-q", "-u", "origin", "HEAD")
    git(tmp_path, "clone", "-q", str(remote), "boris")
    boris = tmp_path / "boris"
    init_binder(boris)  # registers the merge driver in this clone
    for who, root, line in (
        ("anna", anna, "- 2026-11-20 call: $(touch pwned5)"),
        ("boris", boris, "- 2026-11-21 call: `id`"),
    ):
        path = root / name
        path.write_text(path.read_text() + line + "\n")
        git(root, "commit", "-q", "-am", f"{who} logs")
    git(boris, "push", "-q")
    git(anna, "pull", "-q", "--no-rebase", "--no-edit")
    merged = (anna / name).read_text()
    assert "$(touch pwned5)" in merged and "`id`" in merged
    assert HOSTILE in merged
    for root in (anna, boris, tmp_path):
        assert not [p for p in root.rglob("pwned*")], "nothing in a card or its name ran"


def test_a_hostile_editor_setting_runs_no_shell(binder: Path, run: Run, tmp_path: Path) -> None:
    write_card(binder, "days/23", "ivan", card_text("Ivan", "2026-11-23"))
    before = snapshot(binder)
    result = run("edit", "ivan", env={"VISUAL": f"true; touch {tmp_path / 'pwned'}"})
    assert not (tmp_path / "pwned").exists()
    assert result.exit_code in (0, 1)
    assert snapshot(binder) == before
    assert card_files(binder) == ["days/23/ivan.md"]
