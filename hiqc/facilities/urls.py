from django.urls import path

from . import operators_views, views

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
    path("operators/", operators_views.operators_page, name="operators"),
    path(
        "equipment/<str:equipment_id>/operators/",
        operators_views.equipment_operators_page,
        name="equipment_operators",
    ),
    path("renewal/", operators_views.renewal_page, name="renewal"),
    path("renewal/<str:plan_id>/", operators_views.renewal_plan_page, name="renewal_plan"),
]
