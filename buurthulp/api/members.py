"""What a member keeps about themself in the JSON API: the profile that drives matching,
notifications and how they arrive. Thin: the same services as the pages."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from flask import request
from pydantic import BaseModel, Field

from buurthulp.accounts import services as accounts
from buurthulp.api import registry
from buurthulp.api.marketplace import acting_member
from buurthulp.api.spec import Parameter
from buurthulp.auth.models import Member
from buurthulp.i18n import gettext as _
from buurthulp.inputs import CURSOR_MAX, InvalidQuery, decode_cursor, encode_cursor, is_id
from buurthulp.notifications import services as notifications
from buurthulp.schemas_base import Slot, StrictModel, slot_bits, slot_names


class ProfileBody(StrictModel):
    interests: list[str] = Field(default_factory=list, max_length=20)
    talents: list[str] = Field(default_factory=list, max_length=20)
    availability: list[Slot] = Field(default_factory=list, description="parts of the week")
    radius_m: int = Field(default=2000, ge=500, le=25_000, description="how far I will go")
    languages: list[str] = Field(default_factory=list, max_length=13, description="nl, en, ar…")
    phone: str | None = Field(default=None, max_length=20, description="only a match sees it")


def _profile_out(member: Member) -> ProfileBody:
    return ProfileBody(
        interests=member.tag_list("interest"),
        talents=member.tag_list("talent"),
        availability=slot_names(member.availability),
        radius_m=member.radius_m,
        languages=[code for code in (member.languages or "").split(",") if code],
        phone=member.phone,
    )


@registry.operation(
    "/me/profile",
    "GET",
    summary="My profile: interests, talents, when I am free, how far, languages",
    tag="members",
    responses={200: ("The profile", ProfileBody)},
    errors=(),
)
def get_profile() -> Any:
    return _profile_out(acting_member())


@registry.operation(
    "/me/profile",
    "PUT",
    summary="Replace my profile (none of it is required)",
    tag="members",
    body=ProfileBody,
    responses={200: ("The profile as saved", ProfileBody)},
    errors=(422,),
)
def put_profile(body: ProfileBody) -> Any:
    member = acting_member()
    saved = accounts.update_profile(
        member,
        interests=body.interests,
        talents=body.talents,
        availability=slot_bits(body.availability),
        radius_m=body.radius_m,
        languages=body.languages,
        phone=body.phone or "",
        actor=member,
    )
    return _profile_out(saved)


class NotificationOut(BaseModel):
    id: int
    text: str
    url: str | None
    created_at: datetime
    read: bool


class NotificationPage(BaseModel):
    items: list[NotificationOut]
    next_cursor: str | None


@registry.operation(
    "/notifications",
    "GET",
    summary="My notifications, newest first",
    tag="notifications",
    parameters=[Parameter("cursor", "query", {"type": "string", "maxLength": CURSOR_MAX})],
    responses={200: ("A page of notifications", NotificationPage)},
    errors=(),
)
def list_notifications() -> Any:
    cursor = decode_cursor(request.args.get("cursor"), ("before",))
    before = cursor["before"] if cursor else None
    if before is not None and not is_id(before):
        raise InvalidQuery(
            _("This cursor is not valid. Start again without one."), code="bad_cursor"
        )
    limit = notifications.PAGE_SIZE
    found = notifications.notifications_for(
        acting_member(), before_id=before or None, limit=limit + 1
    )
    next_cursor = encode_cursor({"before": found[limit - 1].id}) if len(found) > limit else None
    return NotificationPage(
        items=[
            NotificationOut(id=n.id, text=n.text, url=n.url, created_at=n.created_at, read=n.read)
            for n in found[:limit]
        ],
        next_cursor=next_cursor,
    )


class ReadOut(BaseModel):
    marked: int = Field(description="how many were unread")


@registry.operation(
    "/notifications/read",
    "POST",
    summary="Mark all my notifications as read",
    tag="notifications",
    responses={200: ("Done", ReadOut)},
    errors=(),
)
def mark_read() -> Any:
    return ReadOut(marked=notifications.mark_all_read(acting_member()))


class SettingOut(BaseModel):
    topic: str
    label: str
    choice: str
    choices: list[str]


class SettingList(BaseModel):
    items: list[SettingOut]
    next_cursor: str | None = None


class SettingIn(StrictModel):
    topic: str = Field(max_length=40)
    choice: Literal["instant", "daily", "off"]


def _settings(member: Member) -> SettingList:
    return SettingList(
        items=[
            SettingOut(topic=s.topic, label=s.label, choice=s.choice, choices=list(s.choices))
            for s in notifications.settings_of(member)
        ]
    )


@registry.operation(
    "/me/notification-settings",
    "GET",
    summary="How each kind of notification reaches me: at once, a daily digest, or not",
    tag="notifications",
    responses={200: ("One line per kind", SettingList)},
    errors=(),
)
def get_settings() -> Any:
    return _settings(acting_member())


@registry.operation(
    "/me/notification-settings",
    "PUT",
    summary="Change how one kind of notification reaches me",
    tag="notifications",
    body=SettingIn,
    responses={200: ("All lines after the change", SettingList)},
    errors=(422,),
)
def put_setting(body: SettingIn) -> Any:
    member = acting_member()
    notifications.set_choice(member, body.topic, body.choice, actor=member)
    return _settings(member)
