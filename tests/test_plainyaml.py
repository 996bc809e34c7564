"""The plain front-matter reader gives exactly what the safe card loader gives, or steps aside."""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from tickler.card import Card
from tickler.card.log import read_raw, section, section_by_lines
from tickler.card.plainyaml import _DATE, _tag, plain_mapping
from tickler.card.safeyaml import load_yaml

ROOT = Path(__file__).resolve().parent.parent


def same(a: Any, b: Any) -> bool:
    """Equal values of the same types all the way down (True is not 1, NaN is NaN)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    return bool(a == b)


def agree(text: str) -> Any:
    """The plain reader's answer, checked against the loader's: None when it stepped aside."""
    fast = plain_mapping(text)
    if fast is None:
        return None
    try:
        full = load_yaml(text)
    except (yaml.YAMLError, RecursionError) as exc:
        raise AssertionError(f"the loader refuses {text!r} ({exc}), the plain reader gave {fast!r}") from None
    assert same(fast, full), (text, fast, full)
    return fast


TRICKY = [
    "name: Bob\nnext: 2026-12-05\n",
    "name: Bob\nnext: 2026-12-05 10:00\nbirthday: 1980-05-17\n",
    "name: yes\nactive: no\nflag: On\nother: TRUE\nmaybe: y\n",
    "count: 30\nhex: 0x1f\noctal: 017\nsexagesimal: 1:20\nneg: -5\nplus: +3\nfloat: 1.5\nexp: 1.0e+3\n",
    "inf: .inf\nnan: .NaN\nnull1: ~\nnull2: null\nnull3:\nnot_null: nulls\n",
    "time: 10:00\nzip: 01234\nbig: 1_000\nphone: 79161234567\nphone2: +7 916 123-45-67\n",
    "tags: [retail, vip]\nempty: []\nnums: [1, two, 3.5, yes]\n",
    "tags:\n  - retail\n  - 1\n  - 'quoted'\nafter: x\n",
    "tags:\n- retail\n- wholesale\n",
    "name: 'Bob: the builder'\nnote: \"it's #1\"\n",
    "name: a:b\nurl: http://example.com/a#b\nmail: a@b.c\n",
    "name: Пётр Сидоров\ncompany: ООО «Ромашка»\nemoji: 😀 ok\n",
    "# a comment\nname: Bob\n\n# another\nnext: 2026-12-01\n",
    "name: Bob # a comment\n",
    "name: Bob\n  continued\n",
    "name: Bob\nname: Bill\n",
    "on: x\n",
    "name: &a Bob\nother: *a\n",
    "name: 'it''s'\n",
    'name: "a\\tb"\n',
    "name: [a, [b]]\n",
    "name: {a: 1}\n",
    "name: ---\n",
    "name: -x\nlist:\n  - - nested\n",
    "name: - x\n",
    "name: x\n<<: {a: 1}\n",
    "name: x\n=: y\n",
    "name: a\u2028b\n",
    "name: a\u0085b\n",
    "name: a\ufeffb\n",
    "name: a\tb\n",
    "key_with-dash: 1\n_private: 2\n",
    "tags: [a, , b]\n",
    "tags: [a, b,]\n",
    "tags: [a b, c]\n",
    "list:\n  - a\n   - b\n",
    "list:\n  - a\n  -\n",
    "list:\n  # a comment\n  - a\n\n  - b\n",
    "name: \"\"\nother: ''\n",
    "name: Bob  \nnext:    2026-12-05   \n",
    "?x: 1\n",
    "name: x:\n",
    "empty_flow_with_space: [ ]\n",
    "date_like: 2026-13-45\nstamp: 2026-12-05T10:00:00\n",
    "trailing_dot: 1.\nlead_dot: .5\nsigned_float: -1.5e+3\nsexa_float: 1:30.5\n",
    "binary: 0b101\nodd: 0o17\n",
    "a" * 1025 + ": b\n",  # no YAML key is longer than 1,024 characters
    "a" * 1024 + ": b\n",
    "k: 0x_\n- x\n",  # a number that is none, then an error of the loader's
    "k: 0b_\nk: 1\n",
    "x:\n" + "- a\n" * 257,  # the loader's other parser
    "x:\n" + "- a\n" * 257 + "k: [a?b]\n",
]


@pytest.mark.parametrize("text", TRICKY)
def test_tricky_front_matter_agrees_or_steps_aside(text: str) -> None:
    agree(text)


def test_the_usual_front_matter_takes_the_plain_path() -> None:
    """The sample binder's cards and the shapes tickler writes are read without YAML's tree."""
    for path in sorted(ROOT.glob("*/*/*.md")) + sorted((ROOT / "cards").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        if not text.startswith("---\n"):
            continue
        front = text[4 : text.index("\n---\n", 3) + 1]
        assert agree(front) is not None, path
    assert agree("name: Ivan\nnext: 2026-12-05 10:00\ntags: [retail]\nphone: +7 495 119-62-84\n")


def test_a_card_reads_the_same_either_way(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "---\nname: Olga\nnext: 2026-12-05\ntags: [vip]\ncadence: 30\n---\n# Olga\n"
    fast = Card.parse(text, source="x.md")
    monkeypatch.setattr("tickler.card.plainyaml.plain_mapping", lambda _: None)
    slow = Card.parse(text, source="x.md")
    assert same(fast.fields, slow.fields) and fast.text == slow.text == text


@given(st.from_regex(r"\d{4}-\d\d-\d\d(?: \d\d?:\d\d(?::\d\d)?)?", fullmatch=True))
def test_dates_are_text_to_the_loader(value: str) -> None:
    assert _DATE.fullmatch(value) and _tag(value) == "tag:yaml.org,2002:str"
    assert load_yaml(f"d: {value}\n") == {"d": value}


ATOMS = st.sampled_from(
    [
        "Bob",
        "yes",
        "No",
        "on",
        "OFF",
        "y",
        "null",
        "~",
        "",
        "30",
        "0x1f",
        "017",
        "1:20",
        "-5",
        "+3",
        "1.5",
        ".inf",
        ".nan",
        "1_000",
        "2026-12-05",
        "2026-12-05 10:00",
        "10:00",
        "a:b",
        "a: b",
        "a #b",
        "a#b",
        "'q'",
        '"q"',
        "'it''s'",
        '"a\\"b"',
        "[a, b]",
        "[]",
        "{a: 1}",
        "&x v",
        "*x",
        "!tag v",
        "- x",
        "-x",
        "--x",
        "?x",
        ":x",
        "x:",
        "|",
        ">",
        "%x",
        "@x",
        "`x",
        "Пётр",
        "a  b",
        "a, b",
        "a]b",
        "0b101",
        "1e3",
        "1.0e+3",
        "=",
        "<<",
        "Null",
        "NULL",
        "True",
        "tRue",
        "0",
        "00",
        "0.",
        "-.inf",
        "1 000",
        "+7 495 1",
        "-5 x",
        ".5 x",
        "~ x",
        "yes please",
        "No way",
        "null x",
        "0x1f x",
        "2026-12-05 10:00 x",
        "1:20 x",
        "true  ",
        "  spaced",
    ]
)
KEYS = st.sampled_from(["name", "next", "tags", "on", "yes", "null", "Name", "a-b", "_x", "phone", "name"])


@st.composite
def front_matters(draw: st.DrawFn) -> str:
    lines = []
    for _ in range(draw(st.integers(1, 6))):
        key = draw(KEYS)
        shape = draw(st.sampled_from(["value", "flow", "block", "empty", "comment", "raw"]))
        if shape == "value":
            lines.append(f"{key}: {draw(ATOMS)}{draw(st.sampled_from(['', ' ', '  # c']))}")
        elif shape == "flow":
            lines.append(f"{key}: [{', '.join(draw(st.lists(ATOMS, max_size=3)))}]")
        elif shape == "block":
            indent = draw(st.sampled_from(["", "  ", "    "]))
            lines.append(f"{key}:")
            lines += [f"{indent}- {atom}" for atom in draw(st.lists(ATOMS, min_size=1, max_size=3))]
        elif shape == "empty":
            lines.append(f"{key}:")
        elif shape == "comment":
            lines.append(draw(st.sampled_from(["# note", "", "  # indented note"])))
        else:
            lines.append(draw(st.text(alphabet=" :#-[]'\"abyn01\t\u2028", max_size=12)))
    return "\n".join(lines) + "\n"


@settings(max_examples=int(os.environ.get("TICKLER_YAML_EXAMPLES", "600")), deadline=None)
@given(front_matters())
def test_random_front_matter_agrees_or_steps_aside(text: str) -> None:
    agree(text)


BODY_LINES = st.sampled_from(
    [
        "## Log",
        "# Log",
        "### log ##",
        "## Log  ",
        "##Log",
        "## Notes",
        "# Title",
        "- 2026-01-02 call: x",
        "text",
        "",
        "```",
        "~~~",
        "  ## Log",
        "#### Log",
        "## Log\r",
        "a\x85b",
        "## Other",
        "####### Log",
        "## LOG #",
        "#\tLog",
    ]
)


@settings(max_examples=int(os.environ.get("TICKLER_YAML_EXAMPLES", "600")), deadline=None)
@given(st.lists(BODY_LINES, max_size=12), st.booleans())
def test_the_log_section_is_found_the_same_in_one_go(lines: list[str], final_newline: bool) -> None:
    text = "---\nname: x\n---\n" + "\n".join(lines) + ("\n" if final_newline else "")
    offset = text.index("---\n", 4) + 4
    assert section(text, offset) == section_by_lines(text, offset)


LOG_LINES = st.sampled_from(
    [
        "## Log",
        "## Notes",
        "- 2026-01-02 call: x",
        "- 2026-01-02 10:30 Call: later",
        "- 2026-01-02 09:05 call: earlier",
        "- 2026-02-30 call: no such day",
        "- 2026-01-02 25:00 call: no such hour",
        "- 2026-01-02 10:75 call: no such minute",
        "- 2026-03-01 purchase 0500.00: leading zero",
        "- 2026-03-01 purchase +12: plus",
        "- 2026-03-01 purchase -0.50: refund",
        "- 2026-03-01 purchase 12.5:",
        "- 2026-03-01 reward 100:  spaced  ",
        "- not an entry",
        "text",
        "",
    ]
)


@settings(max_examples=int(os.environ.get("TICKLER_YAML_EXAMPLES", "600")), deadline=None)
@given(st.lists(LOG_LINES, max_size=12))
def test_the_ledger_reads_a_log_as_its_entries_say(lines: list[str]) -> None:
    text = "---\nname: x\n---\n## Log\n" + "\n".join(lines) + "\n"
    card = Card.parse(text, source="x.md")
    entries, bad = card.log()
    entries.sort(key=lambda e: (e.sort_key, e.line))
    expected = [
        (
            e.date.toordinal(),
            e.time.hour * 60 + e.time.minute if e.time else -1,
            e.kind,
            str(e.amount) if e.amount is not None else None,
            e.text,
            e.line,
        )
        for e in entries
    ]
    assert read_raw(card.text, card.fm_end) == (expected, bad)


def test_a_long_front_matter_is_read_by_the_loaders_other_parser() -> None:
    """Many dashes or brackets send a front matter to PyYAML's pure-Python parser (it stops deep
    nesting cleanly); the plain reader steps aside for it, and the loader reads it whole."""
    items = "".join(f"  - 'it''s {n}'\n" for n in range(300))
    front = f"name: Many\ntags:\n{items}"
    assert plain_mapping(front) is None
    card = Card.parse(f"---\n{front}---\n", source="x.md")
    assert card.tags == [f"it's {n}" for n in range(300)]
