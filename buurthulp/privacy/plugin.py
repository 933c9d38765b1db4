"""How the privacy rights plug into the app: the pages, `flask retention`, and
`flask users erase`."""

from __future__ import annotations

from flask import Flask

from buurthulp.personal_data import Provider, register_provider

#: What the erasure core (`privacy.erasure`) and the floors below every feature keep about
#: a member, and how each is forgotten.
PROVIDERS = (
    Provider(
        "account",
        (
            "auth_member",
            "auth_member_tag",
            "auth_role_assignment",
            "auth_session",
            "auth_api_token",
            "auth_second_factor",
            "auth_recovery_code",
        ),
        kept="The member row stays as a pseudonym with its neighbourhood and dates; tags, "
        "sessions, tokens and the second factor go; roles stay (staff are never erased).",
    ),
    Provider(
        "notifications",
        ("notifications_notification", "notifications_preference", "notifications_digest_sent"),
        kept="Their own go; in others' notifications their name becomes the pseudonym.",
    ),
    Provider(
        "consents",
        ("privacy_consent", "privacy_retention_notice"),
        kept="Consents end and stay as a record of what was agreed while the account lived.",
    ),
)


def _forgetting_providers() -> tuple[Provider, ...]:
    from buurthulp.access import reasons
    from buurthulp.audit import services as audit
    from buurthulp.outbox import services as outbox

    return (
        Provider(
            "audit",
            ("audit_entry",),
            audit.forget,
            kept="Who of staff did what, when, stays; the notes about them are emptied.",
            phase=1,
        ),
        Provider(
            "access",
            ("privacy_access_log", "backoffice_access_reason"),
            reasons.forget,
            kept="Who looked, when and the kind of reason stay; the words go.",
        ),
        Provider(
            "mail",
            ("outbox_message",),
            outbox.forget_in_mail,
            kept="Nothing of theirs; others' mail that names them loses its text.",
            phase=1,
        ),
    )


def register(app: Flask) -> None:
    from buurthulp.accounts.cli import users_cli
    from buurthulp.privacy.cli import erase_command, retention_cli
    from buurthulp.privacy.views import bp

    app.register_blueprint(bp)
    for provider in (*PROVIDERS, *_forgetting_providers()):
        register_provider(app, provider)
    app.cli.add_command(retention_cli)
    # A module-level command: adding it again for a second app replaces it with itself.
    users_cli.add_command(erase_command)
