"""The assessment pages' URLs, included by ``hiqc.people.urls`` (issue 18 §4–§5)."""

from django.urls import path

from .views import (
    cycle_action,
    cycle_page,
    cycle_raters,
    cycles_page,
    my_assessments_page,
    rating_post,
    result_page,
    result_post,
)

urlpatterns = [
    path("assessments/", cycles_page, name="cycles"),
    path("assessments/mine/", my_assessments_page, name="my_assessments"),
    path("assessments/<uuid:cycle_id>/", cycle_page, name="cycle"),
    path("assessments/<uuid:cycle_id>/actions/<str:action>/", cycle_action, name="cycle_action"),
    path("assessments/<uuid:cycle_id>/raters/", cycle_raters, name="cycle_raters"),
    path("assessments/results/<uuid:result_id>/", result_page, name="result"),
    path("assessments/results/<uuid:result_id>/<str:what>/", result_post, name="result_post"),
    path("assessments/ratings/<uuid:rating_id>/", rating_post, name="rating"),
]
