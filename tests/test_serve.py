"""``tickler serve`` over real HTTP: the installed command running on a real git binder, spoken to
as a phone's browser (and a script) would: who may come in, what each page shows, and that each
form writes exactly what the command line writes, in one commit, or nothing at all."""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import threading
from pathlib import Path

import httpx
import pytest
from conftest import snapshot
from serving import (
    NOW,
    TICKLER,
    TOKEN,
    cli,
    csrf_of,
    env,
    eventually,
    git,
    head,
    make_binder,
    serving,
    subjects,
    twin,
)

pytestmark = pytest.mark.skipif(TICKLER is None, reason="the tickler command is not installed")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return make_binder(tmp_path / "binder")


def unchanged(root: Path):  # type: ignore[no-untyped-def]
    """What proves that nothing changed: every file and the commit git is at."""
    return snapshot(root), head(root)


# --------------------------------------------------------------------------- access


def test_without_the_token_every_path_is_401_and_nothing_else(root: Path) -> None:
    before = unchanged(root)
    with serving(root) as server, server.client(bearer=False) as client:
        for path in (
            "/",
            "/cards/ivan",
            "/find?q=ivan",
            "/agenda",
            "/new",
            "/api/today",
            "/api/cards/ivan",
            "/calendar.ics",
            "/static/tickler.css",
            "/nowhere",
        ):
            answer = client.get(path)
            assert answer.status_code == 401, path
            assert answer.text == "401 Unauthorized: open the link tickler serve printed\n"
            assert "set-cookie" not in answer.headers
        answer = client.post("/cards/ivan/log", data={"text": "x", "csrf": "0" * 64})
        assert answer.status_code == 401
    assert unchanged(root) == before


def test_a_wrong_token_is_401_in_the_link_the_header_and_the_cookie(root: Path) -> None:
    with serving(root) as server, server.client(bearer=False) as client:
        assert client.get("/?token=not-the-token-0000000").status_code == 401
        assert client.get("/calendar.ics?token=not-the-token-0000000").status_code == 401
        assert client.get("/", headers={"Authorization": "Bearer not-the-token-0000"}).status_code == 401
        assert client.get("/", headers={"Authorization": f"Basic {TOKEN}"}).status_code == 401
        client.cookies.set("tickler_session", TOKEN)  # the token itself is not the cookie
        assert client.get("/").status_code == 401


def test_the_link_sets_a_session_cookie_and_redirects_without_the_token(root: Path) -> None:
    with serving(root) as server, server.client(bearer=False) as client:
        assert server.link.endswith(f"/?token={TOKEN}")
        answer = client.get(f"/agenda?all=1&token={TOKEN}")
        assert answer.status_code == 303
        assert answer.headers["location"] == "/agenda?all=1"
        cookie = answer.headers["set-cookie"]
        assert cookie.startswith("tickler_session=") and TOKEN not in cookie
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
        assert "Secure" not in cookie  # plain HTTP on this machine
        page = client.get("/agenda?all=1")  # the cookie alone now
        assert page.status_code == 200 and "Agenda" in page.text
        assert client.get("/").status_code == 200


