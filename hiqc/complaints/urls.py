from django.urls import path

from . import views

app_name = "complaints"
urlpatterns = [
    path("", views.complaint_list_page, name="list"),
    path("new/", views.complaint_new_page, name="new"),
    path("statistics/", views.statistics_page, name="statistics"),
    path("statistics/export.xlsx", views.statistics_export, name="statistics_export"),
    path("customer-lookup/", views.customer_lookup, name="customer_lookup"),
    path("<uuid:complaint_id>/", views.complaint_detail_page, name="detail"),
    path("<uuid:complaint_id>/actions/<str:action>/", views.complaint_action, name="action"),
    path("letters/<uuid:letter_id>/", views.letter_page, name="letter"),
]
