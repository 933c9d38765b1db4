"""Fill Dutch translations into the catalogue from a Python dict file: `msgid -> msgstr`.

    python scripts/fill_translations.py NL_DICT.py

The file defines `NL = {...}` (a plural entry maps a (singular, plural) tuple to a tuple).
Only empty entries are filled, so a reviewed translation is never overwritten.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

PO = Path(__file__).resolve().parent.parent / "buurthulp/translations/nl/LC_MESSAGES/messages.po"


def main(source: str) -> int:
    table = runpy.run_path(source)["NL"]
    with PO.open("rb") as handle:
        catalog = read_po(handle, locale="nl")
    filled = 0
    for message in catalog:
        if not message.id or message.id not in table:
            continue
        empty = not all(message.string) if isinstance(message.id, tuple) else not message.string
        if empty:
            message.string = table[message.id]
            filled += 1
    with PO.open("wb") as handle:
        write_po(handle, catalog, sort_output=True)
    print(f"filled {filled} translations")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