def test_the_token_kept_in_the_binder_is_made_once_and_private(root: Path) -> None:
    quiet = env(TICKLER_TOKEN="")
    with serving(root, environ=quiet) as server:
        kept = root / ".tickler" / "serve-token"
        token = kept.read_text().strip()
        assert len(token) >= 32
        assert stat.S_IMODE(kept.stat().st_mode) == 0o600
        assert server.link.endswith(f"?token={token}")
        with server.client(bearer=False) as client:
            assert client.get("/", headers={"Authorization": f"Bearer {token}"}).status_code == 200
            assert client.get("/", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 401
    with serving(root, environ=quiet) as again:
        assert again.link.endswith(f"?token={token}")
    assert "serve-token" not in git(root, "status", "--porcelain", "--ignored=no")


def test_every_answer_carries_the_security_headers(root: Path) -> None:
    with serving(root) as server, server.client() as client:
        answers = [
            client.get("/"),
            client.get("/static/tickler.css"),
            client.get(f"/?token={TOKEN}"),
            client.post("/cards/ivan/park", data={}),
        ]
        with server.client(bearer=False) as stranger:
            answers.append(stranger.get("/"))
        assert [a.status_code for a in answers] == [200, 200, 303, 403, 401]
        for answer in answers:
            policy = answer.headers["content-security-policy"]
            assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
            assert "unsafe-inline" not in policy
            assert answer.headers["referrer-policy"] == "no-referrer"
            assert answer.headers["x-content-type-options"] == "nosniff"
        assert answers[0].headers["cache-control"] == "no-store"
        assert "<script>" not in answers[0].text  # no inline script: only /static/tickler.js


def test_a_post_without_a_valid_csrf_field_is_403_and_changes_nothing(root: Path) -> None:
    before = unchanged(root)
    with serving(root) as server, server.client() as client:
        for data in (
            {"text": "called"},
            {"text": "called", "csrf": "0" * 64},
            {"text": "called", "csrf": ""},
        ):
            answer = client.post("/cards/ivan/log", data=data)
            assert answer.status_code == 403
            assert "csrf" in answer.text
        answer = client.post("/new", json={"name": "Zed", "csrf": csrf_of(client.get("/new").text)})
        assert answer.status_code == 403  # only the pages' own form encoding carries the field
    assert unchanged(root) == before


def test_nothing_changes_on_get(root: Path) -> None:
    before = unchanged(root)
    with serving(root) as server, server.client() as client:
        for path in (
            "/",
            "/?all=1",
            "/cards/ivan",
            "/cards/emily",
            "/find?q=romashka",
            "/find?q=winter&text=1",
            "/agenda",
            "/agenda?days=30",
            "/new",
            "/api/today",
            "/api/cards/ivan",
            "/calendar.ics",
        ):
            assert client.get(path).status_code == 200, path
        for path in ("/cards/ivan/log", "/cards/ivan/park", "/cards/ivan/move", "/cards/ivan/request"):
            assert client.get(path).status_code == 405, path
    assert unchanged(root) == before


# --------------------------------------------------------------------------- pages


def test_today_lists_requests_first_then_overdue_then_due_with_tel_links(root: Path) -> None:
    with serving(root) as server, server.client() as client:
        csrf = csrf_of(client.get("/cards/maria").text)
        answer = client.post("/cards/maria/request", data={"text": "wants the price list", "csrf": csrf})
        assert answer.status_code == 303 and answer.headers["location"].startswith("/cards/maria?said=")
        page = client.get("/").text
    header = "Monday 23 November 2026: 3 cards: 2 follow-ups, 1 first call (2 due today, 1 overdue); "
    assert header + "1 open request; load 3/30" in page
    assert cli(root, "today").stdout.splitlines()[0] == header + "1 open request; load 3/30"  # one header
    sections = re.findall(r"<h2>(\w[\w ]*) <span", page)
    assert sections == ["Requests", "Overdue", "Due today"]
    requests, overdue, due = re.split(r"<h2>", page)[1:4]
    assert "María García" in requests and "10h left" in requests
    assert "Olga Smirnova" in overdue and "3d late" in overdue
    assert "Ivan Ivanov" in due and "15:30" in due
    assert '<a class="call" href="tel:+74951234567">+7 495 123-45-67</a>' in page
    assert '<a class="call" href="tel:89165551234">8 916 555-12-34</a>' in page
    assert "Boris Card" not in page and "1 more due for other reps" in page
    assert "Birthdays" not in page  # none within birthday_days


def test_the_card_brief_holds_what_the_call_needs(root: Path) -> None:
    with serving(root) as server, server.client() as client:
        # the segments' line (a median over every customer) is worked out in the background
        eventually(lambda: "Segment" in client.get("/cards/ivan").text, "the segment on the card")
        page = client.get("/cards/ivan").text
    assert "<h1>Ivan Ivanov</h1>" in page
    assert "Head of purchasing, Romashka LLC" in page
    assert "call · Mon 23 Nov 2026 15:30 (today)" in page
    assert 'href="tel:+74951234567"' in page and 'href="mailto:ivanov@romashka.example"' in page
    assert "1971-03-14 (next Sun 14 Mar)" in page
    assert "<dt>Segment</dt><dd>infrequent big spenders</dd>" in page  # one purchase, the median's own
    entries = re.findall(r"<li><time>([^<]+)</time> <b>([^<]+)</b> ([^<]*)</li>", page)
    assert entries == [
        ("2026-11-16 14:05", "call", "discussed offer 12"),
        ("2026-11-10", "purchase 12500.00", "order 4411"),
        ("2026-11-05", "call", "first call, sent price list"),
    ]
    assert "<p>Buys <strong>packaging film</strong> for three warehouses.</p>" in page
    for choice in ("+1d", "+3d", "+1w", "+1m"):
        assert f'<button type="submit" name="quick" value="{choice}">{choice}</button>' in page
    assert page.count('name="csrf"') == 4  # log, move, park, request


def test_find_and_agenda(root: Path) -> None:
    with serving(root) as server, server.client() as client:
        found = client.get("/find?q=romashka").text
        by_phone = client.get("/find?q=555-12-34").text
        in_log = client.get("/find?q=winter+preview&text=1").text
        nothing = client.get("/find?q=zzz").text
        agenda = client.get("/agenda").text
    assert 'href="/cards/ivan"' in found and "Olga" not in found
    assert 'href="/cards/olga"' in by_phone
    assert 'href="/cards/olga"' in in_log and "wants the winter preview" in in_log
    assert "No card matches “zzz”." in nothing
    assert "1 overdue" in agenda
    days = re.findall(
        r'<span class="label">([^<]+)</span>.*?<span class="count">(\d+)/30</span>', agenda, re.S
    )
    assert days[:5] == [
        ("Mon 23 Nov", "1"),
        ("Tue 24 Nov", "0"),
        ("Wed 25 Nov", "0"),
        ("Thu 26 Nov", "0"),
        ("Fri 27 Nov", "1"),
    ]
    assert len(days) == 14


def test_the_json_is_the_command_lines(root: Path) -> None:
    with serving(root) as server, server.client() as client:
        today = client.get("/api/today")
        card = client.get("/api/cards/ivan")
        everyone = client.get("/api/today?all=1")
        missing = client.get("/api/cards/nobody")
    assert today.headers["content-type"].startswith("application/json")
    assert today.text == cli(root, "today", "--json").stdout
    assert card.text == cli(root, "show", "ivan", "--json").stdout
    assert everyone.text == cli(root, "today", "--json", "--all").stdout
    assert missing.status_code == 404 and "no card &#39;nobody&#39; in the binder" in missing.text


# --------------------------------------------------------------------------- actions


ACTIONS = [
    # (what the command line runs, the form the phone posts)
    (
        ["log", "ivan", "sent offer 13", "--kind", "email", "--next", "fri 15:30"],
        ("/cards/ivan/log", {"text": "sent offer 13", "kind": "email", "next": "fri 15:30"}),
    ),
    (
        ["log", "olga", "bought the coat", "--amount", "18400.00"],
        ("/cards/olga/log", {"text": "bought the coat", "amount": "18400.00", "next": "", "kind": ""}),
    ),
    (
        ["log", "maria", "no answer", "--next", "+3d"],
        ("/cards/maria/log", {"text": "no answer", "next": "", "quick": "+3d"}),
    ),
    (
        ["move", "ivan", "5 jul", "--note", "call 5 July"],
        ("/cards/ivan/move", {"when": "5 jul", "note": "call 5 July"}),
    ),
    (["park", "olga"], ("/cards/olga/park", {})),
    (
        ["request", "emily", "wants the winter price list"],
        ("/cards/emily/request", {"text": "wants the winter price list"}),
    ),
    (
        [
            "new",
            "Zoe Quinn",
            "--set",
            "phone=+49 30 1234567",
            "--set",
            "company=Quinn Optics",
            "--next",
            "tomorrow",
        ],
        (
            "/new",
            {"name": "Zoe Quinn", "phone": "+49 30 1234567", "company": "Quinn Optics", "next": "tomorrow"},
        ),
    ),
]


def test_each_form_writes_what_the_command_line_writes_in_one_commit(root: Path, tmp_path: Path) -> None:
    phone = twin(root, tmp_path / "phone")
    with serving(phone) as server, server.client() as client:
        csrf = csrf_of(client.get("/new").text)
        for args, (path, form) in ACTIONS:
            done = cli(root, *args)
            assert done.returncode == 0, done.stderr
            commits = len(subjects(phone))
            answer = client.post(path, data={**form, "csrf": csrf})
            assert answer.status_code == 303, answer.text
            assert len(subjects(phone)) == commits + 1, args
            assert subjects(phone)[0] == subjects(root)[0]
            changed = git(phone, "show", "--name-status", "--format=", "HEAD")
            assert changed == git(root, "show", "--name-status", "--format=", "HEAD"), args
            assert snapshot(phone) == snapshot(root), args
    assert git(phone, "status", "--porcelain") == ""
    assert subjects(phone)[:7] == [
        "tickler new: zoe-quinn -> 2026-11-24",
        "tickler request: emily -> 2026-11-24 00:05",
        "tickler park: olga",
        "tickler move: ivan -> 2027-07-05 15:30",  # (a date alone keeps the time)
        "tickler log: maria -> 2026-11-26 10:00",
        "tickler log: olga",
        "tickler log: ivan -> 2026-11-27 15:30",
    ]


def test_after_a_form_the_next_page_says_what_was_done(root: Path) -> None:
    with serving(root) as server, server.client() as client:
        csrf = csrf_of(client.get("/cards/ivan").text)
        answer = client.post("/cards/ivan/log", data={"text": "agreed", "quick": "+1d", "csrf": csrf})
        assert answer.status_code == 303
        target = answer.headers["location"]
        assert target.startswith("/?said=")
        page = client.get(target).text
        again = client.get(target).text  # said once
    assert "<li>ivan: - 2026-11-23 14:05 call: agreed. Next: 2026-11-24 15:30</li>" in page
    assert "<li>ivan: 2026-11-23 15:30 -&gt; 2026-11-24 15:30 (days/24/)</li>" in page
    assert "agreed" not in again


BAD = [
    # (path, form, the command line's arguments for the same mistake, what is said)
    (
        "/cards/ivan/log",
        {"text": "called", "next": "someday"},
        ["log", "ivan", "called", "--next", "someday"],
        "'someday' is not a date",
    ),
    (
        "/cards/ivan/log",
        {"text": "bought", "amount": "12,5"},
        ["log", "ivan", "bought", "--amount", "12,5"],
        "'12,5' is not an amount: write it like 12500.00",
    ),
    (
        "/cards/ivan/log",
        {"text": "x", "kind": "two words"},
        ["log", "ivan", "x", "--kind", "two words"],
        "'two words' is not a Log kind",
    ),
    ("/cards/ivan/move", {"when": "31 feb"}, ["move", "ivan", "31 feb"], "is not a real date"),
    ("/cards/ivan/move", {"when": ""}, ["move", "ivan", ""], "an empty date"),
    ("/cards/ivan/request", {"text": "  "}, ["request", "ivan", "  "], "say what the customer asked"),
    ("/new", {"name": "  "}, ["new", "  "], "a card needs a name"),
    ("/new", {"name": "Zed", "next": "+2x"}, ["new", "Zed", "--next", "+2x"], "write days ahead as"),
]


@pytest.mark.parametrize("path,form,args,said", BAD, ids=[f"{p} {f}" for p, f, _, _ in BAD])
def test_bad_input_is_400_with_the_command_lines_message_and_nothing_changed(
    root: Path, path: str, form: dict[str, str], args: list[str], said: str
) -> None:
    refused = cli(root, *args)
    assert refused.returncode == 1 and said in refused.stderr
    message = refused.stderr.removeprefix("tickler: error: ").strip()
    message = re.sub(r"^(--next|WHEN): ", "", message)  # the argument's name: the form names its field
    before = unchanged(root)
    with serving(root) as server, server.client() as client:
        csrf = csrf_of(client.get("/new").text)
        answer = client.post(path, data={**form, "csrf": csrf})
    assert answer.status_code == 400
    shown = re.search(r'<p class="error" role="alert">([^<]*)</p>', answer.text)
    assert shown is not None
    text = (
        shown.group(1).replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    )
    assert text.endswith(message), (text, message)
    for value in form.values():  # what was typed is still in the form
        if value.strip():
            assert value.replace("'", "&#39;") in answer.text
    assert unchanged(root) == before


def test_an_unknown_card_is_404_and_what_was_typed_is_shown(root: Path) -> None:
    before = unchanged(root)
    with serving(root) as server, server.client() as client:
        csrf = csrf_of(client.get("/new").text)
        answer = client.post("/cards/nobody/log", data={"text": "a long note from the car", "csrf": csrf})
        page = client.get("/cards/nobody")
    assert answer.status_code == 404
    assert "no card &#39;nobody&#39; in the binder" in answer.text
    assert "a long note from the car" in answer.text
    assert page.status_code == 404
    assert unchanged(root) == before


def test_a_phone_log_and_a_command_line_log_at_once_keep_both_entries(root: Path) -> None:
    rounds = 6
    with serving(root) as server, server.client() as client:
        csrf = csrf_of(client.get("/cards/ivan").text)
        for n in range(rounds):
            start = threading.Barrier(2)
            answers: list[httpx.Response] = []

            def phone(
                n: int = n, start: threading.Barrier = start, answers: list[httpx.Response] = answers
            ) -> None:
                start.wait()
                answers.append(client.post("/cards/ivan/log", data={"text": f"phone {n}", "csrf": csrf}))

            worker = threading.Thread(target=phone)
            worker.start()
            start.wait()
            done = cli(root, "log", "ivan", f"desk {n}")
            worker.join()
            assert done.returncode == 0, done.stderr
            assert answers[0].status_code == 303
    text = (root / "days/23/ivan.md").read_text()
    for n in range(rounds):
        assert text.count(f"call: phone {n}\n") == 1
        assert text.count(f"call: desk {n}\n") == 1
    assert subjects(root)[: 2 * rounds] == ["tickler log: ivan"] * (2 * rounds)
    assert git(root, "status", "--porcelain") == ""


XSS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(2)>',
    "</textarea><svg onload=alert(3)>",
    "javascript:alert(4)",
]


