from django.urls import path

from .evaluation import views as evaluation
from .monitoring import views as monitoring

app_name = "products"
urlpatterns: list = [
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
