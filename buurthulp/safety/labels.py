"""The words people read for reports and decisions, in their language."""

from __future__ import annotations

from buurthulp.i18n import lazy_gettext as _l

#: Why a member reports, as they choose it.
REASON_LABELS = {
    "offensive": _l("Rude or hurtful"),
    "scam": _l("A scam, or asking for money"),
    "unsafe": _l("I do not feel safe"),
    "spam": _l("Spam or advertising"),
    "other": _l("Something else"),
}
#: What a coordinator did with a report.
OUTCOME_LABELS = {
    "no_action": _l("No action needed"),
    "talked": _l("Talked with the member"),
    "warned": _l("Warning given"),
    "hidden": _l("Listing hidden"),
    "suspended": _l("Account suspended"),
}
TARGET_LABELS = {
    "listing": _l("listing"),
    "message": _l("message"),
    "member": _l("member"),
}
#: A coordinator's decision about a listing.
DECISION_LABELS = {
    "approved": _l("Checked and placed"),
    "refused": _l("Not placed"),
    "hidden": _l("Hidden"),
    "restored": _l("Shown again"),
}