def test_markup_in_every_field_comes_out_escaped(root: Path) -> None:
    name, company, phone, text = XSS[0], XSS[1], XSS[2] + " 555", XSS[2]
    with serving(root) as server, server.client() as client:
        csrf = csrf_of(client.get("/new").text)
        made = client.post(
            "/new", data={"name": name, "company": company, "phone": phone, "next": "today", "csrf": csrf}
        )
        assert made.status_code == 303
        card = made.headers["location"].split("?")[0]
        said = client.get(made.headers["location"]).text
        logged = client.post(f"{card}/log", data={"text": text, "kind": "", "csrf": csrf})
        assert logged.status_code == 303
        client.post(f"{card}/request", data={"text": XSS[3], "csrf": csrf})
        card_id = card.rsplit("/", 1)[1]
        (path,) = root.glob(f"days/*/{card_id}.md")
        notes = f"{XSS[0]}\n\n[click]({XSS[3]})\n\n<img src=x onerror=alert(5)>\n\n## Log"
        fields = "title: '<script>alert(1)</script>'\nemail: '\"><img src=x onerror=alert(2)>'\n"
        fields += "tags: ['</textarea><svg onload=alert(3)>']\n"
        text = path.read_text().replace("## Log", notes, 1)
        path.write_text(
            re.sub(r"^title:.*\n|^email:.*\n|^tags:.*\n", "", text, flags=re.M).replace(
                "\nname:", "\n" + fields.rstrip("\n") + "\nname:", 1
            )
        )
        pages = [
            said,
            client.get(card).text,
            client.get("/").text,
            client.get("/agenda").text,
            client.get("/find", params={"q": "script"}).text,
            client.get("/find", params={"q": XSS[1], "text": "1"}).text,
        ]
        bad = client.post(f"{card}/move", data={"when": XSS[0], "note": XSS[1], "csrf": csrf})
        assert bad.status_code == 400
        pages.append(bad.text)
    for page in pages:
        for payload in XSS[:3]:
            assert payload not in page
        assert "<img" not in page and "<svg" not in page and page.count("<script") == 1  # tickler.js alone
        assert not re.search(r'href="\s*javascript:', page)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages[1]  # the name, and the notes' raw HTML
    assert "&lt;/textarea&gt;&lt;svg onload=alert(3)&gt;" in pages[1]  # the Log entry, the tags
    assert 'href="mailto:&#34;&gt;&lt;img src=x onerror=alert(2)&gt;"' in pages[1]  # the email
    assert "<p>[click](javascript:alert(4))</p>" in pages[1]  # markdown-it refuses the link


