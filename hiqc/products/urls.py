from django.urls import path

from .projects import views as projects

app_name = "products"
urlpatterns: list = [
    path("projects/", projects.projects_page, name="projects"),
    path("projects/new/", projects.project_new_page, name="project_new"),
    path("projects/<uuid:project_id>/", projects.project_page, name="project"),
    path(
        "projects/<uuid:project_id>/actions/<slug:action>/",
        projects.project_action,
        name="project_action",
    ),
    path(
        "projects/<uuid:project_id>/attachments/",
        projects.attachment_upload,
        name="attachment_upload",
    ),
    path("attachments/<uuid:attachment_id>/", projects.attachment_file, name="attachment"),
]
