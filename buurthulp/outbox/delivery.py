"""How a rendered mail leaves: the console (development), SMTP, or a list (tests).

Called by the sender with no transaction open. Any exception means "not delivered": the
sender keeps the row and tries again later.
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app

log = logging.getLogger(__name__)
MAILBOX = "buurthulp_mailbox"


def build_message(
    *, to: str, subject: str, body: str, message_id: int, headers: dict[str, str] | None = None
) -> EmailMessage:
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["BUURTHULP_MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(idstring=f"outbox-{message_id}", domain=_domain())
    message["X-Buurthulp-Outbox-Id"] = str(message_id)
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    return message


def _domain() -> str:
    """The host name of the base URL: our name towards mail servers."""
    base = current_app.config["BUURTHULP_BASE_URL"]
    return base.split("://", 1)[-1].split("/", 1)[0].split(":")[0] or "localhost"


def deliver(
    *, to: str, subject: str, body: str, message_id: int, headers: dict[str, str] | None = None
) -> None:
    backend = current_app.config["BUURTHULP_MAIL_BACKEND"]
    message = build_message(
        to=to, subject=subject, body=body, message_id=message_id, headers=headers
    )
    if backend == "console":
        log.warning("mail #%s to %s: %s\n%s", message_id, to, subject, body)
    elif backend == "memory":
        current_app.extensions.setdefault(MAILBOX, []).append(message)
    elif backend == "smtp":
        _smtp(message)
    else:
        raise RuntimeError(f"unknown BUURTHULP_MAIL_BACKEND {backend!r}")


def _smtp(message: EmailMessage) -> None:
    """Send one message. Once the server has accepted it, it counts as delivered: a server
    that hangs up badly afterwards (421 to QUIT) must not make us send it a second time."""
    config = current_app.config
    # Our own name in HELO/EHLO from the base URL: smtplib would otherwise look up the
    # machine's FQDN on every connection, which hangs where DNS does not answer.
    smtp = smtplib.SMTP(
        config["SMTP_HOST"],
        config["SMTP_PORT"],
        local_hostname=_domain(),
        timeout=config["SMTP_TIMEOUT"],
    )
    try:
        if config["SMTP_STARTTLS"]:
            smtp.starttls()
        if config["SMTP_USERNAME"]:
            smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"])
        smtp.send_message(message)
    finally:
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()