# --------------------------------------------------------------------------- the command


def test_serve_refuses_what_it_cannot_do(root: Path) -> None:
    done = cli(root, "serve", "--cert", "cert.pem")
    assert done.returncode == 2 and "--cert and --key go together" in done.stderr
    done = cli(root, "serve", "--cert", "nothing.pem", "--key", "nothing.key")
    assert done.returncode == 1 and "--cert nothing.pem: no such file" in done.stderr
    done = cli(root, "serve", "--sync", "often")
    assert done.returncode == 2 and "--sync 'often': write how often as 5m, 1h or 30s" in done.stderr
    done = cli(root, "serve", environ=env(TICKLER_TOKEN="short"))
    assert done.returncode == 1 and "TICKLER_TOKEN: a token needs at least 16" in done.stderr
    assert "Traceback" not in done.stderr
    with serving(root) as server:
        port = server.base.rsplit(":", 1)[1]
        done = cli(root, "serve", "--port", port)
    assert done.returncode == 1 and f"--port {port}: cannot listen there" in done.stderr


@pytest.mark.skipif(
    shutil.which("openssl") is None, reason="openssl is not installed (it makes the test certificate)"
)
def test_https_with_cert_and_key_and_a_secure_cookie(root: Path, tmp_path: Path) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    with serving(root, "--cert", str(cert), "--key", str(key)) as server:
        assert server.link.startswith("https://127.0.0.1:")
        with server.client(bearer=False, verify=False) as client:
            answer = client.get(f"/?token={TOKEN}")
            assert answer.status_code == 303
            assert "Secure" in answer.headers["set-cookie"]
            assert client.get("/").status_code == 200


