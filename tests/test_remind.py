"""`xlreg remind` against a real SMTP server started on 127.0.0.1 (aiosmtpd): the messages received equal the
drafts written with --out, one per owner with overdue or due items, each listing the items the engine lists for
that owner; --every keeps an owner from being reminded twice too soon; a bad server or a refused login is one
plain line."""

from __future__ import annotations

import contextlib
import datetime as dt
import email
import hashlib
import io
import shutil
import socket
from collections.abc import Iterator
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from tests import ordinary_register as ordinary
from xl_addin import cli, resources
from xl_addin.engine.overdue import due_items, overdue_items
from xl_addin.settings import resolve
from xl_addin.usecases.actions import load_register

AS_OF = "2026-11-25"
OWNERS = {"Ana Costa": "ana.costa@example.com", "Tom Becker": "tom.becker@example.com",
          "Priya Shah": "priya.shah@example.com", "Jonas Lind": "jonas.lind@example.com"}


def run(*argv: str) -> tuple[int, str, str]:
    out, errors = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(errors):
        code = cli.main(list(argv), out=out)
    return code, out.getvalue(), errors.getvalue()


class Inbox:
    """What the test's SMTP server received."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.recipients: list[list[str]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # aiosmtpd calls it by this name
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))  # type: ignore[arg-type]
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def smtp_server(*, login: tuple[str, str] | None = None) -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), _free_port()

    def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        def text(value: str | bytes) -> str:
            return value.decode() if isinstance(value, bytes) else value

        given = (text(data.login), text(data.password)) if hasattr(data, "login") else None
        return AuthResult(success=given == login, handled=False)  # not handled: the server answers 535

    options: dict[str, Any] = {"authenticator": authenticate, "auth_require_tls": False} if login else {}
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture()
def register(tmp_path: Path) -> Path:
    path = shutil.copyfile(resources.sample_path(), tmp_path / "register.xlsx")
    (tmp_path / "owners.toml").write_text("".join(f'"{name}" = "{address}"\n' for name, address in OWNERS.items()),
                                          encoding="utf-8")
    return path


def engine_items(path: Path, **mapping: str) -> dict[str, set[str]]:
    """Each owner's overdue items and items due within 14 days, as the engine lists them."""
    register, schema = load_register(path, resolve(mapping).schema())
    as_of = dt.date.fromisoformat(AS_OF)
    found: dict[str, set[str]] = {}
    for item in (*overdue_items(register, schema, as_of=as_of), *due_items(register, schema, as_of=as_of,
                                                                          within_days=14)):
        found.setdefault(item.owner, set()).add(item.item_id)
    return found


def listed_ids(message: EmailMessage, candidates: set[str]) -> set[str]:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    text = body.get_content()
    return {item for item in candidates if f"* {item}:" in text}


def parts(message: EmailMessage) -> tuple[str, str, str, str]:
    plain, rich = message.get_body(("plain",)), message.get_body(("html",))
    assert plain is not None and rich is not None
    return str(message["Subject"]), str(message["To"]), plain.get_content(), rich.get_content()


def test_the_messages_sent_are_the_drafts_one_per_owner_with_the_engines_items(register: Path,
                                                                                tmp_path: Path) -> None:
    drafts = tmp_path / "drafts"
    code, text, _ = run("remind", str(register), "--as-of", AS_OF, "--owners", str(tmp_path / "owners.toml"),
                        "--out", str(drafts))
    assert code == 0, text
    written = {path.stem: email.message_from_bytes(path.read_bytes(), policy=policy.default)
               for path in sorted(drafts.glob("*.eml"))}
    expected = engine_items(register)
    assert set(written) == set(OWNERS) & set(expected)  # one per owner with an address and items
    for owner, draft in written.items():
        assert isinstance(draft, EmailMessage)
        assert draft["X-Unsent"] == "1" and draft["To"] == OWNERS[owner]
        everything = set().union(*expected.values())
        assert listed_ids(draft, everything) == expected[owner]
    # owners with items but no address are named, not guessed
    for owner in set(expected) - set(OWNERS) - {"(no owner)"}:
        assert f"  {owner}: " in text
    assert "Nothing was logged" in text

    with smtp_server() as (inbox, port):
        code, text, errors = run("remind", str(register), "--as-of", AS_OF, "--owners", str(tmp_path / "owners.toml"),
                                 "--smtp", f"127.0.0.1:{port}", "--from", "quality@example.com")
    assert code == 0, errors
    assert len(inbox.messages) == len(written)
    received = {str(message["To"]): message for message in inbox.messages}
    for owner, draft in written.items():
        message = received[OWNERS[owner]]
        assert parts(message) == parts(draft)
        assert message["From"] == "quality@example.com" and message["X-Unsent"] is None
    overdue = sum(1 for item in overdue_items(*load_register(register, resolve({}).schema()),
                                              as_of=dt.date.fromisoformat(AS_OF)) if item.owner == "Ana Costa")
    assert str(received[OWNERS["Ana Costa"]]["Subject"]).startswith(f"Improvement register: {overdue} overdue item")


