from django.urls import path

from . import views

app_name = "consultations"
urlpatterns = [
    path("", views.consultation_list_page, name="list"),
    path("new/", views.consultation_capture_page, name="create"),
    path("lookup/", views.customer_lookup_fragment, name="lookup"),
    path("topics/", views.topic_admin_page, name="topics"),
    path("topics/options/", views.topic_options_fragment, name="topic_options"),
    path("suggestions/", views.suggestion_list_page, name="suggestions"),
    path("suggestions/<uuid:suggestion_id>/", views.suggestion_detail_page, name="suggestion"),
    path("<uuid:consultation_id>/", views.consultation_detail_page, name="detail"),
    path(
        "<uuid:consultation_id>/actions/<str:action>/",
        views.consultation_action_page,
        name="action",
    ),
]
