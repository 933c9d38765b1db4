"""The personal-data access log: staff views of a resident's data leave a trace."""

from __future__ import annotations

from buurthulp.auth.models import Member
from buurthulp.extensions import db
from buurthulp.privacy.models import AccessLogEntry


def log_access(*, viewer: Member, subject: Member, what: str, reason: str = "") -> None:
    """Record that `viewer` opened `what` of `subject` (only flushes; the caller commits).

    A member looking at their own data is not logged: the log answers "who else looked".
    """
    if viewer.id == subject.id:
        return
    db.session.add(
        AccessLogEntry(
            viewer_id=viewer.id, subject_id=subject.id, what=what[:40], reason=reason[:200]
        )
    )
    db.session.flush()
