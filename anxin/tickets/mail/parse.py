"""Reading one RFC 5322 message: sender, threading headers, the new text of a reply, attachments.

Pure functions, no database. ``mail_parse`` raises ``MailProblem`` with a precise reason when the
message cannot be used (the caller quarantines it); ``lenient=True`` (an agent releasing a
quarantined mail) tolerates defects and replaces undecodable characters instead.
"""

from __future__ import annotations

import codecs
import email
import email.errors
import email.policy
import re
from dataclasses import dataclass, field
from email.message import EmailMessage, Message
from html.parser import HTMLParser
from typing import Final

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

# Defects that mean the structure itself is broken, not just a sloppy header.
FATAL_DEFECTS: Final = (
    email.errors.MissingHeaderBodySeparatorDefect,
    email.errors.NoBoundaryInMultipartDefect,
    email.errors.StartBoundaryNotFoundDefect,
    email.errors.FirstHeaderLineIsContinuationDefect,
    email.errors.MultipartInvariantViolationDefect,
)

# Mail clients label charsets loosely: GB2312 mail routinely holds GBK characters.
CHARSET_ALIASES: Final = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "ks_c_5601-1987": "cp949",
    "x-unknown": "",
    "unknown-8bit": "",
}

MESSAGE_ID = re.compile(r"<[^<>\s]{1,250}>")


