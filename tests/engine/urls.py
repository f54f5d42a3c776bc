from django.urls import path

from config.urls import urlpatterns as main_patterns

from .api import api

urlpatterns = [*main_patterns, path("probe-api/", api.urls)]