def test_serve_stays_on_this_machine_unless_told(root: Path) -> None:
    with serving(root) as server:
        assert server.base.startswith("http://127.0.0.1:")
    assert "plain HTTP beyond this machine" not in server.log.read_text()


def test_settings_changed_while_serving_are_read_again(root: Path) -> None:
    with serving(root) as server, server.client() as client:
        assert "load 2/30" in client.get("/").text
        settings = root / "tickler.toml"
        settings.write_text(settings.read_text().replace("capacity = 30", "capacity = 5"))
        os.utime(settings, ns=(1, 1))  # a different stamp even within the clock's resolution
        assert "load 2/5" in client.get("/").text


def test_the_clock_is_the_servers(root: Path) -> None:
    with serving(root) as server, server.client() as client:
        assert "Monday 23 November 2026" in client.get("/").text
    assert NOW.startswith("2026-11-23")


def test_on_a_terminal_the_link_comes_with_its_qr_code(root: Path) -> None:
    import pty
    import select

    main, sub = pty.openpty()
    assert TICKLER is not None
    process = subprocess.Popen(
        [TICKLER, "--binder", str(root), "serve", "--port", "0"],
        stdin=subprocess.DEVNULL,
        stdout=sub,
        stderr=sub,
        env=env(),
        start_new_session=True,
    )
    os.close(sub)
    seen = b""
    try:
        while b"Ctrl-C stops" not in seen:  # said after the link and the code
            ready, _, _ = select.select([main], [], [], 60)
            assert ready, f"serve said nothing more: {seen!r}"
            seen += os.read(main, 65536)
    finally:
        process.terminate()
        process.wait(timeout=30)
        os.close(main)
    screen = seen.decode()
    assert f"/?token={TOKEN}" in screen
    code = [line for line in screen.splitlines() if set(line.strip()) <= set("█▀▄ ") and line.strip()]
    assert len(code) >= 10  # a QR code of the link, two rows of modules a line
    assert len({len(line.rstrip()) for line in code[1:-1]}) <= 2


