"""Public online-claim pages, mounted at /online-claims/ (no HIQC login; issue 5 §5)."""

from django.urls import path

from . import views

app_name = "claims_online"
urlpatterns = [
    path("", views.start_page, name="start"),
    path("verify/", views.verify_page, name="verify"),
    path("verify/resend/", views.resend_code, name="resend"),
    path("logout/", views.end_session, name="logout"),
    path("claims/", views.claims_page, name="claims"),
    path("claims/new/", views.new_claim_page, name="new"),
    path("claims/<uuid:claim_id>/", views.claim_page, name="detail"),
    path("claims/<uuid:claim_id>/documents/", views.upload_documents, name="upload"),
    path("claims/<uuid:claim_id>/letters/<uuid:letter_id>/", views.letter_page, name="letter"),
]
