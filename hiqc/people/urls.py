from django.urls import path

from . import views
from .assessment import urls as assessment
from .promotion import views as promotion

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
    # promotion with public notice (7.3.3; issue 18 §6)
    path("promotions/", promotion.promotions_page, name="promotions"),
    path("promotions/new/", promotion.promotion_new_page, name="promotion_new"),
    path("promotions/<str:promotion_id>/", promotion.promotion_page, name="promotion"),
    path(
        "promotions/<str:promotion_id>/actions/<slug:action>/",
        promotion.promotion_action,
        name="promotion_action",
    ),
    path("notices/", promotion.notices_page, name="notices"),
    path("notices/<str:promotion_id>/", promotion.notice_page, name="notice"),
    path(
        "notices/<str:promotion_id>/objections/", promotion.objection_post, name="notice_objection"
    ),
]
