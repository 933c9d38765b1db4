"""How many examples a property test tries, by Hypothesis profile.

`make test` runs the "ci" profile: every property test tries the same examples each run
(derandomized), a share of the number its author chose, so the suite stays quick and never
fails by the dice. `make test-explore` runs the "explore" profile: new examples every run,
several times as many, to look for what the fixed ones miss. Profiles are registered in
tests/conftest.py.
"""

from __future__ import annotations

import os

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
_SCALE = {"ci": 0.4, "explore": 4.0}


def budget(examples: int) -> int:
    """The number of examples to try for a test whose author chose `examples`."""
    return max(1, round(examples * _SCALE.get(PROFILE, 1.0)))
