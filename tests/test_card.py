"""Cards: parsing, minimal-diff edits, the Log."""

from __future__ import annotations

import datetime as dt
import difflib
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tickler.card import Card, format_entry
from tickler.dates import Due
from tickler.errors import CardError, TicklerError
from tickler.names import slugify

SAMPLE = """\
---
name: Ivan Ivanovich Ivanov
company: Romashka LLC   # the legal name
phone: "+7 495 123-45-67"
next: 2026-12-05 15:30      # follow-up date, optionally with a time
action: call
tags: [b2b, wholesale]
x-crm-id: 'A-77'
custom:
  region: north
  manager: olga
---
# Ivan Ivanovich Ivanov

Notes.

## Log
- 2026-11-05 call: first call, sent price list
- 2026-11-23 14:05 call: discussed offer 12. Next: 2026-12-05
- 2026-11-30 purchase 12500.00: order 4411

## Offers
- offer 12
"""


def changed_lines(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(before.splitlines(True), after.splitlines(True), n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def test_parse_reads_known_and_unknown_keys() -> None:
    card = Card.parse(SAMPLE)
    assert card.name == "Ivan Ivanovich Ivanov"
    assert card.next == Due(dt.date(2026, 12, 5), dt.time(15, 30))
    assert card.tags == ["b2b", "wholesale"]
    assert card.get("x-crm-id") == "A-77"
    assert card.get("custom") == {"region": "north", "manager": "olga"}
    assert Card.parse(card.text) == card


def test_setting_next_changes_exactly_one_line_and_keeps_the_comment() -> None:
    card = Card.parse(SAMPLE)
    edited = card.with_field("next", Due(dt.date(2026, 12, 7)))
    assert changed_lines(SAMPLE, edited.text) == [
        "-next: 2026-12-05 15:30      # follow-up date, optionally with a time\n",
        "+next: 2026-12-07            # follow-up date, optionally with a time\n",
    ]


def test_quoting_style_is_kept_when_a_quoted_value_changes() -> None:
    edited = Card.parse(SAMPLE).with_field("phone", "+7 495 000-00-00")
    assert changed_lines(SAMPLE, edited.text) == [
        '-phone: "+7 495 123-45-67"\n',
        '+phone: "+7 495 000-00-00"\n',
    ]


def test_emptying_a_key_keeps_its_line_and_comment() -> None:
    edited = Card.parse(SAMPLE).with_field("next", None)
    assert edited.next is None
    assert changed_lines(SAMPLE, edited.text) == [
        "-next: 2026-12-05 15:30      # follow-up date, optionally with a time\n",
        "+next:                       # follow-up date, optionally with a time\n",
    ]


def test_a_new_key_is_one_added_line_at_the_end_of_the_front_matter() -> None:
    edited = Card.parse(SAMPLE).with_field("owner", "anna")
    assert changed_lines(SAMPLE, edited.text) == ["+owner: anna\n"]
    assert edited.text.index("owner: anna") < edited.text.index("---\n# Ivan")


def test_replacing_a_block_value_replaces_all_its_lines() -> None:
    edited = Card.parse(SAMPLE).with_field("custom", "none")
    assert edited.get("custom") == "none"
    assert "region: north" not in edited.text
    assert edited.get("x-crm-id") == "A-77"


def test_values_that_look_like_yaml_are_quoted_safely() -> None:
    card = Card.parse(SAMPLE)
    for value in ["a: b", "# not a comment", "yes", "[x]", "multi\nline", "- dash", "'quoted'", "Ёлка №5"]:
        assert card.with_field("note", value).get("note") == value


def test_crlf_cards_stay_crlf() -> None:
    text = SAMPLE.replace("\n", "\r\n")
    card = Card.parse(text)
    assert card.next == Due(dt.date(2026, 12, 5), dt.time(15, 30))
    edited = card.with_field("next", Due(dt.date(2026, 12, 9))).with_entry(
        format_entry(dt.date(2026, 12, 1), "call", "ok")
    )
    assert "\n" not in edited.text.replace("\r\n", "")
    assert edited.text.count("\r\n") == text.count("\r\n") + 1


def test_log_entries_are_parsed() -> None:
    entries, bad = Card.parse(SAMPLE).log()
    assert bad == []
    assert [(e.date.isoformat(), e.kind, e.amount) for e in entries] == [
        ("2026-11-05", "call", None),
        ("2026-11-23", "call", None),
        ("2026-11-30", "purchase", 12500),
    ]
    assert entries[1].time == dt.time(14, 5)
    assert entries[0].line == SAMPLE.splitlines().index("- 2026-11-05 call: first call, sent price list") + 1


def test_append_goes_after_the_last_entry_and_before_the_next_section() -> None:
    entry = format_entry(dt.date(2026, 12, 5), "call", "agreed on price", time=dt.time(15, 40))
    edited = Card.parse(SAMPLE).with_entry(entry)
    assert changed_lines(SAMPLE, edited.text) == [f"+{entry}\n"]
    lines = edited.text.splitlines()
    assert lines.index(entry) == lines.index("- 2026-11-30 purchase 12500.00: order 4411") + 1


def test_append_keeps_the_log_in_date_order() -> None:
    entry = format_entry(dt.date(2026, 11, 10), "email", "sent offer 12")
    lines = Card.parse(SAMPLE).with_entry(entry).text.splitlines()
    assert lines.index(entry) == lines.index("- 2026-11-05 call: first call, sent price list") + 1
    earliest = format_entry(dt.date(2026, 1, 1), "note", "first")
    lines = Card.parse(SAMPLE).with_entry(earliest).text.splitlines()
    assert lines.index(earliest) == lines.index("## Log") + 1


def test_append_creates_a_log_section_when_there_is_none() -> None:
    text = "---\nname: A\n---\n# A\n\nSome notes."
    edited = Card.parse(text).with_entry(format_entry(dt.date(2026, 11, 23), "call", "hello"))
    assert edited.text == "---\nname: A\n---\n# A\n\nSome notes.\n\n## Log\n- 2026-11-23 call: hello\n"
    assert len(edited.log()[0]) == 1


def test_log_heading_inside_a_code_fence_is_not_the_log() -> None:
    text = "---\nname: A\n---\n```\n## Log\n- 2026-01-01 call: fake\n```\n"
    assert Card.parse(text).log() == ([], [])


def test_entry_formatting() -> None:
    assert format_entry(dt.date(2026, 11, 30), "Purchase", "order\n4411", amount="12500.00") == (
        "- 2026-11-30 purchase 12500.00: order 4411"
    )
    with pytest.raises(TicklerError, match="not an amount"):
        format_entry(dt.date(2026, 11, 30), "purchase", "x", amount="12,500")
    with pytest.raises(TicklerError, match="not a Log kind"):
        format_entry(dt.date(2026, 11, 30), "two words", "x")


def test_malformed_log_lines_are_reported_not_fatal() -> None:
    text = "---\nname: A\n---\n## Log\n- 2026-11-05 call: ok\n- yesterday: called\n- 2026-02-30 call: no\n"
    entries, bad = Card.parse(text).log()
    assert len(entries) == 1 and bad == [6, 7]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("no front matter here\n", 1, "no front matter"),
        ("---\nname: A\n", 1, "never closed"),
        ("---\n---\n", 1, "empty"),
        ("---\nname: [unclosed\n---\n", 2, "not valid YAML"),
        ("---\nname: A\ncompany: 'Romashka\nphone: 1\n---\n", 3, "not valid YAML"),
        ("---\ncompany: X\n---\n", None, "no 'name:'"),
        ("---\nname: A\nnext: 2026-02-30\n---\n", 3, "February 2026 has 28 days"),
        ("---\nname: A\nnext: 2026-13-01\n---\n", 3, "no month 13"),
        ("---\nname: A\nnext: 2026-12-05 25:00\n---\n", 3, "impossible time"),
        ("---\nname: A\nnext: [1, 2]\n---\n", 3, "must be a date"),
        ("---\nname: {a: 1}\n---\n", 2, "must be text"),
        ("---\nname: A\nname: B\n---\n", 3, "duplicate key"),
        ("---\n- a\n- b\n---\n", 2, "key: value"),
        ("---\nname: A\nfixed: maybe\n---\n", 3, "true or false"),
        ("---\nname: A\n\tnext: 2026-12-01\n---\n", 3, "tab"),
        ("\x00\x01binary", None, "binary"),
    ],
)
def test_malformed_cards_name_the_line(text: str, line: int | None, message: str) -> None:
    with pytest.raises(CardError, match=message) as info:
        Card.parse(text, source="days/05/x.md")
    assert info.value.line == line
    assert str(info.value).startswith("days/05/x.md")


