from django.urls import path

from . import views

app_name = "callcentre"
urlpatterns = [path("staffing/", views.staffing_page, name="staffing")]
