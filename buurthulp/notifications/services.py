"""Sending mail: to the console and the outbox in development, SMTP in production."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import select

from buurthulp.extensions import db
from buurthulp.notifications.models import OutboxMail

log = logging.getLogger(__name__)


def send_mail(*, to: str, subject: str, body: str) -> OutboxMail:
    """Record the mail in the outbox and deliver it with the configured backend.

    Called inside the caller's transaction: the outbox row commits with the change it is about.
    """
    mail = OutboxMail(to=to, subject=subject, body=body)
    db.session.add(mail)
    db.session.flush()
    backend = current_app.config["BUURTHULP_MAIL_BACKEND"]
    if backend == "console":
        log.warning("mail to %s: %s\n%s", to, subject, body)
    elif backend == "smtp":
        message = EmailMessage()
        message["From"] = current_app.config["BUURTHULP_MAIL_FROM"]
        message["To"], message["Subject"] = to, subject
        message.set_content(body)
        with smtplib.SMTP(current_app.config["SMTP_HOST"], current_app.config["SMTP_PORT"]) as smtp:
            smtp.send_message(message)
    elif backend != "outbox":
        raise RuntimeError(f"unknown BUURTHULP_MAIL_BACKEND {backend!r}")
    return mail


def recent_outbox(limit: int = 50) -> list[OutboxMail]:
    return list(db.session.scalars(select(OutboxMail).order_by(OutboxMail.id.desc()).limit(limit)))
