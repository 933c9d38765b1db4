"""The base of every API input model (ground floor: features' schemas.py build on it)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class StrictModel(BaseModel):
    """Input models refuse unknown fields and wrong types instead of guessing."""

    model_config = ConfigDict(extra="forbid", strict=True)
