"""The URL map: the kernel's pages, sign-in, then each installed app's pages as its manifest
declares them (``Manifest.urls``) — no domain app is named here."""

from django.contrib import admin
from django.urls import include, path

from hiqc.core import (
    backup_views,
    calendar_views,
    mywork_views,
    notification_views,
    privacy_views,
    process_views,
)
from hiqc.core import views as core_views
from hiqc.core.manifest import url_includes
from hiqc.organisations import views as organisation_views

from .api import api

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("favicon.ico", core_views.favicon),
    path("accounts/login/", organisation_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", core_views.logout_view, name="logout"),
    path("first-run/", organisation_views.first_run_page, name="first_run"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("audit/", core_views.audit_page, name="audit"),
    path("audit/export.xlsx", core_views.audit_export, name="audit_export"),
    path("rules/", core_views.rules_page, name="rules"),
    path("findings/", core_views.findings_page, name="findings"),
    path("calendar/", calendar_views.calendar_page, name="calendar"),
    path("operations/backups/", backup_views.backups_page, name="backups"),
    path("operations/jobs/", backup_views.jobs_page, name="jobs"),
    path("privacy/inventory/", privacy_views.inventory_page, name="privacy_inventory"),
    path(
        "privacy/inventory/export/",
        privacy_views.inventory_export,
        name="privacy_inventory_export",
    ),
    path("privacy/retention/", privacy_views.retention_page, name="privacy_retention"),
    path("privacy/holds/", privacy_views.hold_place, name="privacy_hold_place"),
    path(
        "privacy/holds/<uuid:hold_id>/release/",
        privacy_views.hold_release,
        name="privacy_hold_release",
    ),
    path("my-work/", mywork_views.my_work_page, name="my_work"),
    path("processes/", process_views.process_page, name="processes"),
    path("notifications/", notification_views.inbox_page, name="inbox"),
    path("notifications/unread", notification_views.unread_badge, name="inbox_unread"),
    path(
        "notifications/read-all", notification_views.notifications_read_all, name="inbox_read_all"
    ),
    path(
        "notifications/<int:notification_id>/open",
        notification_views.notification_open,
        name="inbox_open",
    ),
    # every installed app's pages, from its manifest (hiqc.core.manifest), in INSTALLED_APPS order
    *(path(prefix, include(module)) for prefix, module in url_includes()),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
