from django.urls import path

from .evaluation import views as evaluation
from .monitoring import views as monitoring
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
    path("monitoring/", monitoring.overview_page, name="monitoring"),
    path("monitoring/<str:code>/", monitoring.product_page, name="monitoring_product"),
    path("monitoring/<str:code>/records/<str:figure>/", monitoring.records_page,
         name="monitoring_records"),
    path("evaluations/", evaluation.rounds_page, name="evaluations"),
    path("evaluations/new/", evaluation.round_new_page, name="evaluation_new"),
    path("evaluations/products/<str:code>/", evaluation.product_card_page,
         name="evaluation_card"),
    path("evaluations/<uuid:round_id>/", evaluation.round_page, name="evaluation"),
    path("evaluations/<uuid:round_id>/actions/<str:action>/", evaluation.round_action,
         name="evaluation_action"),
    path("evaluations/<uuid:round_id>/scores/", evaluation.round_scores,
         name="evaluation_scores"),
]  # fmt: skip
