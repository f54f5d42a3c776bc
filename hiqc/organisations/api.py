from datetime import date
from decimal import Decimal
from uuid import UUID

from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from hiqc.core.access import require
from hiqc.core.errors import ValidationFailed
from hiqc.core.http import HiqcRequest
from hiqc.core.schemas import ERRORS, IsoDate
from hiqc.core.textfiles import UnreadableText, text_decode

from . import selectors, services, volumes
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


def _actor(request: HiqcRequest):
    return request.actor


@router.get("/me", response={200: MeOut, **ERRORS})
def me(request: HiqcRequest):
    actor = _actor(request)
    user = selectors.access_user(actor, actor.user_id)
    return {
        "id": user.pk,
        "username": user.username,
        "display_name": user.display_name,
        "grants": [{"role": g.role, "path": g.path} for g in actor.grants],
        "permissions": sorted(actor.permissions),
    }


@router.get("/org-units", response={200: list[OrgUnitOut], **ERRORS})
@paginate
def list_org_units(request: HiqcRequest):
    require(_actor(request), "org.view")
    return selectors.org_unit_list(_actor(request))


@router.post("/org-units", response={201: OrgUnitOut, **ERRORS})
def create_org_unit(request: HiqcRequest, payload: OrgUnitIn):
    return Status(201, services.org_unit_create(actor=_actor(request), **payload.dict()))


@router.get("/org-units/{org_unit_id}", response={200: OrgUnitOut, **ERRORS})
def get_org_unit(request: HiqcRequest, org_unit_id: UUID):
    return selectors.access_org_unit(_actor(request), org_unit_id)


@router.get("/users", response={200: list[UserOut], **ERRORS})
@paginate
def list_users(request: HiqcRequest, q: str = "", active: bool | None = None):
    require(_actor(request), "org.view")
    return selectors.user_list(_actor(request), q=q, active=active)


@router.post("/users", response={201: UserOut, **ERRORS})
def create_user(request: HiqcRequest, payload: UserIn):
    return Status(201, services.user_create(actor=_actor(request), **payload.dict()))


@router.get("/users/{user_id}", response={200: UserOut, **ERRORS})
def get_user(request: HiqcRequest, user_id: UUID):
    return selectors.access_user(_actor(request), user_id)


@router.post("/users/{user_id}/deactivate", response={200: UserOut, **ERRORS})
def deactivate_user(request: HiqcRequest, user_id: UUID):
    return services.user_deactivate(actor=_actor(request), user_id=user_id)


@router.post("/users/{user_id}/reactivate", response={200: UserOut, **ERRORS})
def reactivate_user(request: HiqcRequest, user_id: UUID):
    return services.user_reactivate(actor=_actor(request), user_id=user_id)


@router.get("/memberships", response={200: list[MembershipOut], **ERRORS})
@paginate
def list_memberships(request: HiqcRequest, user_id: UUID | None = None):
    require(_actor(request), "org.view")
    return selectors.membership_list(_actor(request), user_id=user_id)


@router.post("/memberships", response={201: MembershipOut, **ERRORS})
def grant_membership(request: HiqcRequest, payload: MembershipIn):
    return Status(201, services.membership_grant(actor=_actor(request), **payload.dict()))


@router.delete("/memberships/{membership_id}", response={204: None, **ERRORS})
def revoke_membership(request: HiqcRequest, membership_id: UUID):
    services.membership_revoke(actor=_actor(request), membership_id=membership_id)
    return Status(204, None)


@router.get("/tokens", response={200: list[TokenOut], **ERRORS})
@paginate
def list_tokens(request: HiqcRequest, user_id: UUID | None = None):
    return selectors.api_token_list(_actor(request), user_id=user_id)


@router.post("/tokens", response={201: TokenCreatedOut, **ERRORS})
def create_token(request: HiqcRequest, payload: TokenIn):
    actor = _actor(request)
    token, raw = services.api_token_create(
        actor=actor, user_id=payload.user_id or actor.user_id, name=payload.name, days=payload.days
    )
    setattr(token, "token", raw)  # noqa: B010 - shown once, never stored
    return Status(201, token)


@router.post("/tokens/{token_id}/revoke", response={200: TokenOut, **ERRORS})
def revoke_token(request: HiqcRequest, token_id: UUID):
    return services.api_token_revoke(actor=_actor(request), token_id=token_id)


class VolumeOut(Schema):
    org_unit_id: UUID
    org_unit_code: str
    month: date
    premium_yuan: Decimal
    policies_in_force: int
    insured_persons: int

    @staticmethod
    def resolve_org_unit_code(obj) -> str:
        return obj.org_unit.code


class VolumeRejectOut(Schema):
    line: int
    field: str
    problem: str


class VolumeImportOut(Schema):
    created: int
    updated: int
    unchanged: int
    rejected: list[VolumeRejectOut]


@router.get("/business-volumes", response={200: list[VolumeOut], **ERRORS})
@paginate
def list_business_volumes(request: HiqcRequest, month: IsoDate | None = None):
    """Premium, policies in force and insured persons per org unit and month (CP-11 denominators)."""
    require(request.actor, volumes.PERM)
    return volumes.volume_list(request.actor, month=month)


@router.post(
    "/business-volumes/import",
    response={200: VolumeImportOut, **ERRORS},
    openapi_extra={
        "requestBody": {
            "content": {"text/csv": {"schema": {"type": "string"}}},
            "required": True,
        }
    },
)
def import_business_volumes(request: HiqcRequest):
    """CSV body with header org_unit,month,premium_yuan,policies_in_force,insured_persons.
    Good lines are kept, bad ones reported by line; re-running updates in place."""
    require(request.actor, volumes.PERM)
    try:  # UTF-8, GB18030 or UTF-16/32 with a BOM; a workbook is named (hiqc.core.textfiles)
        text = text_decode(request.body)
    except UnreadableText as exc:
        raise ValidationFailed(str(exc), fields={"body": [str(exc)]}) from None
    if not text.strip():
        raise ValidationFailed(_("请求体为空：请提供 CSV。"), fields={"body": [_("此项必填。")]})
    return volumes.volume_import_text(actor=request.actor, text=text, source="api").as_dict()
