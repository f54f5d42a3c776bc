from django.urls import path

from . import views
from .inspections import views as inspections
from .risks import views as risk_views

app_name = "compliance"
urlpatterns = [
    path("", views.overview_page, name="overview"),
    path("register/", views.register_page, name="register"),
    path("controls/", views.controls_page, name="controls"),
    path("controls/<str:control_id>/", views.control_page, name="control"),
    path("changes/", views.changes_page, name="changes"),
    path("assessments/<uuid:case_id>/", views.assessment_page, name="assessment"),
    path(
        "assessments/<uuid:case_id>/actions/<str:action>/",
        views.assessment_action,
        name="assessment_action",
    ),
    path("inspections/", inspections.inspections_page, name="inspections"),
    path("inspections/findings/", inspections.findings_page, name="inspection_findings"),
    path("inspections/plans/<uuid:plan_id>/", inspections.plan_page, name="inspection_plan"),
    path("inspections/<uuid:case_id>/", inspections.inspection_page, name="inspection"),
    path(
        "inspections/<uuid:case_id>/actions/<str:action>/",
        inspections.inspection_action,
        name="inspection_action",
    ),
    path("risks/", risk_views.risks_page, name="risks"),
    path("risks/<uuid:risk_id>/", risk_views.risk_page, name="risk"),
    path("treatments/<uuid:case_id>/", risk_views.treatment_page, name="treatment"),
    path(
        "treatments/<uuid:case_id>/actions/<str:action>/",
        risk_views.treatment_action,
        name="treatment_action",
    ),
]
