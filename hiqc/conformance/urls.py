from django.urls import path

from . import views

app_name = "conformance"
urlpatterns = [
    path("", views.clauses_page, name="clauses"),
    path("clauses/<str:code>/", views.clause_page, name="clause"),
]
