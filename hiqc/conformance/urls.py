from django.urls import path

from . import principles_views, views

app_name = "conformance"
urlpatterns = [
    path("", views.clauses_page, name="clauses"),
    path("clauses/<str:code>/", views.clause_page, name="clause"),
    path("principles/", principles_views.principles_page, name="principles"),
]
