"""New English msgids of the JSON API parity work (feat-api), with their Dutch text.

None: the new endpoints answer with the services' existing, already translated messages
(and the registry's summaries and pydantic's field errors, which are not translated).
"""

NL: dict[str, str] = {}
