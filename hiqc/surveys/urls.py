from django.urls import path

from . import interview_views, views
from .mystery import views as mystery_views

app_name = "surveys"

urlpatterns = [
    path("", views.plans_page, name="plans"),
    path("plans/new/", views.plan_new_page, name="plan_new"),
    path("plans/<uuid:plan_id>/", views.plan_page, name="plan"),
    path("plans/<uuid:plan_id>/status", views.plan_status, name="plan_status"),
    path("plans/<uuid:plan_id>/report.xlsx", views.plan_report_xlsx, name="plan_report_xlsx"),
    path("plans/<uuid:plan_id>/report.pdf", views.plan_report_pdf, name="plan_report_pdf"),
    path("questionnaires/", views.questionnaires_page, name="questionnaires"),
    path("questionnaires/<uuid:questionnaire_id>/", views.questionnaire_page, name="questionnaire"),
    path("interviews/", interview_views.interviews_page, name="interviews"),
    path("interviews/<uuid:invitation_id>/", interview_views.interview_page, name="interview"),
    path("mystery/", mystery_views.visits_page, name="mystery_visits"),
    path("mystery/scenarios/", mystery_views.scenarios_page, name="mystery_scenarios"),
    path(
        "mystery/scenarios/<uuid:scenario_id>/",
        mystery_views.scenario_page,
        name="mystery_scenario",
    ),
    path("mystery/visits/<uuid:visit_id>/", mystery_views.visit_page, name="mystery_visit"),
    path(
        "mystery/visits/<uuid:visit_id>/cancel",
        mystery_views.visit_cancel_view,
        name="mystery_visit_cancel",
    ),
    path("mystery/results/", mystery_views.results_page, name="mystery_results"),
]
