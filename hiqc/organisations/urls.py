from django.urls import path

from . import views

app_name = "organisations"
urlpatterns = [
    path("units/", views.org_unit_page, name="org_units"),
    path("users/", views.user_list_page, name="users"),
    path("users/<uuid:user_id>/", views.user_detail_page, name="user"),
    path(
        "users/<uuid:user_id>/deactivate",
        views.user_active_action,
        {"action": "deactivate"},
        name="user_deactivate",
    ),
    path(
        "users/<uuid:user_id>/reactivate",
        views.user_active_action,
        {"action": "reactivate"},
        name="user_reactivate",
    ),
    path(
        "memberships/<uuid:membership_id>/revoke",
        views.membership_revoke_action,
        name="membership_revoke",
    ),
    path("tokens/", views.token_page, name="tokens"),
    path("tokens/<uuid:token_id>/revoke", views.token_revoke_action, name="token_revoke"),
]
