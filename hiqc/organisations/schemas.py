from __future__ import annotations

from datetime import datetime
from uuid import UUID

from ninja import Field, Schema


class OrgUnitOut(Schema):
    id: UUID
    code: str
    name: str
    name_en: str
    level: int
    parent_id: UUID | None
    path: str
    is_active: bool


class OrgUnitIn(Schema):
    code: str = Field(..., min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")
    name: str = Field(..., min_length=1, max_length=100, pattern=r"\S")
    name_en: str = Field("", max_length=150)
    level: int = Field(..., ge=1, le=4)
    parent_id: UUID | None = None


class UserOut(Schema):
    id: UUID
    username: str
    display_name: str
    email: str
    org_unit_id: UUID | None
    is_active: bool
    is_locked: bool
    last_login: datetime | None


class UserIn(Schema):
    username: str = Field(..., min_length=1, max_length=150, pattern=r"^[\w.@+-]+$")
    password: str = Field(..., max_length=128)
    org_unit_id: UUID
    display_name: str = Field("", max_length=100)
    email: str = Field("", max_length=254)


class MembershipOut(Schema):
    id: UUID
    user_id: UUID
    role: str
    org_unit_id: UUID


class MembershipIn(Schema):
    user_id: UUID
    role: str
    org_unit_id: UUID


class GrantOut(Schema):
    role: str
    path: str


class MeOut(Schema):
    id: UUID
    username: str
    display_name: str
    grants: list[GrantOut]
    permissions: list[str]


class TokenOut(Schema):
    id: UUID
    user_id: UUID
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


class TokenIn(Schema):
    name: str = Field(..., min_length=1, max_length=100, pattern=r"\S")
    days: int = Field(90, ge=1, le=365, description="at most the rule auth.token_max_days")
    user_id: UUID | None = None


class TokenCreatedOut(TokenOut):
    token: str  # shown once
