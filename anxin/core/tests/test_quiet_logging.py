"""The embedded shape's terminal stays readable: e-mails go to a mailbox on disk with one log line
each, and a client's 4xx is never logged as an error with a traceback (ADR 0012)."""

from __future__ import annotations

import logging
from email import message_from_bytes
from email.header import decode_header, make_header

from django.conf import settings
from django.core import mail
from django.core.mail import EmailMessage

from anxin.core.logfilters import ClientErrorWithoutTraceback
from anxin.core.mailbox import MailboxBackend


def test_the_mailbox_writes_one_eml_per_message_and_logs_one_line_without_the_body(
    tmp_path, caplog
):
    # given
    backend = MailboxBackend(directory=tmp_path / "mail")
    messages = [
        EmailMessage("售后单已同意", "正文：请在 7 天内寄回。", to=["a@example.com"]),
        EmailMessage("Ticket received", "Body text", to=["b@example.com", "c@example.com"]),
    ]
    # when
    with caplog.at_level(logging.INFO, logger="anxin.core.mailbox"):
        sent = backend.send_messages(messages)
    # then
    files = sorted((tmp_path / "mail").glob("*.eml"))
    assert sent == 2 and len(files) == 2
    subjects = {
        str(make_header(decode_header(message_from_bytes(f.read_bytes())["Subject"])))
        for f in files
    }
    assert subjects == {"售后单已同意", "Ticket received"}
    lines = [r.getMessage() for r in caplog.records if r.name == "anxin.core.mailbox"]
    assert len(lines) == 2
    assert "a@example.com" in lines[0] and "售后单已同意" in lines[0]
    assert "b@example.com, c@example.com" in lines[1]
    assert not any("正文" in line or "Body text" in line for line in lines)


def test_the_mailbox_backend_is_a_django_mail_backend(tmp_path, settings):
    # given
    settings.EMAIL_BACKEND = "anxin.core.mailbox.MailboxBackend"
    settings.ANXIN_MAILBOX_DIR = tmp_path
    # when
    sent = mail.send_mail("Hello", "Body", "from@example.com", ["to@example.com"])
    # then
    assert sent == 1 and len(list(tmp_path.glob("*.eml"))) == 1


def test_client_errors_are_not_logged_by_django_request_but_server_errors_are():
    # given
    request_logger = logging.getLogger("django.request")
    # when / then
    assert not request_logger.isEnabledFor(logging.WARNING)  # 403, 404: "Forbidden", "Not Found"
    assert request_logger.isEnabledFor(logging.ERROR)  # 500 with its traceback


def test_a_4xx_record_keeps_its_line_and_loses_its_traceback_a_5xx_keeps_both():
    # given
    try:
        raise ValueError("boom")
    except ValueError as exc:
        info = (type(exc), exc, exc.__traceback__)
    client = logging.LogRecord(
        "django.security.DisallowedHost", logging.ERROR, "", 0, "bad host", (), info
    )
    client.status_code = 400
    server = logging.LogRecord("django.request", logging.ERROR, "", 0, "boom", (), info)
    server.status_code = 500
    keep = ClientErrorWithoutTraceback()
    # when
    passed = keep.filter(client), keep.filter(server)
    # then
    assert passed == (True, True)
    assert client.exc_info is None and client.getMessage() == "bad host"
    assert server.exc_info is not None


def test_one_console_handler_prints_each_record_once():
    # given: Django's default "django" handler would print every django.* record a second time
    logger = logging.getLogger("django")
    # then
    assert logger.handlers == [] and logger.propagate
    assert "client_errors" in settings.LOGGING["handlers"]["console"]["filters"]
