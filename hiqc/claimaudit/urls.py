from django.urls import path

from . import views

app_name = "claimaudit"
urlpatterns = [
    path("", views.round_list_page, name="list"),
    path("<uuid:round_id>/", views.round_detail_page, name="detail"),
    path("<uuid:round_id>/next/", views.round_next, name="next"),
    path("<uuid:round_id>/complete/", views.round_complete, name="complete"),
    path("items/<uuid:item_id>/", views.item_page, name="item"),
    path("items/<uuid:item_id>/review/", views.item_review, name="review"),
    path("items/<uuid:item_id>/errors/", views.item_errors, name="errors"),
]
