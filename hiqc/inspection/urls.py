from django.urls import path

from . import views

app_name = "inspection"
urlpatterns = [
    path("queue/", views.queue_page, name="queue"),
    path("sample/", views.sample_page, name="sample"),
    path("tasks/<uuid:task_id>/", views.task_page, name="task"),
    path("results/", views.results_page, name="results"),
    path("scores/<uuid:score_id>/", views.score_page, name="score"),
    path("scores/<uuid:score_id>/dispute/", views.dispute_post, name="dispute_post"),
    path("my-scores/", views.my_scores_page, name="my_scores"),
    path("disputes/", views.disputes_page, name="disputes"),
    path("disputes/<uuid:dispute_id>/", views.dispute_page, name="dispute"),
    path("sheets/", views.sheets_page, name="sheets"),
    path("sheets/<uuid:sheet_id>/active/", views.sheet_active, name="sheet_active"),
]
