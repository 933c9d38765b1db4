"""How the privacy rights plug into the app: the pages, `flask retention`, and
`flask users erase`."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    from buurthulp.accounts.cli import users_cli
    from buurthulp.privacy.cli import erase_command, retention_cli
    from buurthulp.privacy.views import bp

    app.register_blueprint(bp)
    app.cli.add_command(retention_cli)
    # A module-level command: adding it again for a second app replaces it with itself.
    users_cli.add_command(erase_command)