def test_bom_is_kept() -> None:
    text = "\ufeff---\nname: A\nnext: 2026-12-01\n---\n"
    edited = Card.parse(text).with_field("next", Due(dt.date(2026, 12, 2)))
    assert edited.text == "\ufeff---\nname: A\nnext: 2026-12-02\n---\n"


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Ivan Ivanovich Ivanov", "ivan-ivanovich-ivanov"),
        ("Ольга  Смирнова", "ольга-смирнова"),
        ("María García", "maría-garcía"),
        ("O'Brien & Sons, Ltd.", "o-brien-sons-ltd"),
        ("../../etc/passwd", "etc-passwd"),
        ("田中 優希", "田中-優希"),
        ("🙂", "card"),
    ],
)
def test_slugify(name: str, slug: str) -> None:
    assert slugify(name) == slug


_keys = st.from_regex(r"[a-z][a-z0-9_]{0,10}", fullmatch=True).filter(
    lambda k: (
        k
        not in (
            "name",
            "next",
            "action",
            "owner",
            "tags",
            "fixed",
            "birthday",
            "y",
            "n",
            "yes",
            "no",
            "on",
            "off",
            "true",
            "false",
            "null",
        )
    )
)
_values = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=30),
    st.integers(-(10**6), 10**6),
    st.booleans(),
    st.lists(st.text(st.characters(whitelist_categories=("L", "N")), min_size=1, max_size=8), max_size=4),
)


