from django.urls import path

from . import views

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
]
