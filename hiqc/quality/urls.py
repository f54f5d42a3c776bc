from django.urls import path

from . import views

app_name = "quality"

urlpatterns = [
    path("", views.overview_page, name="overview"),
    path("indicators/", views.catalogue_page, name="catalogue"),
    path("indicators/<str:code>/", views.indicator_page, name="indicator"),
    path("indicators/<str:code>/series.xlsx", views.indicator_series_xlsx, name="indicator_xlsx"),
]