@settings(max_examples=200, deadline=None)
@given(
    fields=st.dictionaries(_keys, _values, max_size=6),
    key=_keys,
    value=_values,
    comment=st.booleans(),
)
def test_edit_round_trip_changes_only_that_key(
    fields: dict[str, object], key: str, value: object, comment: bool
) -> None:
    card = Card.parse("---\nname: Test\n---\n# Test\n")
    for k, v in fields.items():
        card = card.with_field(k, v)
    if comment:
        card = Card.parse(card.text.replace("name: Test\n", "name: Test   # who\n"))
    before = dict(card.fields)
    edited = card.with_field(key, value)
    assert Card.parse(edited.text) == edited
    expected = {**before, key: value}
    assert edited.fields == expected
    assert edited.body == card.body
    assert ("# who" in edited.text) == comment


_YAMLISH = st.text(
    alphabet="[]{}:-*&!|>'\"#\n \t%@`?,.~=<\\xyzn01925\u00e9\u0416\r\x00\x07\ufeff", max_size=160
)


@settings(max_examples=400, deadline=None)
@given(
    head=st.sampled_from(["", "---\n", "---\nname: X\n", "\ufeff---\nname: Y\nnext: ", "---\r\nname: Z\r\n"]),
    middle=st.one_of(_YAMLISH, st.text(max_size=120)),
    tail=st.sampled_from(["", "\n---\n", "\n---\nnotes\n## Log\n- 2026-01-01 call: x\n"]),
)
def test_any_text_is_a_card_or_a_card_error(head: str, middle: str, tail: str) -> None:
    """Whatever is in the file, parsing gives a card or a CardError naming it: never a crash."""
    try:
        card = Card.parse(head + middle + tail, source="days/23/x.md")
    except CardError as exc:
        assert str(exc).startswith("days/23/x.md")
    else:
        assert isinstance(card.name, str) and card.name.strip()


def test_values_written_without_the_emitter_are_what_yaml_writes() -> None:
    """New cards' plain text values skip PyYAML's emitter (an import writes thousands): the text
    must be exactly what the emitter writes, and read back as the same value, alone or in a list."""
    import random

    import yaml

    from tickler.card.edits import yaml_scalar

    def emitted(value: object) -> str:
        out = yaml.safe_dump(value, allow_unicode=True, width=2**31, default_flow_style=True)
        return out.removesuffix("\n...\n").removesuffix("\n")

    alphabet = list("abXZ09 .@'+/()-_яЖ한é:#,[]{}!&*%?|>\"\t~=<\u00a0\u2028")
    rng = random.Random(7)
    values = ["Ivan Ivanov", "person00001@example.com", "ООО Ромашка", "O'Brien", "Acme (EU)", "Yes", "no"]
    many = 50_000 if os.environ.get("TICKLER_LONG") else 3_000
    values += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 9))) for _ in range(many)]
    for value in values:
        for written in (value, [value, "second"]):
            text = yaml_scalar(written)
            assert yaml.safe_load(text) == written, (written, text)
            assert text == emitted(written), (written, text)
