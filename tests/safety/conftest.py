"""The marketplace's small town (Anna, Bert, Carla, their coordinator Marieke, and Stef with
his coordinator Youssef next door), and helpers the safeguard tests share."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from buurthulp.extensions import db
from buurthulp.notifications.models import Notification
from tests.marketplace.conftest import (
    Street,
    api,
    api_error,
    english,
    street,
    street_world_ids,
)

__all__ = ["Street", "api", "api_error", "english", "kinds_of", "street", "street_world_ids"]


def kinds_of(member: Any) -> list[str]:
    """The notification kinds a member got, oldest first."""
    return list(
        db.session.scalars(
            select(Notification.kind)
            .where(Notification.member_id == member.id)
            .order_by(Notification.id)
        )
    )
