from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from hiqc.core.access import require
from hiqc.core.schemas import ErrorOut

from . import selectors, services
from .schemas import (
    MembershipIn,
    MembershipOut,
    MeOut,
    OrgUnitIn,
    OrgUnitOut,
    TokenCreatedOut,
    TokenIn,
    TokenOut,
    UserIn,
    UserOut,
)

router = Router(tags=["organisations"])
E = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _actor(request: HttpRequest):  # type: ignore[no-untyped-def]
    return request.actor  # type: ignore[attr-defined]


@router.get("/me", response={200: MeOut, **E})
def me(request: HttpRequest):  # type: ignore[no-untyped-def]
    actor = _actor(request)
    user = selectors.access_user(actor, actor.user_id)
    return {"id": user.pk, "username": user.username, "display_name": user.display_name,
            "grants": [{"role": g.role, "path": g.path} for g in actor.grants],
            "permissions": sorted(actor.permissions)}


@router.get("/org-units", response={200: list[OrgUnitOut], **E})
@paginate
def list_org_units(request: HttpRequest):  # type: ignore[no-untyped-def]
    require(_actor(request), "org.view")
    return selectors.org_unit_list(_actor(request))


@router.post("/org-units", response={201: OrgUnitOut, **E})
def create_org_unit(request: HttpRequest, payload: OrgUnitIn):  # type: ignore[no-untyped-def]
    return Status(201, services.org_unit_create(actor=_actor(request), **payload.dict()))


@router.get("/org-units/{org_unit_id}", response={200: OrgUnitOut, **E})
def get_org_unit(request: HttpRequest, org_unit_id: UUID):  # type: ignore[no-untyped-def]
    return selectors.access_org_unit(_actor(request), org_unit_id)


@router.get("/users", response={200: list[UserOut], **E})
@paginate
def list_users(request: HttpRequest, q: str = "", active: bool | None = None):  # type: ignore[no-untyped-def]
    require(_actor(request), "org.view")
    return selectors.user_list(_actor(request), q=q, active=active)


@router.post("/users", response={201: UserOut, **E})
def create_user(request: HttpRequest, payload: UserIn):  # type: ignore[no-untyped-def]
    return Status(201, services.user_create(actor=_actor(request), **payload.dict()))


@router.get("/users/{user_id}", response={200: UserOut, **E})
def get_user(request: HttpRequest, user_id: UUID):  # type: ignore[no-untyped-def]
    return selectors.access_user(_actor(request), user_id)


@router.post("/users/{user_id}/deactivate", response={200: UserOut, **E})
def deactivate_user(request: HttpRequest, user_id: UUID):  # type: ignore[no-untyped-def]
    return services.user_deactivate(actor=_actor(request), user_id=user_id)


@router.post("/users/{user_id}/reactivate", response={200: UserOut, **E})
def reactivate_user(request: HttpRequest, user_id: UUID):  # type: ignore[no-untyped-def]
    return services.user_reactivate(actor=_actor(request), user_id=user_id)


@router.get("/memberships", response={200: list[MembershipOut], **E})
@paginate
def list_memberships(request: HttpRequest, user_id: UUID | None = None):  # type: ignore[no-untyped-def]
    require(_actor(request), "org.view")
    return selectors.membership_list(_actor(request), user_id=user_id)


@router.post("/memberships", response={201: MembershipOut, **E})
def grant_membership(request: HttpRequest, payload: MembershipIn):  # type: ignore[no-untyped-def]
    return Status(201, services.membership_grant(actor=_actor(request), **payload.dict()))


@router.delete("/memberships/{membership_id}", response={204: None, **E})
def revoke_membership(request: HttpRequest, membership_id: UUID):  # type: ignore[no-untyped-def]
    services.membership_revoke(actor=_actor(request), membership_id=membership_id)
    return Status(204, None)


@router.get("/tokens", response={200: list[TokenOut], **E})
@paginate
def list_tokens(request: HttpRequest, user_id: UUID | None = None):  # type: ignore[no-untyped-def]
    return selectors.api_token_list(_actor(request), user_id=user_id)


@router.post("/tokens", response={201: TokenCreatedOut, **E})
def create_token(request: HttpRequest, payload: TokenIn):  # type: ignore[no-untyped-def]
    actor = _actor(request)
    token, raw = services.api_token_create(actor=actor, user_id=payload.user_id or actor.user_id,
                                           name=payload.name, days=payload.days)
    token.token = raw  # type: ignore[attr-defined]
    return Status(201, token)


@router.post("/tokens/{token_id}/revoke", response={200: TokenOut, **E})
def revoke_token(request: HttpRequest, token_id: UUID):  # type: ignore[no-untyped-def]
    return services.api_token_revoke(actor=_actor(request), token_id=token_id)
