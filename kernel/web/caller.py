"""Who is calling: the bearer token, the actor it names (whose roles must still be granted), and
the checks a route makes of them (the caller's unit, a role)."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import Depends, Request

from kernel.auth import AuthenticationError, GrantCheck, TokenVerifier
from kernel.context import Actor
from kernel.errors import NotPermittedError
from kernel.roles import Role


def bearer_token(request: Request) -> str:
    """The bearer token of a request; AuthenticationError says what is missing."""
    header = request.headers.get("authorization")
    if not header:
        raise AuthenticationError("no bearer token: send 'Authorization: Bearer <token>'")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise AuthenticationError("the Authorization header is not 'Bearer <token>'")
    return token.strip()


def get_actor(request: Request) -> Actor:
    """The authenticated caller, whose token's roles are still granted now.

    The grant check (`app.state.grants`, a `kernel.auth.GrantCheck`) is set by the process's
    composition root, since only it knows where the org chart is; a process that set none
    refuses every token rather than trust roles nobody checked.
    """
    verifier: TokenVerifier = request.app.state.verifier
    actor = verifier.verify(bearer_token(request))
    check_grants(request.app, actor)
    return actor


def check_grants(app: Any, actor: Actor) -> None:
    """Refuse `actor` (401, `kernel.grant_in_force`) unless `app`'s grant check finds every
    role it claims still held; refuse everyone if the app was built without a grant check."""
    grants: GrantCheck | None = getattr(app.state, "grants", None)
    if grants is None:
        raise AuthenticationError(
            "this process checks no grants (no app.state.grants): every token is refused",
            "kernel.grant_in_force",
        )
    grants(actor)


CurrentActor = Annotated[Actor, Depends(get_actor)]


def require_unit(actor: Actor, tenant_id: UUID) -> None:
    """Refuse acting on another unit's records."""
    if actor.tenant_id != tenant_id:
        raise NotPermittedError(
            "kernel.same_unit",
            f"the caller acts for unit {actor.tenant_id}, not for unit {tenant_id}",
            missing_relation="MEMBER_OF_UNIT",
        )


def as_appraisee(actor: Actor, tenant_id: UUID) -> Role:
    """The role a command on one's own records is decided in (APPRAISEE), once `actor` is found
    to act for `tenant_id`."""
    require_unit(actor, tenant_id)
    return Role.APPRAISEE


def require_role(actor: Actor, role: Role, *, tenant_id: UUID | None = None) -> Role:
    """Refuse unless `actor` holds `role` (for `tenant_id`, when given); else `role`, the role a
    command guarded so is decided in."""
    if not actor.has(role):
        raise NotPermittedError(
            "kernel.role_required",
            f"this action needs the role {role.value} ({role.label}); the caller has "
            + (", ".join(sorted(r.value for r in actor.roles)) or "no role"),
            missing_role=role.value,
        )
    if tenant_id is not None:
        require_unit(actor, tenant_id)
    return role
