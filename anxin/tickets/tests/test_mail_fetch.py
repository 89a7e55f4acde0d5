"""fetch_mail: Maildir edge cases and the IMAP loop (a scripted IMAP connection; real messages)."""

from __future__ import annotations

import mailbox
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from anxin.tickets.choices import MailStatus
from anxin.tickets.mail.fetch import imap_fetch, maildir_fetch
from anxin.tickets.models import InboundMail, Ticket

from .desk import Desk
from .test_mail_inbound import mail


@pytest.fixture
def desk(shared_desk: Desk) -> Desk:
    """This module's tests share one desk, built once (see conftest.shared_desk)."""
    return shared_desk


class ScriptedImap:
    """Answers like an IMAP4 server holding ``messages`` (uid → bytes), all unseen."""

    def __init__(self, messages: dict[bytes, bytes]) -> None:
        self.messages = messages
        self.seen: list[str] = []
        self.selected = ""
        self.logged_out = False

    def select(self, folder: str) -> tuple[str, list[bytes]]:
        self.selected = folder
        return "OK", [str(len(self.messages)).encode()]

    def uid(self, command: str, *args: str) -> tuple[str, list[Any]]:
        if command == "SEARCH":
            unseen = [u for u in self.messages if u.decode() not in self.seen]
            return "OK", [b" ".join(unseen)]
        if command == "FETCH":
            uid = args[0].encode()
            return "OK", [(b"%s (UID %s BODY[] {n}" % (uid, uid), self.messages[uid]), b")"]
        if command == "STORE":
            assert args[1:] == ("+FLAGS", "(\\Seen)")
            self.seen.append(args[0])
            return "OK", [b""]
        raise AssertionError(command)

    def logout(self) -> tuple[str, list[bytes]]:
        self.logged_out = True
        return "BYE", [b""]


def test_imap_receives_unseen_mail_and_flags_it_seen(desk: Any, settings: Any) -> None:
    # given
    settings.ANXIN_IMAP_FOLDER = "Support"
    server = ScriptedImap({b"7": mail(subject="One"), b"9": b"\x00 garbage"})
    # when
    counts = imap_fetch(connect=lambda: server)  # type: ignore[arg-type,return-value]
    again = imap_fetch(connect=lambda: server)  # type: ignore[arg-type,return-value]
    # then
    assert counts == {"accepted": 1, "quarantined": 1} and not again
    assert server.seen == ["7", "9"] and server.selected == "Support" and server.logged_out
    assert Ticket.objects.count() == 1 and InboundMail.objects.count() == 2


def test_maildir_messages_already_in_cur_are_left_alone(desk: Any, tmp_path: Path) -> None:
    # given a message the mail client already read
    box = mailbox.Maildir(tmp_path / "box", create=True)
    message = mailbox.MaildirMessage(mail())
    message.set_subdir("cur")
    box.add(message)
    # when
    counts = maildir_fetch(path=str(tmp_path / "box"))
    # then
    assert not counts and not InboundMail.objects.exists()


def test_the_command_needs_a_source_and_an_existing_maildir(desk: Any, tmp_path: Path) -> None:
    with pytest.raises(CommandError):
        call_command("fetch_mail")
    with pytest.raises(CommandError):
        call_command("fetch_mail", maildir=str(tmp_path / "missing"))
    with pytest.raises(CommandError):
        call_command("fetch_mail", imap=True)  # no ANXIN_IMAP_HOST


def test_received_mail_is_reported_with_counts(desk: Any, tmp_path: Path, capsys: Any) -> None:
    box = mailbox.Maildir(tmp_path / "box", create=True)
    box.add(mail())
    box.add(mail(headers={"Auto-Submitted": "auto-replied"}))
    call_command("fetch_mail", maildir=str(tmp_path / "box"))
    assert "accepted 1, ignored 1" in capsys.readouterr().out
    assert InboundMail.objects.filter(status=MailStatus.IGNORED).count() == 1
