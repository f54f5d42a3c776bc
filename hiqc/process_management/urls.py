from django.urls import path

from . import views

app_name = "process_management"
urlpatterns = [
    path("", views.process_list_page, name="list"),
    path("<str:code>/", views.mining_page, name="mining"),
    path("<str:code>/cases/", views.cases_page, name="cases"),
    path("<str:code>/handbook/", views.handbook_page, name="handbook"),
    path("<str:code>/changes/", views.changes_page, name="changes"),
    path("<str:code>/needs/", views.needs_page, name="needs"),
    path("<str:code>/handbook.pdf", views.handbook_pdf, name="handbook_pdf"),
]
