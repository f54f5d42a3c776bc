"""Public survey pages, mounted at /s/ (no HIQC login; issue 6 §3). The link token is the key."""

from django.urls import path

from . import public_views as views

app_name = "survey_public"
urlpatterns = [
    path("<str:token>/", views.answer_page, name="answer"),
    path("<str:token>/opt-out", views.opt_out_page, name="opt_out"),
]
