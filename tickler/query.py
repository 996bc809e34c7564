"""Looking at the binder: whose cards, which dates, what matches. Nothing here writes a file."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable
from typing import NamedTuple, TypeVar

from .binder import Binder, Filed, Scan
from .cache import Entry
from .config import current_user, owner_matches
from .dates import Clock, Due, add_months, parse_birthday
from .errors import CardError, DateError, TicklerError
from .layout import CARD_FOLDERS, CARD_SUFFIX, folders_for_range, is_card_name, today_folders
from .names import fold
from .summary import Row, last_kind, row_of

T = TypeVar("T")


class Owners(NamedTuple):
    """Whose cards a listing shows: everyone's, one rep's, or the current user's and unowned ones."""

    everyone: bool = False
    owner: str | None = None

    def select(self, binder: Binder, cards: Iterable[Filed]) -> list[Filed]:
        return self.keep(binder, cards, lambda filed: filed.card.owner)

    def select_entries(self, binder: Binder, entries: Iterable[Entry]) -> list[Entry]:
        return self.keep(binder, entries, lambda e: e.summary.owner if e.summary else None)

    def keep(self, binder: Binder, items: Iterable[T], owner_of: Callable[[T], str | None]) -> list[T]:
        """The items whose owner (as ``owner_of`` tells) this selection wants."""
        items = list(items)
        if self.everyone:
            return items
        if self.owner:
            wanted = self.owner
            return [i for i in items if owner_matches(owner_of(i), wanted)]
        if not any(owner_of(i) for i in items):
            return items  # no card has an owner: no need to ask who the user is
        user = current_user(binder.settings, binder.root)
        return [i for i in items if owner_of(i) is None or owner_matches(owner_of(i), user)]


def due_between(binder: Binder, start: dt.date, end: dt.date, today: dt.date) -> Scan:
    """Cards whose follow-up falls from ``start`` to ``end``, read in full (the index says which)."""
    return loaded(binder, *due_entries(binder, start, end, today))


def loaded(binder: Binder, entries: Iterable[Entry], problems: Iterable[TicklerError] = ()) -> Scan:
    """The cards of indexed entries, read in full (for what the index does not keep: every field,
    the notes); a card that cannot be read any more is a problem."""
    scan = Scan(problems=list(problems))
    for entry in entries:
        binder.load_into(scan, entry.folder, entry.id)
    return scan


def due_entries(
    binder: Binder, start: dt.date, end: dt.date, today: dt.date, *, rows: bool = False
) -> tuple[list[Entry], list[TicklerError]]:
    """Indexed cards whose follow-up falls from ``start`` to ``end``, in date order, from the
    dividers that can hold them; no card is read (but for its table row, when ``rows`` asks and
    the card has not been shown before)."""
    found, _, problems = _one_pass(binder, folders_for_range(start, end, today), start, end, None, rows)
    return found, problems


def scheduled(binder: Binder) -> Scan:
    """Every card with a follow-up date, in date order."""
    return loaded(binder, *scheduled_entries(binder))


def scheduled_entries(binder: Binder, *, rows: bool = False) -> tuple[list[Entry], list[TicklerError]]:
    """Every indexed card in a divider with a follow-up date, in date order."""
    found, _, problems = _one_pass(binder, CARD_FOLDERS[1:], dt.date.min, dt.date.max, None, rows)
    return found, problems


def card_at(binder: Binder, ref: str) -> Filed:
    """``binder.resolve``, quicker for an exact id (a link to a card: a stat in each folder, not a
    listing of every folder); anything else, or an id in two folders, as ``resolve`` says."""
    from .binder import CONTROL

    name = f"{ref}{CARD_SUFFIX}"
    if is_card_name(name) and "/" not in ref and "\\" not in ref and not CONTROL.search(ref):
        found = [f for f in CARD_FOLDERS if os.path.isfile(binder.path_of(f, ref))]
        if len(found) == 1:
            return binder.load(found[0], ref)
    return binder.resolve(ref)