def test_the_card_page_links_the_dossier_files_and_serves_only_those(root: Path, tmp_path: Path) -> None:
    offer, page_file = tmp_path / "offer 12.pdf", tmp_path / "notes.html"
    offer.write_bytes(b"%PDF-1.4 offer twelve\n")
    page_file.write_text("<script>alert(1)</script>", encoding="utf-8")
    assert cli(root, "attach", "ivan", str(offer), str(page_file)).returncode == 0
    with serving(root) as server, server.client() as client:
        brief = client.get("/cards/ivan").text
        assert '<a href="/cards/ivan/files/offer%2012.pdf">offer 12.pdf</a>' in brief
        pdf = client.get("/cards/ivan/files/offer%2012.pdf")
        assert pdf.status_code == 200 and pdf.content == b"%PDF-1.4 offer twelve\n"
        assert pdf.headers["content-type"] == "application/pdf"
        assert pdf.headers["content-disposition"].startswith("inline;")
        html = client.get("/cards/ivan/files/notes.html")  # never rendered on the server's origin
        assert html.headers["content-type"] == "application/octet-stream"
        assert html.headers["content-disposition"].startswith("attachment;")
        for wrong in (
            "/cards/ivan/files/../../tickler.toml",
            "/cards/ivan/files/%2e%2e/%2e%2e/tickler.toml",
            "/cards/ivan/files/nothing.pdf",
            "/cards/olga/files/offer%2012.pdf",
        ):
            assert client.get(wrong).status_code == 404, wrong
    with serving(root) as server, server.client(bearer=False) as client:
        assert client.get("/cards/ivan/files/offer%2012.pdf").status_code == 401