def test_every_keeps_an_owner_from_being_reminded_twice_and_the_log_says_who_was_sent_what(register: Path,
                                                                                           tmp_path: Path) -> None:
    owners = str(tmp_path / "owners.toml")
    with smtp_server() as (inbox, port):
        server = ("--smtp", f"127.0.0.1:{port}", "--from", "quality@example.com")
        code, text, errors = run("remind", str(register), "--as-of", AS_OF, "--owners", owners, *server,
                                 "--every", "7", "--in-place")
        assert code == 0, errors
        first = len(inbox.messages)
        assert first >= 3 and "Logged" in text
        before = hashlib.sha256(register.read_bytes()).hexdigest()
        code, text, errors = run("remind", str(register), "--as-of", AS_OF, "--owners", owners, *server,
                                 "--every", "7", "--in-place")
        assert code == 0, errors
        assert len(inbox.messages) == first  # nothing sent inside --every
        assert "Reminded within the last 7 days" in text and "Nobody to remind now" in text
        assert hashlib.sha256(register.read_bytes()).hexdigest() == before  # nothing sent, nothing logged
    log = openpyxl.load_workbook(register)["Reminder log"]
    rows = list(log.iter_rows(values_only=True))
    assert rows[0] == ("Sent", "Owner", "Address", "Overdue items", "Due items", "Items", "How")
    assert sorted(row[1] for row in rows[1:]) == sorted(str(m["To"]).split("@")[0].replace(".", " ").title()
                                                        for m in inbox.messages)
    assert all(row[6] == "sent" and isinstance(row[0], dt.datetime) for row in rows[1:])


def test_addresses_come_from_an_owner_email_column_first(tmp_path: Path) -> None:
    built = ordinary.build_register(tmp_path)
    workbook = openpyxl.load_workbook(built.path)
    sheet = workbook.active
    column = len(ordinary.HEADERS) + 1
    sheet.cell(ordinary.HEADER_ROW, column, "Owner email")
    owner_column = ordinary.HEADERS.index("Owner") + 1
    for row in range(built.first_row, built.first_row + len(built.rows)):
        name = sheet.cell(row, owner_column).value
        if name:
            sheet.cell(row, column, name.lower().replace(" ", ".") + "@plant.example")
    workbook.save(built.path)
    (tmp_path / "owners.toml").write_text('"Ana Costa" = "ana@elsewhere.example"\n', encoding="utf-8")
    mapping = tmp_path / "ci.toml"
    assert run("map", str(built.path), "-o", str(mapping))[0] == 0
    code, text, _ = run("remind", str(built.path), "--mapping", str(mapping), "--as-of", AS_OF, "--owners",
                        str(tmp_path / "owners.toml"), "--out", str(tmp_path / "drafts"))
    assert code == 0, text
    addresses = {str(email.message_from_bytes(path.read_bytes(), policy=policy.default)["To"])
                 for path in (tmp_path / "drafts").glob("*.eml")}
    assert addresses and all(address.endswith("@plant.example") for address in addresses)
    assert "ana.costa@plant.example" in addresses
    expected = engine_items(built.path, mapping=str(mapping))
    assert len(addresses) == len(set(expected) - {"(no owner)"})


def test_a_bad_server_or_a_refused_login_is_one_plain_line(register: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    owners = str(tmp_path / "owners.toml")
    before = hashlib.sha256(register.read_bytes()).hexdigest()
    code, _, errors = run("remind", str(register), "--as-of", AS_OF, "--owners", owners, "--smtp",
                          f"127.0.0.1:{_free_port()}", "--from", "quality@example.com", "--in-place")
    assert code == 2
    assert errors.strip().count("\n") == 0 and errors.startswith("xlreg: Could not reach the mail server 127.0.0.1:")
    assert "Traceback" not in errors
    monkeypatch.setenv("XLREG_SMTP_PASSWORD", "wrong")
    with smtp_server(login=("quality", "right")) as (inbox, port):
        code, _, errors = run("remind", str(register), "--as-of", AS_OF, "--owners", owners, "--smtp",
                              f"127.0.0.1:{port}", "--from", "quality@example.com", "--user", "quality",
                              "--in-place")
    assert code == 2 and not inbox.messages
    assert errors == (f"xlreg: The mail server 127.0.0.1:{port} refused the login for quality: check the user name "
                      "and the password (XLREG_SMTP_PASSWORD).\n")
    assert hashlib.sha256(register.read_bytes()).hexdigest() == before  # nothing went, nothing was logged
    monkeypatch.setenv("XLREG_SMTP_PASSWORD", "right")
    with smtp_server(login=("quality", "right")) as (inbox, port):
        code, _, errors = run("remind", str(register), "--as-of", AS_OF, "--owners", owners, "--smtp",
                              f"127.0.0.1:{port}", "--from", "quality@example.com", "--user", "quality")
    assert code == 0 and inbox.messages, errors


def test_remind_says_what_it_needs_in_words(register: Path, tmp_path: Path) -> None:
    code, _, errors = run("remind", str(register))
    assert code == 2 and "remind needs --out DIR" in errors
    code, _, errors = run("remind", str(register), "--smtp", "mail.example.com")
    assert code == 2 and "--smtp needs --from ADDRESS" in errors
    bad = tmp_path / "bad.toml"
    bad.write_text('"Ana Costa" = "not an address"\n', encoding="utf-8")
    code, _, errors = run("remind", str(register), "--owners", str(bad), "--out", str(tmp_path / "d"))
    assert code == 2 and "not an e-mail address" in errors and "Traceback" not in errors
    (tmp_path / "xlreg.toml").write_text('owners = "owners.toml"\n', encoding="utf-8")
    settings = resolve({}, start=tmp_path)
    assert settings["owners"] == str((tmp_path / "owners.toml").resolve())
