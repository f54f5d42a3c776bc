from django.urls import path

from . import operators_views, views
from .faults import views as faults
from .maintenance import views as maintenance_views

app_name = "facilities"
urlpatterns = [
    path("outlets/", views.outlets_page, name="outlets"),
    path("outlets/<str:outlet_id>/", views.outlet_page, name="outlet"),
    path("inspections/", views.inspections_page, name="inspections"),
    path("inspections/<str:inspection_id>/", views.inspection_page, name="inspection"),
    path("photos/<str:photo_id>/", views.photo_file, name="photo"),
    path("rectifications/", views.rectifications_page, name="rectifications"),
    path("rectifications/<uuid:case_id>/", views.rectification_page, name="rectification"),
    path(
        "rectifications/<uuid:case_id>/actions/<str:action>/",
        views.rectification_action,
        name="rectification_action",
    ),
    path("equipment/", views.equipment_page, name="equipment"),
    path("equipment/import/", views.equipment_import_page, name="equipment_import"),
    path("equipment/<str:equipment_id>/", views.equipment_detail_page, name="equipment_detail"),
    path("checklist/", views.checklist_page, name="checklist"),
    # preventive maintenance (8.2.2; issue 19 §4)
    path("maintenance/plans/", maintenance_views.plans_page, name="maintenance_plans"),
    path("maintenance/plans/<str:plan_id>/", maintenance_views.plan_page, name="maintenance_plan"),
    path("maintenance/tasks/", maintenance_views.tasks_page, name="maintenance_tasks"),
    path("maintenance/tasks/<str:task_id>/", maintenance_views.task_page, name="maintenance_task"),
    path("faults/", faults.faults_page, name="faults"),
    path("faults/report/", faults.fault_report_page, name="fault_report"),
    path("faults/import/", faults.faults_import_page, name="faults_import"),
    path("faults/<uuid:fault_id>/", faults.fault_page, name="fault"),
    path("faults/<uuid:fault_id>/actions/<str:action>/", faults.fault_action, name="fault_action"),
    path("operators/", operators_views.operators_page, name="operators"),
    path(
        "equipment/<str:equipment_id>/operators/",
        operators_views.equipment_operators_page,
        name="equipment_operators",
    ),
    path("renewal/", operators_views.renewal_page, name="renewal"),
    path("renewal/<str:plan_id>/", operators_views.renewal_plan_page, name="renewal_plan"),
]
