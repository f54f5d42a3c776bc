from django.urls import path

from . import views

app_name = "callcentre"
urlpatterns = [
    path("", views.dashboard_page, name="dashboard"),
    path("staffing/", views.staffing_page, name="staffing"),
    path("calls/import/", views.import_page, name="import"),
]
