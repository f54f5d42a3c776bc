from django.urls import path

from . import views
from .nonconformities import views as nc_views
from .plans import views as plan_views

app_name = "quality"

urlpatterns = [
    path("", views.overview_page, name="overview"),
    path("report.pdf", views.report_pdf, name="report_pdf"),
    path("report.xlsx", views.report_xlsx, name="report_xlsx"),
    path("indicators/", views.catalogue_page, name="catalogue"),
    path("targets/", views.targets_page, name="targets"),
    path("indicators/<str:code>/", views.indicator_page, name="indicator"),
    path("indicators/<str:code>/cases/", views.indicator_cases_page, name="indicator_cases"),
    path(
        "indicators/<str:code>/cases.xlsx", views.indicator_cases_xlsx, name="indicator_cases_xlsx"
    ),
    path("indicators/<str:code>/series.xlsx", views.indicator_series_xlsx, name="indicator_xlsx"),
    path("nonconformities/", nc_views.nonconformities_page, name="nonconformities"),
    path("nonconformities/new/", nc_views.nonconformity_new_page, name="nonconformity_new"),
    path("nonconformities/<uuid:nc_id>/", nc_views.nonconformity_page, name="nonconformity"),
    path(
        "nonconformities/<uuid:nc_id>/actions/<str:action>/",
        nc_views.nonconformity_action,
        name="nonconformity_action",
    ),
    path("plans/", plan_views.plans_page, name="plans"),
    path("plans/new/", plan_views.plan_new_page, name="plan_new"),
    path("plans/<uuid:plan_id>/", plan_views.plan_page, name="plan"),
    path("plans/<uuid:plan_id>/actions/<str:action>/", plan_views.plan_action, name="plan_action"),
    path("plans/<uuid:plan_id>/measures/", plan_views.plan_action_add, name="plan_measure_add"),
    path(
        "plans/<uuid:plan_id>/measures/<int:action_id>/done",
        plan_views.plan_action_done,
        name="plan_measure_done",
    ),
]
