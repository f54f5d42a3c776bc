from django.urls import path

from . import views
from .assessment import urls as assessment

app_name = "people"
urlpatterns = [
    path("training/", views.plans_page, name="plans"),
    path("training/plans/<str:plan_id>/", views.plan_page, name="plan"),
    path("training/courses/<str:course_id>/", views.course_page, name="course"),
    path("training/materials/<str:material_id>/", views.material_file, name="material"),
    path("training/sessions/<str:session_id>/", views.session_page, name="session"),
    path("exams/", views.exams_page, name="exams"),
    path("exams/bank/", views.bank_page, name="bank"),
    path("exams/<str:exam_id>/start/", views.exam_start, name="exam_start"),
    path("exams/attempts/<str:attempt_id>/", views.attempt_page, name="attempt"),
    path("certificates/", views.certificates_page, name="certificates"),
    path("certificates/reassign/", views.reassign_page, name="reassign"),
    path("training/mine/", views.my_training_page, name="my_training"),
    path("training/required/", views.required_page, name="required"),
    *assessment.urlpatterns,  # assessment and incentives (issue 18 §4–§5)
]
