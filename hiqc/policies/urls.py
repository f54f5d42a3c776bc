from django.urls import path

from . import catalogue_views, views

app_name = "policies"
urlpatterns = [
    path("", views.policy_list_page, name="list"),
    path("products/", catalogue_views.product_list_page, name="products"),
    # the same page, named again for its second menu entry, under 产品设计（第3章） (the menu
    # lists a page once per name)
    path("products/", catalogue_views.product_list_page, name="catalogue"),
    path("products/new/", catalogue_views.product_new_page, name="product_new"),
    path("products/import/", catalogue_views.product_import_page, name="product_import"),
    path(
        "products/import/template.csv",
        catalogue_views.product_import_template,
        name="product_import_template",
    ),
    path("products/<str:code>/", catalogue_views.product_detail_page, name="product"),
    path("products/<str:code>/edit/", catalogue_views.product_edit_page, name="product_edit"),
    path("products/<str:code>/versions/", catalogue_views.version_new, name="version_new"),
    path(
        "products/<str:code>/versions/<int:number>/",
        catalogue_views.version_edit_page,
        name="version_edit",
    ),
    path(
        "products/<str:code>/versions/<int:number>/publish/",
        catalogue_views.version_publish,
        name="version_publish",
    ),
    path(
        "products/<str:code>/versions/<int:number>/discard/",
        catalogue_views.version_discard,
        name="version_discard",
    ),
    path("import/", views.import_page, name="import"),
    path("<uuid:policy_id>/", views.policy_detail_page, name="detail"),
]
