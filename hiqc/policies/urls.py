from django.urls import path

from . import views

app_name = "policies"
urlpatterns = [
    path("", views.policy_list_page, name="list"),
    path("products/", views.product_list_page, name="products"),
    path("import/", views.import_page, name="import"),
    path("<uuid:policy_id>/", views.policy_detail_page, name="detail"),
]
