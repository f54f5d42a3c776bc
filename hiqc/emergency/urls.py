from django.urls import path

from . import views

app_name = "emergency"
urlpatterns = [
    path("", views.overview_page, name="overview"),
    path("plans/", views.plans_page, name="plans"),
    path("plans/new/", views.plan_edit_page, name="plan_new"),
    path("plans/<uuid:plan_id>/", views.plan_page, name="plan"),
    path("plans/<uuid:plan_id>/edit/", views.plan_edit_page, name="plan_edit"),
    path("drills/", views.drills_page, name="drills"),
    path("drills/<uuid:drill_id>/", views.drill_page, name="drill"),
    path("incidents/", views.incidents_page, name="incidents"),
    path("incidents/<uuid:case_id>/", views.incident_page, name="incident"),
    path(
        "incidents/<uuid:case_id>/actions/<str:action>/",
        views.incident_action,
        name="incident_action",
    ),
]
