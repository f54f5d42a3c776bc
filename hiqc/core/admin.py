"""Django admin is a read-only back-office viewer: writes go through services (DESIGN rule 1)."""

from django.contrib import admin
from django.http import HttpRequest

from .models import JobRun, RuleOverride


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(RuleOverride)
class RuleOverrideAdmin(ReadOnlyAdmin):
    """Rules are changed on the rules page (rule_override_set: tighten-only, audited)."""

    list_display = ("key", "value", "reason", "updated_at")


@admin.register(JobRun)
class JobRunAdmin(ReadOnlyAdmin):
    list_display = ("job", "ok", "created_at")
    list_filter = ("job", "ok")
