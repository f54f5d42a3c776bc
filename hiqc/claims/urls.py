from django.urls import path

from . import dashboard_views, views

app_name = "claims"
urlpatterns = [
    path("", views.claim_list_page, name="list"),
    path("timeliness/", dashboard_views.timeliness_page, name="timeliness"),
    path("<uuid:claim_id>/", views.claim_detail_page, name="detail"),
    path("<uuid:claim_id>/actions/<str:action>/", views.claim_action, name="action"),
    path("<uuid:claim_id>/diagnosis/", views.diagnosis_reveal, name="diagnosis"),
    path("letters/<uuid:letter_id>/", views.claim_letter_page, name="letter"),
    path("documents/<uuid:document_id>/", views.claim_document_file, name="document"),
]
