"""How a member's name is shown to others: staff marked by the site, never by themselves.

A Python function rather than a template macro: it is called for every line of a statement
and every card of a list, and a Jinja macro call costs many times more.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from buurthulp.auth.labels import role_label


def member_name(display_name: str | None, staff_role: str | None = None) -> Markup:
    """`Marieke <span class="role-badge">coördinator</span>`, escaped."""
    name = escape(display_name or "")
    if not staff_role:
        return Markup(name)  # `name` was escaped just above  # nosec B704
    return Markup('{} <span class="role-badge">{}</span>').format(name, role_label(staff_role))