class MailProblem(Exception):
    """The message cannot be used as it is; ``reason`` says why (kept with the quarantined row)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Attachment:
    name: str
    content_type: str
    content: bytes


@dataclass
class ParsedMail:
    message: EmailMessage
    message_id: str = ""
    sender: str = ""  # the address, lower-case
    sender_name: str = ""
    subject: str = ""
    in_reply_to: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    text: str = ""  # the new text of a reply, quoted history removed
    full_text: str = ""
    attachments: list[Attachment] = field(default_factory=list)

    @property
    def thread_ids(self) -> list[str]:
        """Message-IDs this mail answers, most specific first."""
        seen: list[str] = []
        for mid in [*self.in_reply_to, *reversed(self.references)]:
            if mid not in seen:
                seen.append(mid)
        return seen


def message_ids(value: str | None) -> list[str]:
    return MESSAGE_ID.findall(value or "")


def header_text(message: Message, name: str) -> str:
    """A header as text; an unreadable header counts as absent."""
    try:
        value = message.get(name)
    except Exception:  # the header parser raises various errors on hostile input
        return ""
    return " ".join(str(value).split()) if value is not None else ""


def parse_headers(raw: bytes) -> EmailMessage:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def sender_of(message: Message) -> tuple[str, str]:
    """(address, display name) of the first From address, or ("", "") when there is none usable."""
    try:
        header = message.get("From")
        addresses = getattr(header, "addresses", ()) if header is not None else ()
    except Exception:
        return "", ""
    for address in addresses:
        spec = (address.addr_spec or "").strip().lower()
        try:
            validate_email(spec)
        except ValidationError:
            continue
        return spec, (address.display_name or "").strip()[:80]
    return "", ""


# --- text ----------------------------------------------------------------------------------------


def _charset(part: Message) -> str:
    name = (part.get_content_charset() or "us-ascii").lower()
    name = CHARSET_ALIASES.get(name, name)
    if not name:
        raise LookupError(part.get_content_charset())
    codecs.lookup(name)
    return name


def part_text(part: Message, *, lenient: bool) -> str:
    payload = part.get_payload(decode=True)
    data = payload if isinstance(payload, bytes) else b""
    try:
        charset = _charset(part)
    except LookupError as error:
        if lenient:
            return data.decode("utf-8", errors="replace")
        raise MailProblem(
            f"The text uses an unknown character set ({part.get_content_charset()})."
        ) from error
    try:
        return data.decode(charset, errors="replace" if lenient else "strict")
    except UnicodeDecodeError as error:
        raise MailProblem(f"The text cannot be decoded as {charset}.") from error


class _HtmlText(HTMLParser):
    """Visible text of an HTML body: no scripts or styles, line breaks at block elements."""

    BLOCKS = frozenset(
        {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre"}
    )
    SKIP = frozenset({"script", "style", "head", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    parser = _HtmlText()
    parser.feed(html)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


# Where the quoted history of a reply starts (English, Chinese clients, Outlook, QQ/Foxmail).
QUOTE_MARKERS: Final = (
    re.compile(r"^On\b.{0,300}\bwrote:\s*$", re.I),
    re.compile(r"^-{2,}\s*Original Message\s*-{2,}", re.I),
    re.compile(r"^-{2,}\s*(原始邮件|原始郵件|回复的原邮件)\s*-{2,}"),
    re.compile(r"^在.{0,300}写道[:：]\s*$"),
    re.compile(r"^_{10,}\s*$"),
)
HEADER_BLOCK: Final = re.compile(r"^(From|发件人|寄件者)\s*[:：]", re.I)
HEADER_NEXT: Final = re.compile(r"^(Sent|Date|To|Subject|发送时间|日期|收件人|主题)\s*[:：]", re.I)


def strip_quoted(text: str) -> str:
    """The new part of a reply: everything above the first quote marker, without trailing ">"
    lines. Empty when the mail is nothing but a quote (the caller keeps the full text then)."""
    lines = text.splitlines()
    cut = len(lines)
    for i, line in enumerate(lines):
        line = line.strip()
        pair = f"{line} {lines[i + 1].strip()}" if i + 1 < len(lines) else line
        if any(m.search(line) or m.search(pair) for m in QUOTE_MARKERS[:1]) or any(
            m.search(line) for m in QUOTE_MARKERS[1:]
        ):
            cut = i
            break
        if HEADER_BLOCK.search(line) and any(
            HEADER_NEXT.search(n.strip()) for n in lines[i + 1 : i + 4]
        ):
            cut = i
            break
    kept = lines[:cut]
    while kept and (not kept[-1].strip() or kept[-1].lstrip().startswith(">")):
        kept.pop()
    return "\n".join(kept).strip()


# --- attachments ---------------------------------------------------------------------------------


def _is_attachment(part: Message) -> bool:
    disposition = (part.get_content_disposition() or "").lower()
    return disposition == "attachment" or bool(part.get_filename())


def _attachments(message: EmailMessage, body: Message | None) -> list[Attachment]:
    found: list[Attachment] = []
    for part in message.walk():
        if part is body or part.is_multipart() or not _is_attachment(part):
            continue
        payload = part.get_payload(decode=True)
        content = payload if isinstance(payload, bytes) else b""
        name = (part.get_filename() or "attachment").strip()[:200] or "attachment"
        found.append(Attachment(name=name, content_type=part.get_content_type(), content=content))
    return found


# --- the whole message ---------------------------------------------------------------------------


def mail_parse(raw: bytes, *, lenient: bool = False) -> ParsedMail:
    """Everything the desk needs from one message, or ``MailProblem``."""
    message = parse_headers(raw)
    if not lenient:
        fatal = [d for d in message.defects if isinstance(d, FATAL_DEFECTS)]
        if fatal or not message.keys():
            detail = type(fatal[0]).__name__ if fatal else "no headers"
            raise MailProblem(f"The message structure is broken ({detail}).")
        for part in message.walk():
            broken = [d for d in part.defects if isinstance(d, FATAL_DEFECTS)]
            if broken:
                raise MailProblem(f"The message structure is broken ({type(broken[0]).__name__}).")
    sender, name = sender_of(message)
    parsed = ParsedMail(
        message=message,
        message_id=(message_ids(header_text(message, "Message-ID")) or [""])[0],
        sender=sender,
        sender_name=name,
        subject=header_text(message, "Subject")[:255],
        in_reply_to=message_ids(header_text(message, "In-Reply-To")),
        references=message_ids(header_text(message, "References")),
    )
    try:
        body = message.get_body(preferencelist=("plain", "html"))
    except Exception:  # a broken MIME tree
        body = None
    if body is not None and _is_attachment(body):
        body = None
    text = ""
    if body is not None:
        text = part_text(body, lenient=lenient)
        if body.get_content_type() == "text/html":
            text = html_to_text(text)
    full = text.replace("\r\n", "\n").strip()
    parsed.full_text = full
    parsed.text = strip_quoted(full) or full
    parsed.attachments = _attachments(message, body)
    return parsed
