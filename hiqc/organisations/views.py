from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hiqc.core import views as core_views
from hiqc.core.access import require
from hiqc.core.errors import ValidationFailed
from hiqc.core.http import HiqcRequest

from . import selectors, services
from .forms import FirstRunForm, MembershipForm, OrgUnitCreateForm, TokenForm, UserCreateForm


def _form_errors(form, exc: ValidationFailed) -> None:
    for name, msgs in exc.fields.items():
        for m in msgs:
            form.add_error(name if name in form.fields else None, m)


@login_required
def org_unit_page(request: HiqcRequest) -> HttpResponse:
    """The org tree; administrators add units under a unit they manage."""
    actor = request.actor
    require(actor, "org.view")
    units = list(selectors.org_unit_list(actor))
    can_manage = actor.can("org.manage")
    form = OrgUnitCreateForm(request.POST or None, units=units)
    if request.method == "POST":
        require(actor, "org.manage")
        if form.is_valid():
            parent = next(u for u in units if str(u.pk) == form.cleaned_data["parent"])
            try:
                unit = services.org_unit_create(
                    actor=actor,
                    parent_id=parent.pk,
                    level=parent.level + 1,
                    code=form.cleaned_data["code"],
                    name=form.cleaned_data["name"],
                    name_en=form.cleaned_data["name_en"],
                )
                messages.success(request, _("已新建机构 {name}。").format(name=unit.name))
                return redirect("organisations:org_units")
            except ValidationFailed as exc:
                _form_errors(form, exc)
    return render(
        request,
        "organisations/org_units.html",
        {"units": units, "form": form, "can_manage": can_manage},
    )


@login_required
def user_list_page(request: HiqcRequest) -> HttpResponse:
    """Users in scope; administrators provision new users here."""
    actor = request.actor
    require(actor, "org.view")
    can_manage = actor.can("org.manage")
    form = UserCreateForm(request.POST or None, units=selectors.org_unit_list(actor))
    if request.method == "POST":
        require(actor, "org.manage")
        if form.is_valid():
            try:
                user = services.user_create(
                    actor=actor,
                    username=form.cleaned_data["username"],
                    password=form.cleaned_data["password"],
                    org_unit_id=form.cleaned_data["org_unit"],
                    display_name=form.cleaned_data["display_name"],
                    email=form.cleaned_data["email"],
                )
                messages.success(request, _("已新建用户，请为其授予角色。"))
                return redirect("organisations:user", user_id=user.pk)
            except ValidationFailed as exc:
                _form_errors(form, exc)
    q = request.GET.get("q", "").strip()[:60]
    page = Paginator(
        selectors.user_list(actor, q=q).prefetch_related("memberships__org_unit"), 25
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "organisations/users.html",
        {"page": page, "q": q, "form": form, "can_manage": can_manage},
    )


@login_required
def user_detail_page(request: HiqcRequest, user_id: str) -> HttpResponse:
    actor = request.actor
    user = selectors.access_user(actor, user_id)
    can_manage = actor.can("org.manage", user.org_unit.path if user.org_unit else "")
    form = MembershipForm(units=selectors.org_unit_list(actor))
    if request.method == "POST":
        require(actor, "org.manage", user)
        form = MembershipForm(request.POST, units=selectors.org_unit_list(actor))
        if form.is_valid():
            try:
                services.membership_grant(
                    actor=actor,
                    user_id=user.pk,
                    role=form.cleaned_data["role"],
                    org_unit_id=form.cleaned_data["org_unit"],
                )
                messages.success(request, _("已授予角色。"))
                return redirect("organisations:user", user_id=user.pk)
            except ValidationFailed as exc:
                _form_errors(form, exc)
    return render(
        request,
        "organisations/user.html",
        {
            "subject": user,
            "memberships": selectors.membership_list(actor, user_id=user.pk),
            "tokens": selectors.api_token_list(actor, user_id=user.pk) if can_manage else [],
            "form": form,
            "can_manage": can_manage,
        },
    )


@login_required
@require_POST
def user_active_action(request: HiqcRequest, user_id: str, action: str) -> HttpResponse:
    actor = request.actor
    try:
        if action == "deactivate":
            services.user_deactivate(actor=actor, user_id=user_id)
            messages.success(request, _("账号已停用，其会话与令牌已全部失效。"))
        else:
            services.user_reactivate(actor=actor, user_id=user_id)
            messages.success(request, _("账号已启用。"))
    except ValidationFailed as exc:
        messages.error(request, exc.message)
    return redirect("organisations:user", user_id=user_id)


@login_required
@require_POST
def membership_revoke_action(request: HiqcRequest, membership_id: str) -> HttpResponse:
    actor = request.actor
    membership = selectors.access_membership(actor, membership_id)
    services.membership_revoke(actor=actor, membership_id=membership.pk)
    messages.success(request, _("已撤销角色授权。"))
    return redirect("organisations:user", user_id=membership.user_id)


@login_required
def token_page(request: HiqcRequest) -> HttpResponse:
    """My API tokens: create (shown once) and revoke."""
    actor = request.actor
    form = TokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, created = services.api_token_create(
                actor=actor,
                user_id=actor.user_id,
                name=form.cleaned_data["name"],
                days=form.cleaned_data["days"],
            )
            form = TokenForm()
        except ValidationFailed as exc:
            _form_errors(form, exc)
    tokens = selectors.api_token_list(actor, user_id=actor.user_id)
    return render(
        request, "organisations/tokens.html", {"form": form, "created": created, "tokens": tokens}
    )


@login_required
@require_POST
def token_revoke_action(request: HiqcRequest, token_id: str) -> HttpResponse:
    token = services.api_token_revoke(actor=request.actor, token_id=token_id)
    messages.success(request, _("令牌已吊销。"))
    if token.user_id != request.user.pk:
        return redirect("organisations:user", user_id=token.user_id)
    return redirect("organisations:tokens")


class LoginView(core_views.LoginView):
    """Sign-in; on an install with no org unit yet it points to the first-run page."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "install_needed": services.install_needed()}


def first_run_page(request: HiqcRequest) -> HttpResponse:
    """First run of an empty install: create the head office and its administrator (then 404).

    Whoever reaches a fresh server must prove they can read a file on it: a random token written
    to ``HIQC_FIRST_RUN_TOKEN_FILE`` (mode 600) when the page is first asked for.
    """
    from django.http import Http404

    from .firstrun import first_run_token, first_run_token_clear, first_run_token_matches

    if not services.install_needed():
        raise Http404
    path = first_run_token()
    form = FirstRunForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not first_run_token_matches(data["token"]):
            form.add_error("token", _("安装口令不正确。"))
        else:
            try:
                services.install_bootstrap(
                    head_office_code=data["head_office_code"],
                    head_office_name=data["head_office_name"],
                    head_office_name_en=data["head_office_name_en"],
                    admin_username=data["admin"],
                    admin_display_name=data["admin_name"],
                    password=data["password"],
                )
            except ValidationFailed as exc:
                _form_errors(form, exc)
            else:
                first_run_token_clear()
                messages.success(
                    request, _("系统已初始化。请以管理员 {user} 登录。").format(user=data["admin"])
                )
                return redirect("login")
    return render(request, "organisations/first_run.html", {"form": form, "token_path": path})
