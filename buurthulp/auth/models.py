"""Members, their role assignments and API tokens."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from buurthulp.auth.roles import Role
from buurthulp.extensions import db
from buurthulp.models_base import UTCDateTime, utcnow

if TYPE_CHECKING:  # the table is found by name: identity sits below the neighbourhoods
    from buurthulp.neighbourhoods.models import Neighbourhood

ROLE_VALUES = ", ".join(f"'{r.value}'" for r in Role)


class Member(db.Model):
    """A person with an account. Their exact home point is for staff; others see `public_*`."""

    __tablename__ = "auth_member"
    __table_args__ = (
        CheckConstraint(
            "status IN ('pending', 'active', 'suspended', 'erased')", name="status_known"
        ),
        CheckConstraint("trust_level IN ('new', 'verified', 'vog')", name="trust_known"),
        CheckConstraint("availability >= 0 AND availability < 64", name="availability_bits"),
        CheckConstraint("radius_m BETWEEN 100 AND 50000", name="radius_sane"),
        Index("ix_auth_member_email_lower", "email", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased; NULL for residents a coordinator keeps on their behalf (no e-mail).
    email: Mapped[str | None] = mapped_column(String(254))
    display_name: Mapped[str] = mapped_column(String(80))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    phone: Mapped[str | None] = mapped_column(String(32))
    postcode: Mapped[str | None] = mapped_column(String(6))
    house_number: Mapped[str | None] = mapped_column(String(12))
    home_lat: Mapped[float | None]
    home_lon: Mapped[float | None]
    public_lat: Mapped[float | None]
    public_lon: Mapped[float | None]
    neighbourhood_id: Mapped[int | None] = mapped_column(
        ForeignKey("neighbourhoods_neighbourhood.id", ondelete="SET NULL"), index=True
    )
    # The H3 cell of the public (blurred) point: the prefilter for suggestions near a listing.
    home_cell: Mapped[str | None] = mapped_column(String(16), index=True)
    # Profile (marketplace): when I am usually free (bits, see accounts.profile.SLOTS), how
    # far I will go, which languages I speak (comma-separated ISO codes).
    availability: Mapped[int] = mapped_column(default=0)
    radius_m: Mapped[int] = mapped_column(default=2000)
    languages: Mapped[str] = mapped_column(String(60), default="")
    # Trust: new, verified (met in person) or vog (certificate of conduct checked). The
    # safeguards set it; the marketplace reads it where a category needs a trusted helper.
    trust_level: Mapped[str] = mapped_column(String(8), default="new")
    locale: Mapped[str] = mapped_column(String(5), default="nl")
    # Leaving "active" goes through `auth.services.deactivate`, which ends every session
    # (active_history: a tripwire there sees the old value even when it was not loaded).
    status: Mapped[str] = mapped_column(String(16), default="active", active_history=True)
    # Bumped on password change and "log out everywhere": every API token stops working.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    neighbourhood: Mapped[Neighbourhood | None] = relationship("Neighbourhood")
    roles: Mapped[list[RoleAssignment]] = relationship(
        back_populates="member", cascade="all, delete-orphan", lazy="selectin"
    )
    tags: Mapped[list[MemberTag]] = relationship(
        back_populates="member", cascade="all, delete-orphan", order_by="MemberTag.tag"
    )

    # Flask-Login protocol -------------------------------------------------------------
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.status == "active"

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)

    # Convenience ------------------------------------------------------------------------
    @property
    def role_names(self) -> list[str]:
        return sorted({a.role for a in self.roles})

    def has_role(self, role: Role) -> bool:
        return any(a.role == role for a in self.roles)

    @property
    def is_staff(self) -> bool:
        return any(a.role != Role.RESIDENT for a in self.roles)

    @property
    def staff_role(self) -> str | None:
        """The role to show beside the name (coordinator before outreach before admin)."""
        return staff_role_of(self.role_names)

    def tag_list(self, kind: str) -> list[str]:
        return [t.tag for t in self.tags if t.kind == kind]

    def __repr__(self) -> str:
        return f"<Member {self.id} {self.display_name!r}>"


def staff_role_of(role_names: list[str] | tuple[str, ...] | set[str]) -> str | None:
    for role in (Role.COORDINATOR, Role.OUTREACH, Role.ADMIN):
        if role.value in role_names:
            return role.value
    return None


def staff_role_expr(member_id: Any) -> Any:
    """A staff role of the member in `member_id` (a column), or NULL: the mark the site
    puts beside a name in lists that read names without loading members."""
    return (
        select(func.min(RoleAssignment.role))
        .where(RoleAssignment.member_id == member_id, RoleAssignment.role != Role.RESIDENT.value)
        .scalar_subquery()
    )


class RoleAssignment(db.Model):
    """A role held by a member, in one neighbourhood (staff) or everywhere (NULL)."""

    __tablename__ = "auth_role_assignment"
    __table_args__ = (
        CheckConstraint(f"role IN ({ROLE_VALUES})", name="role_known"),
        UniqueConstraint("member_id", "role", "neighbourhood_id", name="uq_auth_role_assignment"),
        # Coordinators and outreach workers work in a neighbourhood; admin and resident roles
        # hold everywhere (an admin "for one neighbourhood" would be an admin everywhere).
        CheckConstraint(
            "(role IN ('coordinator', 'outreach')) = (neighbourhood_id IS NOT NULL)",
            name="scope_fits_role",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(
        ForeignKey("auth_member.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(16))
    neighbourhood_id: Mapped[int | None] = mapped_column(
        ForeignKey("neighbourhoods_neighbourhood.id", ondelete="CASCADE")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    member: Mapped[Member] = relationship(back_populates="roles")
    neighbourhood: Mapped[Neighbourhood | None] = relationship("Neighbourhood")


class MemberTag(db.Model):
    """An interest or talent of a member; matching (marketplace) reads these."""

    __tablename__ = "auth_member_tag"
    __table_args__ = (
        CheckConstraint("kind IN ('interest', 'talent')", name="kind_known"),
        UniqueConstraint("member_id", "kind", "tag", name="uq_auth_member_tag"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(
        ForeignKey("auth_member.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    tag: Mapped[str] = mapped_column(String(40), index=True)

    member: Mapped[Member] = relationship(back_populates="tags")


class ApiToken(db.Model):
    """A bearer token for the JSON API; only its SHA-256 is stored."""

    __tablename__ = "auth_api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(
        ForeignKey("auth_member.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    session_version: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the token was issued with a code from the member's authenticator app; NULL: with
    # the password alone. Staff tokens without it are refused (see api.spec).
    second_factor_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    member: Mapped[Member] = relationship()


class AuthSession(db.Model):
    """A logged-in browser. The cookie holds a random secret; only its SHA-256 is stored.

    Logging out revokes the row, so a copied cookie stops working at once; "log out
    everywhere", a password change or a suspension revoke every row of the member.
    """

    __tablename__ = "auth_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(
        ForeignKey("auth_member.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When this browser passed the second factor (a code from the app, or a recovery code);
    # NULL: the password alone. Staff see no resident's data in a session without it.
    second_factor_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    member: Mapped[Member] = relationship()


class SecondFactor(db.Model):
    """A member's authenticator app (TOTP, RFC 6238), one row per member.

    The secret is sealed with BUURTHULP_DATA_KEY (`buurthulp.crypto`): a copy of the
    database alone gives nobody a working code. `secret` is the confirmed one, in use;
    `pending_secret` is one being set up (shown as a QR code), which replaces it only once
    the member typed a right code from it. `last_step` is the 30-second time step of the
    last code accepted: a code is accepted once, never again within its window.

    A pending secret belongs to the session (browser) that started it, `pending_session_id`,
    and works for a few minutes from `pending_at`: whoever else logs in as the member, before
    or after, never sees it and cannot confirm it. NULL once that session row is gone: then
    nobody can.
    """

    __tablename__ = "auth_second_factor"
    __table_args__ = (
        CheckConstraint("(secret IS NULL) = (enabled_at IS NULL)", name="enabled_has_secret"),
        CheckConstraint(
            "(pending_secret IS NULL) = (pending_at IS NULL)", name="pending_has_secret"
        ),
        CheckConstraint("last_step >= 0", name="last_step_sane"),
        CheckConstraint(
            "pending_session_id IS NULL OR pending_secret IS NOT NULL", name="session_has_pending"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(
        ForeignKey("auth_member.id", ondelete="CASCADE"), unique=True
    )
    secret: Mapped[str | None] = mapped_column(String(200))
    enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_step: Mapped[int] = mapped_column(default=0)
    pending_secret: Mapped[str | None] = mapped_column(String(200))
    pending_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # SET NULL, never CASCADE: a session ending must not take the confirmed secret with it.
    pending_session_id: Mapped[int | None] = mapped_column(
        ForeignKey("auth_session.id", ondelete="SET NULL")
    )

    member: Mapped[Member] = relationship()


class RecoveryCode(db.Model):
    """A one-time code for when the phone is gone; only its SHA-256 is stored."""

    __tablename__ = "auth_recovery_code"
    __table_args__ = (UniqueConstraint("member_id", "code_hash", name="uq_auth_recovery_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(
        ForeignKey("auth_member.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