def parse_range(text: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """``week`` (this Monday to Sunday), ``month`` (this calendar month), ``A..B``, or one WHEN."""
    from .dates import parse_when

    word = text.strip().lower()
    if word == "week":
        monday = today - dt.timedelta(days=today.weekday())
        return monday, monday + dt.timedelta(days=6)
    if word == "month":
        first = today.replace(day=1)
        return first, add_months(first, 1) - dt.timedelta(days=1)
    if ".." in word:
        left, _, right = text.partition("..")
        if not left.strip() and not right.strip():
            raise DateError(
                f"'{text}': a range needs a start or an end, e.g. 2026-12-01..2026-12-07 or ..fri"
            )
        start = parse_when(left, today).date if left.strip() else today
        end = parse_when(right, today).date if right.strip() else start
        if end < start:
            raise DateError(f"'{text}': the range ends before it starts")
        return start, end
    day = parse_when(text, today).date
    return day, day


def find(binder: Binder, query: str, *, full: bool = False) -> Listing:
    """Cards matching ``query`` by name, id, company, email or tags (and, for a query written like
    a phone number, by phone), with their table rows. The cache answers which match; no card is
    read (but a matching card's row, the first time it is shown, and every matching card with
    ``full``)."""
    wanted = fold(query.strip())
    if not wanted:
        return Listing([], [], [])
    from .identity import phone_query

    phone = phone_query(query, binder.settings.region)
    found: list[Entry] = []
    problems: list[TicklerError] = []
    for entry in binder.index_store().search(CARD_FOLDERS, wanted, phone, rows=not full):
        if entry.error is not None:
            problems.append(entry.error)
        else:
            found.append(entry)
    found.sort(key=lambda e: (e.summary.name.casefold() if e.summary else "", e.folder, e.id))
    if not full:
        return Listing(listed(found), [], problems, ids=[e.id for e in found if e.summary is not None])
    scan = loaded(binder, found, problems)
    return Listing(listed_cards(scan.cards), scan.cards, scan.problems)


def find_text(binder: Binder, query: str) -> Listing:
    """Cards whose whole text (front matter, notes and Log) holds every word of ``query``, in any
    order, case and accents ignored; each with the line that matched best."""
    words = fold(query).split()
    if not words:
        return Listing([], [], [])
    scan = Scan()
    for folder, card_id, error in binder.texts(words):
        if error is not None:
            scan.problems.append(error)
        else:
            binder.load_into(scan, folder, card_id)
    cards = sorted(scan.cards, key=lambda f: (f.card.name.casefold(), f.folder, f.id))
    matches = [matching_line(f.card.text, words) for f in cards]
    return Listing(listed_cards(cards), cards, scan.problems, matches)


def matching_line(text: str, words: list[str]) -> str:
    """The first line that holds every word, else the one that holds the most."""
    best, most = "", 0
    for line in text.splitlines():
        folded = fold(line)
        count = sum(1 for word in words if word in folded)
        if count > most:
            best, most = line.strip(), count
            if count == len(words):
                break
    return best


class Unreadable(NamedTuple):
    """A card file that cannot be read as a card: where it is, its text when it is text at all,
    and why."""

    rel: str
    text: str | None
    error: TicklerError


def card_or_unreadable(binder: Binder, ref: str) -> Filed | Unreadable:
    """The card ``ref`` names, or, when its file is there but cannot be read as a card (broken
    by hand: a stray colon in the front matter), the file's text as it is and the error."""
    folder, card_id = binder.locate(ref)
    try:
        return binder.load(folder, card_id)
    except CardError as exc:
        from .fsutil import read_card_text

        rel = binder.rel(binder.path_of(folder, card_id))
        try:
            text: str | None = read_card_text(binder.path_of(folder, card_id), rel)
        except (CardError, OSError):
            text = None  # not text (a link, a folder, not UTF-8): the error says which
        return Unreadable(rel, text, exc)


class Birthday(NamedTuple):
    id: str
    folder: str
    name: str
    owner: str | None
    on: dt.date  # the date it falls on in this range
    age: int | None  # years since the date, when it has a year
    kind: str = "birthday"  # or "anniversary"


def birthday_on(value: object, start: dt.date, end: dt.date) -> dt.date | None:
    """When a ``birthday`` (``1971-03-14`` or ``--03-14``) falls from ``start`` to ``end``.

    A 29 February birthday is kept on 28 February in common years."""
    parsed = parse_birthday(value)
    if parsed is None:
        return None
    _, month, day = parsed
    for year in range(start.year, end.year + 1):
        try:
            on = dt.date(year, month, day)
        except ValueError:
            if (month, day) != (2, 29):
                return None
            on = dt.date(year, 2, 28)
        if start <= on <= end:
            return on
    return None


def _month_days(start: dt.date, end: dt.date) -> set[str] | None:
    """The ``MM-DD`` of the days from ``start`` to ``end`` (None: a year or more, every day)."""
    span = (end - start).days + 1
    if span >= 366:
        return None
    days = {(start + dt.timedelta(days=i)).strftime("%m-%d") for i in range(span)}
    if "02-28" in days:
        days.add("02-29")  # kept on 28 February in common years
    return days


def _birthdays_of(entry: Entry, start: dt.date, end: dt.date) -> list[Birthday]:
    """The card's birthday and anniversary from ``start`` to ``end``."""
    if entry.summary is None:
        return []  # a card that cannot be read: check and the listings report it
    s = entry.summary
    return _days_of(entry.id, entry.folder, s.name, s.owner, (s.birthday, s.anniversary), start, end)


def _days_of(
    card_id: str,
    folder: str,
    name: str,
    owner: str | None,
    values: tuple[object, object],
    start: dt.date,
    end: dt.date,
) -> list[Birthday]:
    found = []
    for kind, value in zip(("birthday", "anniversary"), values, strict=True):
        if value is None or (on := birthday_on(value, start, end)) is None:
            continue
        born = parse_birthday(value)
        age = on.year - born[0] if born is not None and born[0] is not None else None
        found.append(Birthday(card_id, folder, name, owner, on, age, kind))
    return found


def _birthdays_seen(binder: Binder, folder: str, start: dt.date, end: dt.date) -> list[Birthday] | None:
    """The birthdays and anniversaries from ``start`` to ``end`` in a folder, as tickler last saw
    them there (the view every command that changes the folder keeps, see
    ``cache.Index.birthdays_seen``); each card found is asked whether it changed since, and read
    again if it did. None when the folder has not been seen yet."""
    seen = binder.index_store().birthdays_seen(folder)
    if seen is None:
        return None
    days = _month_days(start, end)
    found = []
    for name, mtime, size, card_name, owner, *values in seen:
        if days is not None and not any(v is not None and v.strip()[-5:] in days for v in values):
            continue
        card_id = name[: -len(".md")]
        try:
            info = os.stat(f"{binder.root}/{folder}/{name}", follow_symlinks=False)
        except OSError:
            continue  # gone since: the next pass over the folder forgets it
        if (info.st_mtime_ns, info.st_size) != (mtime, size):
            try:
                card = binder.load(folder, card_id).card
            except TicklerError:
                continue
            card_name, owner, values = card.name, card.owner, [card.get("birthday"), card.get("anniversary")]
        found += _days_of(card_id, folder, card_name, owner, (values[0], values[1]), start, end)
    return found


def _birthday_order(binder: Binder, found: list[Birthday], owners: Owners | None) -> list[Birthday]:
    if owners is not None:
        found = owners.keep(binder, found, lambda b: b.owner)
    return sorted(found, key=lambda b: (b.on, b.name.casefold(), b.id))


class Day:
    """Today's divider as the index tells it: the due cards (each with its table row), how many
    more are other reps', and the birthdays coming up; the due cards read in full when asked."""

    __slots__ = ("birthdays", "cards", "due", "others", "problems", "waiting")

    def __init__(
        self, due: list[Entry], others: int, birthdays: list[Birthday], problems: list[TicklerError]
    ):
        self.due, self.others, self.birthdays, self.problems = due, others, birthdays, problems
        self.cards: list[Filed] = []
        # By due card: the date a card rolled forward to today was first due (else None).
        self.waiting: list[dt.date | None] = []

    @property
    def listed(self) -> list[Listed]:
        return listed(self.due)

    @property
    def first_calls(self) -> int:
        """How many of the due cards are first calls: their Log holds no contact yet."""
        return sum(1 for e in self.due if e.summary is not None and e.summary.first_call)


def is_first_call(filed: Filed) -> bool:
    """A scheduled card whose Log holds no contact with the customer yet (``card.log``'s
    ``CONTACT_KINDS``): a first call, not a follow-up."""
    from .card.log import is_contact

    return filed.card.next is not None and not any(is_contact(e.kind) for e in filed.card.log()[0])


def today_divider(
    binder: Binder,
    today: dt.date,
    owners: Owners,
    *,
    birthdays_ahead: int | None,
    full: bool = False,
    requests_until: dt.date | None = None,
) -> Day:
    """Cards due on or before ``today``, and open requests due until ``requests_until`` (a request
    taken tonight is answered tomorrow morning, but it is today's work); unless
    ``birthdays_ahead`` is None, the birthdays from today to that many days ahead, in one pass;
    with ``full``, the due cards read in full.

    The due cards come from the day dividers and this month's divider (cards not yet spread by
    ``roll``); birthdays do not move with ``next``, so with them every folder is looked at (a
    ``stat`` per card: the cache answers, but each file is asked whether it changed)."""
    span = None if birthdays_ahead is None else (today, today + dt.timedelta(days=birthdays_ahead))
    end = max(today, requests_until or today)
    due, found, problems = _one_pass(binder, today_folders(today), dt.date.min, end, span, rows=True)
    due = [e for e in due if entry_due(e).date <= today or is_request(e)]
    mine = owners.select_entries(binder, due)
    day = Day(mine, len(due) - len(mine), _birthday_order(binder, found, owners), problems)
    if full:
        scan = loaded(binder, mine)
        day.cards, day.problems = scan.cards, problems + scan.problems
    else:
        day.waiting = [_waiting(binder, entry, today) for entry in mine]
    return day


def today_view(binder: Binder, clock: Clock, owners: Owners, *, full: bool = False) -> Day:
    """Today's divider as every face shows it: the due cards and the open requests to answer
    within ``reply_within`` of now; with ``full`` (JSON) the cards read in full and no birthdays,
    else the birthdays ``birthday_days`` ahead."""
    ahead = None if full else binder.settings.birthday_days
    until = (clock.moment + binder.settings.reply_within).date()
    return today_divider(binder, clock.today, owners, birthdays_ahead=ahead, full=full, requests_until=until)


def _waiting(binder: Binder, entry: Entry, today: dt.date) -> dt.date | None:
    """For a card due today, the date it was first due when roll brought it here (its Log
    ends in ``rolled`` entries): kept in the index with the card's row, else read from the card."""
    if entry_due(entry).date != today or is_request(entry):
        return None
    waiting = entry.summary.waiting if entry.summary is not None else None
    if waiting is not None:  # (kept with the card's row, from its Log)
        return dt.date.fromisoformat(waiting) if waiting else None
    try:
        card = binder.load(entry.folder, entry.id).card
    except TicklerError:
        return None  # (changed since the index saw it: the listing reports it next time)
    from .card.log import waiting_since

    return waiting_since(card.log()[0])


class Listing:
    """Cards for a listing: the table's lines, and the cards read in full when asked (JSON); for
    a text search, the line of each card that matched; the card ids, in the order listed."""

    __slots__ = ("cards", "ids", "listed", "matches", "problems")

    def __init__(
        self,
        listed: list[Listed],
        cards: list[Filed],
        problems: list[TicklerError],
        matches: list[str] | None = None,
        ids: list[str] | None = None,
    ):
        self.listed, self.cards, self.problems = listed, cards, problems
        self.matches: list[str] = matches if matches is not None else []
        self.ids: list[str] = ids if ids is not None else [f.id for f in cards]


def listing(
    binder: Binder,
    today: dt.date,
    owners: Owners,
    *,
    span: tuple[dt.date, dt.date] | None = None,
    overdue: bool = False,
    tag: str | None = None,
    full: bool = False,
) -> Listing:
    """Cards due in ``span`` (or overdue, or every scheduled card), in date order, for ``owners``,
    with ``tag``. The table comes from the index; ``full`` (JSON) and ``tag`` read the cards."""
    rows = not (full or tag)
    if overdue:
        entries, problems = due_entries(binder, dt.date.min, today - dt.timedelta(days=1), today, rows=rows)
    elif span is not None:
        entries, problems = due_entries(binder, *span, today, rows=rows)
    else:
        entries, problems = scheduled_entries(binder, rows=rows)
    entries = owners.select_entries(binder, entries)
    if rows:
        return Listing(listed(entries), [], problems)
    scan = loaded(binder, entries, problems)
    cards = scan.cards
    if tag:
        cards = [f for f in cards if has_tag(f, tag)]
    return Listing(listed_cards(cards), cards, scan.problems)


def has_tag(filed: Filed, tag: str) -> bool:
    return fold(tag) in {fold(t) for t in filed.card.tags}


def due_today(binder: Binder, today: dt.date) -> tuple[list[Entry], list[TicklerError]]:
    """Indexed cards due on or before ``today``, in date order: what today's divider holds."""
    found, _, problems = _one_pass(binder, today_folders(today), dt.date.min, today, None, rows=False)
    return found, problems


def _one_pass(
    binder: Binder,
    folders: Iterable[str],
    start: dt.date,
    end: dt.date,
    birthday_span: tuple[dt.date, dt.date] | None,
    rows: bool,
) -> tuple[list[Entry], list[Birthday], list[TicklerError]]:
    """The cards of ``folders`` due from ``start`` to ``end`` (in date order; with their table
    rows when ``rows``), and, with ``birthday_span``, the birthdays in it from every folder; each
    folder is gone through once. Problems are those of ``folders``."""
    from .summary import Filter, due_within, either, with_birthday

    due_folders = set(folders)
    is_due = due_within(start, end)
    has_birthday: Filter | None = None
    listed = [f for f in CARD_FOLDERS if f in due_folders]
    found: list[Birthday] = []
    if birthday_span is not None:
        # The folders that hold no due card give their birthdays from what tickler last saw of
        # them (refreshed by every change), not from a pass over each of their cards.
        has_birthday = with_birthday(_month_days(*birthday_span))
        for folder in CARD_FOLDERS:
            if folder in due_folders:
                continue
            seen = _birthdays_seen(binder, folder, *birthday_span)
            if seen is None:
                listed.append(folder)  # never seen: gone through once, which keeps its view
            else:
                found += seen
    due: list[Entry] = []
    problems: list[TicklerError] = []
    views = [f for f in listed if f not in due_folders]  # (their birthday view is all they give)
    scan = binder.index_store().prepare([f for f in listed if f in due_folders], views) if views else set()
    for folder in listed:
        if folder in scan:  # a fresh clone: the view from the cards' text
            binder.index_store().scan_birthdays(folder)
            found += _birthdays_seen(binder, folder, *birthday_span) or [] if birthday_span else []
            continue
        wanted = folder in due_folders
        only: Filter | None = is_due if wanted else has_birthday
        if wanted and has_birthday is not None:
            only = either(is_due, has_birthday)
        for entry in binder.index([folder], only=only, rows=is_due if rows and wanted else None):
            if entry.error is not None:
                if wanted:
                    problems.append(entry.error)
                continue
            when = entry.summary.due if wanted and entry.summary else None
            if when is not None and start <= when.date <= end:
                due.append(entry)
            if birthday_span is not None:
                found += _birthdays_of(entry, *birthday_span)
    due.sort(key=_entry_order)
    return due, found, problems


def is_request(entry: Entry) -> bool:
    """An open request: the card's last Log entry is the customer's ``request``."""
    return entry.summary is not None and last_kind(entry.summary.row) == "request"


def entry_due(entry: Entry) -> Due:
    """The follow-up of an indexed card that has one."""
    due = entry.summary.due if entry.summary is not None else None
    assert due is not None
    return due


Listed = tuple[Due | None, str, Row]  # a line of the card table: follow-up, name, the other columns


def listed(entries: Iterable[Entry]) -> list[Listed]:
    """Indexed cards (read with their rows) as the card table takes them."""
    out: list[Listed] = []
    for e in entries:
        if e.summary is not None:
            assert e.summary.row is not None, "a table's entries are read with rows"
            out.append((e.summary.due, e.summary.name, e.summary.row))
    return out


def listed_cards(cards: Iterable[Filed]) -> list[Listed]:
    """Cards read in full as the card table takes them."""
    return [(f.card.next, f.card.name, row_of(f.card)) for f in cards]


def _entry_order(entry: Entry) -> tuple[object, ...]:
    assert entry.summary is not None
    return (*entry_due(entry).sort_key, entry.summary.name.casefold())


class Agenda:
    """The coming days with their cards, the overdue cards, and the birthdays on the way."""

    __slots__ = ("birthdays", "days", "overdue", "problems")

    def __init__(
        self,
        days: list[tuple[dt.date, list[Entry]]],
        overdue: list[Entry],
        birthdays: list[Birthday],
        problems: list[TicklerError],
    ):
        self.days, self.overdue, self.birthdays, self.problems = days, overdue, birthdays, problems


def agenda(binder: Binder, today: dt.date, days: int, owners: Owners, *, ahead: int = 0) -> Agenda:
    """Cards per day from today, the overdue ones, and the birthdays up to ``ahead`` days past the
    last day (so that each can be announced ``ahead`` days before); from the index, in one pass."""
    end = today + dt.timedelta(days=days - 1)
    folders = folders_for_range(today - dt.timedelta(days=1), end, today)
    span = (today, end + dt.timedelta(days=ahead))
    due, found, problems = _one_pass(binder, folders, dt.date.min, end, span, rows=True)
    by_day: dict[dt.date, list[Entry]] = {}
    overdue = []
    for entry in owners.select_entries(binder, due):
        day = entry_due(entry).date
        if day < today:
            overdue.append(entry)
        else:
            by_day.setdefault(day, []).append(entry)
    return Agenda(
        days=[(d, by_day.get(d, [])) for d in (today + dt.timedelta(days=i) for i in range(days))],
        overdue=overdue,
        birthdays=_birthday_order(binder, found, owners),
        problems=problems,
    )
