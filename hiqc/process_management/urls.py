from django.urls import path

from . import views
from .supervision import views as supervision

app_name = "process_management"
urlpatterns = [
    # supervision (issue 16 §6): before "<str:code>/" so "supervision" is never a process code
    path("supervision/", supervision.plans_page, name="supervision_plans"),
    path("supervision/new/", supervision.plan_new_page, name="supervision_plan_new"),
    path("supervision/plans/<uuid:plan_id>/", supervision.plan_page, name="supervision_plan"),
    path("supervision/visits/<uuid:visit_id>/", supervision.visit_page, name="supervision_visit"),
    path("supervision/findings/", supervision.findings_page, name="supervision_findings"),
    path("supervision/findings/new/", supervision.finding_new_page, name="supervision_finding_new"),
    path(
        "supervision/findings/<uuid:finding_id>/",
        supervision.finding_page,
        name="supervision_finding",
    ),
    path(
        "supervision/findings/<uuid:finding_id>/link/",
        supervision.finding_link_action,
        name="supervision_finding_link",
    ),
    path(
        "supervision/findings/<uuid:finding_id>/<str:action>/",
        supervision.finding_action,
        name="supervision_finding_action",
    ),
    path("", views.process_list_page, name="list"),
    path("<str:code>/", views.mining_page, name="mining"),
    path("<str:code>/cases/", views.cases_page, name="cases"),
    path("<str:code>/handbook/", views.handbook_page, name="handbook"),
    path("<str:code>/changes/", views.changes_page, name="changes"),
    path("<str:code>/needs/", views.needs_page, name="needs"),
    path("<str:code>/handbook.pdf", views.handbook_pdf, name="handbook_pdf"),
]
