"""Reading mail: an ``.eml`` file, a folder of them, an mbox file or a Maildir, message by message.

The standard library's ``email`` (with ``email.policy.default``: headers in any charset, RFC 2047
encoded words, decoded) and ``mailbox`` do the reading; this module is imported only by ``import
mail``, never by ``today``. A message is kept as the bytes it was read as. One that cannot be read
(no headers, no address, no date) is yielded as ``Unreadable`` with where it is: its file, and in
an mbox its number, in a Maildir its key; the others go on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import mailbox
import re
from collections.abc import Iterator
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesHeaderParser, BytesParser
from pathlib import Path
from typing import Any, NamedTuple, cast

from ..errors import TicklerError
from ..names import fold

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_TAGS = re.compile(r"<[^>]*>")
_ROBOTS = {"noreply", "no-reply", "donotreply", "do-not-reply", "mailer-daemon", "postmaster", "bounce"}
FIRST_WORDS = 60  # of the text, for a message with no subject


class Unreadable(NamedTuple):
    where: str
    why: str


@dataclass(frozen=True)
class Message:
    where: str  # the file, with the message's number in an mbox or its key in a Maildir
    raw: bytes  # as read: what is kept in files/<id>/mail/
    key: str  # the Message-ID, or ``sha256:<hex>`` of the bytes for a message without one
    when: dt.datetime  # the Date header in this machine's local time (naive)
    subject: str  # decoded, on one line ("" when it has none)
    sender: tuple[str, str] | None  # From's address as written and its display name
    addresses: tuple[str, ...]  # every address of From, To and Cc, folded (case and accents)
    automatic: bool  # a mailing list's or a robot's message (never made a card with --new)
    first_words: str = ""  # of its text, for a message without a subject

    @property
    def topic(self) -> str:
        """What its Log entry says of it: the subject, else ``(no subject)`` and its first words."""
        return self.subject or f"(no subject) {self.first_words}".rstrip()

    @property
    def sender_key(self) -> str:
        return fold(self.sender[0]) if self.sender else ""


def key_of(raw: bytes, message_id: str) -> str:
    """What makes a message the same message in a second import: its Message-ID, else its bytes."""
    return message_id or f"sha256:{hashlib.sha256(raw).hexdigest()}"


def kept_key(path: Path) -> str | None:
    """The key of a message kept in a dossier (``files/<id>/mail/*.eml``), reading its headers
    only when it has a Message-ID; None when it cannot be read."""
    try:
        with open(path, "rb") as handle:
            head = b""
            while b"\n\n" not in head and b"\r\n\r\n" not in head and len(head) < 1_000_000:
                chunk = handle.read(65536)
                if not chunk:
                    break
                head += chunk
            headers = BytesHeaderParser(policy=policy.default).parsebytes(head)
            message_id = _one_line(str(headers.get("message-id") or ""))
            if message_id:
                return message_id
            handle.seek(0)
            return key_of(handle.read(), "")
    except (OSError, ValueError, LookupError):  # (a header the parser trips over: hash the bytes)
        try:
            return key_of(path.read_bytes(), "")
        except OSError:
            return None


# --------------------------------------------------------------------------- sources


def messages(path: Path) -> Iterator[Message | Unreadable]:
    """Every message at ``path``: an mbox file (it starts with a ``From `` line), any other file as
    one message, a Maildir (a folder with ``cur/`` and ``new/``, its subfolders included) or a
    folder of ``.eml`` files (searched through its subfolders)."""
    if path.is_symlink() and not path.exists():
        raise TicklerError("is a symbolic link to nothing", path=path)
    if path.is_dir():
        if (path / "cur").is_dir() and (path / "new").is_dir():
            yield from _maildir(path)
            return
        found = sorted(p for p in path.rglob("*") if p.suffix.lower() == ".eml" and p.is_file())
        if not found:
            why = "holds no .eml files and is not a Maildir (it has no cur/ and new/)"
            raise TicklerError(why, path=path)
        for eml in found:
            yield _eml(eml)
        return
    try:
        with open(path, "rb") as handle:
            start = handle.read(5)
    except FileNotFoundError:
        raise TicklerError("no such file or folder", path=path) from None
    except OSError as exc:
        raise TicklerError(f"cannot read: {exc.strerror}", path=path) from None
    if start == b"From ":
        yield from _mbox(path)
    else:
        yield _eml(path)


def _eml(path: Path) -> Message | Unreadable:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return Unreadable(str(path), f"cannot read: {exc.strerror}")
    return parse(raw, str(path))


def _mbox(path: Path) -> Iterator[Message | Unreadable]:
    box = mailbox.mbox(path, factory=None, create=False)
    try:
        for number, key in enumerate(box.iterkeys(), 1):
            yield parse(box.get_bytes(key), f"{path}: message {number}")
    except OSError as exc:
        raise TicklerError(f"cannot read: {exc.strerror}", path=path) from None
    finally:
        box.close()


def _maildir(path: Path) -> Iterator[Message | Unreadable]:
    """A Maildir and its subfolders (``.Sent``, ``.Archive``: Maildir++), where the rep's sent
    mail usually is."""
    top = mailbox.Maildir(path, factory=None, create=False)
    boxes: list[tuple[str, mailbox.Maildir]] = [(str(path), top)]
    index = 0
    while index < len(boxes):
        where, box = boxes[index]
        index += 1
        try:
            for name in sorted(box.list_folders()):
                boxes.append((f"{where}/.{name}", box.get_folder(name)))
            keys = sorted(box.iterkeys())
        except OSError as exc:
            raise TicklerError(f"cannot read: {exc.strerror}", path=where) from None
        for key in keys:
            try:
                raw = box.get_bytes(key)
            except (OSError, KeyError) as exc:  # (gone since it was listed: a mail client at work)
                yield Unreadable(f"{where}: message {key}", f"cannot read: {exc}")
                continue
            yield parse(raw, f"{where}: message {key}")


# --------------------------------------------------------------------------- one message


def parse(raw: bytes, where: str) -> Message | Unreadable:
    """A message's bytes read: its key, date, subject and addresses; or why it cannot be."""
    try:
        message = BytesParser(policy=policy.default).parsebytes(raw)
        return _read(message, raw, where)
    except Exception as exc:  # the parser can trip over a malformed header in many ways
        return Unreadable(where, f"cannot be read as a mail message ({type(exc).__name__}: {exc})")


def _read(message: EmailMessage, raw: bytes, where: str) -> Message | Unreadable:
    if not any(key.lower() in ("from", "to", "date", "subject") for key in message):
        return Unreadable(where, "not a mail message: it has no From, To, Date or Subject header")
    senders = _addresses(message, "from")
    addresses = [a for a, _ in senders] + [a for key in ("to", "cc") for a, _ in _addresses(message, key)]
    if not addresses:
        return Unreadable(where, "no address in From, To or Cc")
    date = message.get("date")
    moment = getattr(date, "datetime", None) if date is not None else None
    if not isinstance(moment, dt.datetime):
        return Unreadable(where, "no Date header that can be read")
    if moment.tzinfo is None:  # "-0000": the time is UTC, the sender's zone unknown (RFC 5322)
        moment = moment.replace(tzinfo=dt.UTC)
    local = moment.astimezone().replace(tzinfo=None, second=0, microsecond=0)
    subject = _one_line(str(message.get("subject") or ""))
    first_words = "" if subject else _first_words(_text_of(message))
    message_id = _one_line(str(message.get("message-id") or ""))
    return Message(
        where,
        raw,
        key_of(raw, message_id),
        local,
        subject,
        senders[0] if senders else None,
        tuple(dict.fromkeys(fold(a) for a in addresses)),
        _automatic(message, senders),
        first_words,
    )


def _addresses(message: EmailMessage, key: str) -> list[tuple[str, str]]:
    """(address, display name) of every address in the headers named ``key``."""
    found = []
    for header in message.get_all(key) or []:
        for address in getattr(header, "addresses", ()):
            spec = _one_line(address.addr_spec)
            if "@" in spec and not spec.startswith("@"):
                found.append((spec, _one_line(address.display_name)))
    return found


def _one_line(text: str) -> str:
    return " ".join(_CONTROL.sub(" ", text).split())


def _first_words(text: str) -> str:
    """The start of a text, on one line, cut after a word (``FIRST_WORDS`` characters at most)."""
    line = _one_line(text)
    if len(line) <= FIRST_WORDS:
        return line
    cut = line[: FIRST_WORDS + 1].rsplit(" ", 1)[0]
    return (cut if len(cut) > FIRST_WORDS // 2 else line[:FIRST_WORDS]) + "…"


def _text_of(message: EmailMessage) -> str:
    """The message's text (the plain part, else the HTML one without its tags), in whatever
    charset it was written; "" when it has none that can be decoded."""
    body = message.get_body(preferencelist=("plain", "html"))
    if body is None:
        return ""
    try:
        text = str(cast(Any, body).get_content())
    except (LookupError, ValueError):  # an unknown charset: read what can be read
        payload = body.get_payload(decode=True)
        text = payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else ""
    if body.get_content_subtype() == "html":
        text = html.unescape(_TAGS.sub(" ", re.sub(r"(?is)<(style|script)\b.*?</\1>", " ", text)))
    return text


def _automatic(message: EmailMessage, senders: list[tuple[str, str]]) -> bool:
    """A mailing list's or a robot's message: ``List-Id``, ``Precedence: bulk``, ``Auto-Submitted``
    (RFC 3834), or a sender such as ``noreply@``."""
    if message.get("list-id") is not None or message.get("list-unsubscribe") is not None:
        return True
    if str(message.get("precedence") or "").strip().lower() in ("bulk", "list", "junk"):
        return True
    if str(message.get("auto-submitted") or "no").strip().lower() != "no":
        return True
    local = senders[0][0].split("@")[0].lower() if senders else ""
    return local in _ROBOTS
