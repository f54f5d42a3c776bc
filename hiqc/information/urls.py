from django.urls import path

from . import views
from .sharing import views as sharing

app_name = "information"
urlpatterns = [
    path("recertifications/", views.recertifications_page, name="recertifications"),
    path("recertifications/<uuid:case_id>/", views.recertification_page, name="recertification"),
    path(
        "recertifications/<uuid:case_id>/actions/<str:action>/",
        views.recertification_action,
        name="recertification_action",
    ),
    path("dormant-accounts/", views.dormant_page, name="dormant"),
    path("reveal-anomalies/", views.anomalies_page, name="anomalies"),
    path("reveal-anomalies/events/", views.anomaly_events_page, name="anomaly_events"),
    path("security-roles/", views.roles_page, name="roles"),
    path("evaluations/", views.evaluations_page, name="evaluations"),
    path("evaluations/<uuid:evaluation_id>/", views.evaluation_page, name="evaluation"),
    path("remediations/", views.remediations_page, name="remediations"),
    path("remediations/<uuid:case_id>/", views.remediation_page, name="remediation"),
    path(
        "remediations/<uuid:case_id>/actions/<str:action>/",
        views.remediation_action,
        name="remediation_action",
    ),
    path("agreements/", sharing.agreements_page, name="agreements"),
    path("agreements/<uuid:agreement_id>/", sharing.agreement_page, name="agreement"),
    path(
        "agreements/<uuid:agreement_id>/actions/<str:action>/",
        sharing.agreement_action,
        name="agreement_action",
    ),
    path("shares/", sharing.shares_page, name="shares"),
    path("shares/<uuid:case_id>/", sharing.share_page, name="share"),
    path("shares/<uuid:case_id>/file/", sharing.share_download, name="share_file"),
    path("shares/<uuid:case_id>/actions/<str:action>/", sharing.share_action, name="share_action"),
    path("incoming/", sharing.incoming_page, name="incoming"),
    path("assessments/", sharing.assessments_page, name="assessments"),
]
