"""Authentication, `me` and the OpenAPI document."""

from __future__ import annotations

from flask import jsonify, request
from pydantic import BaseModel, Field

from buurthulp.api import bp, registry
from buurthulp.api.spec import ErrorResponse, openapi_document
from buurthulp.auth import services as auth_services
from buurthulp.auth.guards import current_member, public
from buurthulp.auth.limits import address_limit, failed_logins
from buurthulp.extensions import limiter
from buurthulp.schemas_base import StrictModel


class TokenIn(StrictModel):
    email: str = Field(max_length=254)
    password: str = Field(max_length=200)
    otp: str | None = Field(
        default=None,
        max_length=40,
        description="For an account with two-step verification: the 6-digit code the app "
        "shows now, or one unused recovery code. Each code is accepted once.",
    )


class TokenOut(BaseModel):
    token: str


class NeighbourhoodOut(BaseModel):
    id: int
    name: str


class MeOut(BaseModel):
    id: int
    display_name: str
    roles: list[str]
    neighbourhood: NeighbourhoodOut | None
    balance_minutes: int


@registry.operation(
    "/auth/token",
    "POST",
    summary="Exchange e-mail and password for a token",
    body=TokenIn,
    auth=False,
    tag="auth",
    responses={
        201: ("A bearer token", TokenOut),
        401: (
            "E-mail address or password not right (code `not_authenticated`); or the account "
            "uses two-step verification and `otp` is missing (code `otp_required`: ask for "
            "the code and send again with `otp`) or not right or used already (code "
            "`otp_invalid`). Wrong codes count towards the same limit as wrong passwords.",
            ErrorResponse,
        ),
        403: (
            "A member of staff without two-step verification gets no token (code "
            "`second_factor_setup_required`): set it up on the website first.",
            ErrorResponse,
        ),
    },
    errors=(401, 403),
)
# Inside the registry's wrapper: Flask-Limiter checks a decorated limit only when its own
# wrapper runs, and the registry registers its wrapper as the view.
@limiter.limit(address_limit)
@failed_logins
def create_token(body: TokenIn):
    token = auth_services.issue_api_token(body.email, body.password, otp=body.otp)
    return TokenOut(token=token), 201


@registry.operation(
    "/auth/token",
    "DELETE",
    summary="Revoke the token this request is sent with (log out this app)",
    tag="auth",
    responses={204: ("The token no longer works", None)},
    errors=(),
)
def revoke_token():
    _scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    auth_services.revoke_api_token(token.strip())
    return "", 204


@registry.operation(
    "/me",
    "GET",
    summary="Who am I",
    tag="members",
    responses={200: ("The member behind the token", MeOut)},
    errors=(),
)
def me():
    from buurthulp.ledger.services import balance_minutes

    member = current_member()
    assert member is not None
    hood = member.neighbourhood
    return MeOut(
        id=member.id,
        display_name=member.display_name,
        roles=member.role_names,
        neighbourhood=NeighbourhoodOut(id=hood.id, name=hood.name) if hood else None,
        balance_minutes=balance_minutes(member),
    )


@bp.route("/openapi.json")
@public
def openapi():
    return jsonify(openapi_document(registry, prefix="/api/v1", version="1.0.0"))
