from django.urls import path

from . import views

app_name = "customers"
urlpatterns = [
    path("", views.customer_list_page, name="list"),
    path("new/", views.customer_create_page, name="create"),
    path("reveals/", views.reveal_list_page, name="reveals"),
    path("quality/", views.data_quality_page, name="quality"),
    path(
        "quality/<uuid:unit_id>/<slug:problem>/",
        views.data_quality_detail_page,
        name="quality_detail",
    ),
    path("<uuid:customer_id>/", views.customer_detail_page, name="detail"),
    path("<uuid:customer_id>/reveal", views.customer_reveal_fragment, name="reveal"),
]
