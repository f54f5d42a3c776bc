"""Django admin as a read-only back-office viewer. Every write goes through the pages and the
API, which call the services (DESIGN rule 1) and therefore the audit trail."""

from django.contrib import admin

from hiqc.core.admin import ReadOnlyAdmin

from .models import ApiToken, Department, Membership, OrgUnit, User


@admin.register(OrgUnit)
class OrgUnitAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "level", "path", "is_active")
    search_fields = ("code", "name")


@admin.register(Department)
class DepartmentAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "org_unit")


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    list_display = ("username", "display_name", "org_unit", "is_active", "last_login")
    search_fields = ("username", "display_name")
    exclude = ("password",)


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ("user", "role", "org_unit")
    list_filter = ("role",)


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ("user", "name", "prefix", "expires_at", "revoked_at")
    exclude = ("token_hash",)
