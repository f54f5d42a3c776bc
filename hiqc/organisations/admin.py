"""Back-office admin for the org tree. Writes that matter (users, memberships, tokens) go through
the pages and API, which call the services; here they are read-only except org units' names."""

from django.contrib import admin

from .models import ApiToken, Department, Membership, OrgUnit, User


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "path", "is_active")
    search_fields = ("code", "name")
    readonly_fields = ("path", "parent", "level")


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "org_unit")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
