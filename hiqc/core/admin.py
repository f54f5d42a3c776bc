from django.contrib import admin

from .models import RuleOverride


@admin.register(RuleOverride)
class RuleOverrideAdmin(admin.ModelAdmin):
    """Rule overrides are validated by RuleOverride.clean(): legal bounds only tighten."""

    list_display = ("key", "value", "reason", "updated_at")
