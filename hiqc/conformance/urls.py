from django.urls import path

from . import principles_views, views

app_name = "conformance"
urlpatterns = [
    path("", views.clauses_page, name="clauses"),
    path("clauses/<str:code>/", views.clause_page, name="clause"),
    path("matrix/", views.matrix_page, name="matrix"),
    path("matrix.xlsx", views.matrix_xlsx, name="matrix_xlsx"),
    path("principles/", principles_views.principles_page, name="principles"),
    path("rounds/", views.rounds_page, name="rounds"),
    path("rounds/<uuid:round_id>/", views.round_page, name="round"),
    path("rounds/<uuid:round_id>/report.pdf", views.round_report_pdf, name="round_report_pdf"),
    path("rounds/<uuid:round_id>/report.xlsx", views.round_report_xlsx, name="round_report_xlsx"),
    path("rounds/<uuid:round_id>/review.pdf", views.round_review_pdf, name="round_review_pdf"),
    path("rounds/<uuid:round_id>/judge/", views.round_judge, name="round_judge"),
    path("rounds/<uuid:round_id>/actions/<str:action>/", views.round_action, name="round_action"),
]
