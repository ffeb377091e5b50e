"""配置 — the county's category tree, the dispatch rules of counties and townships, the county departments.

Everyone signed in reads them; county-level staff change categories and departments, and a rule is changed
by whoever holds the permission in its county or township. The services check again.
"""

from __future__ import annotations

from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import ListView, TemplateView

from xiangcun.accounts.models import Department, User
from xiangcun.core.errors import ServiceError
from xiangcun.core.scoping import user_scope
from xiangcun.core.views import CountyConfigMixin, ScopedServiceFormView, ScopedViewMixin, ServiceFormView
from xiangcun.incidents import selectors, services
from xiangcun.incidents.forms import desk as forms
from xiangcun.incidents.models import Category, DispatchRule
from xiangcun.incidents.services.config import county_users
from xiangcun.regions.choices import Level
from xiangcun.regions.models import Region


def ordered_tree(categories) -> list[tuple[Category, int]]:
    """Categories in tree order with their depth (for indentation)."""
    children: dict = {}
    for category in categories:
        children.setdefault(category.parent_id, []).append(category)
    ordered, stack = [], [(c, 0) for c in reversed(children.get(None, []))]
    while stack:
        node, depth = stack.pop()
        ordered.append((node, depth))
        stack.extend((child, depth + 1) for child in reversed(children.get(node.pk, [])))
    return ordered


class CategoryListView(CountyConfigMixin, TemplateView):
    config_model = Category
    template_name = "incidents/config/categories.html"

    def get_context_data(self, **kwargs):
        categories = Category.objects.select_related("default_department").order_by("order", "code")
        return super().get_context_data(tree=ordered_tree(list(categories)), section="categories", **kwargs)


class CategoryEditView(CountyConfigMixin, ServiceFormView):
    """Create (no pk) or change a category."""

    config_model = Category
    edit_only = True
    form_class = forms.CategoryForm
    template_name = "incidents/config/form.html"
    success_message = _("Saved.")

    def get_object(self) -> Category | None:
        pk = self.kwargs.get("pk")
        return get_object_or_404(Category, pk=pk) if pk else None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_object(),
                "departments": selectors.departments_for(self.request.user)}

    def get_context_data(self, **kwargs):
        category = self.get_object()
        title = _("Category %(name)s") % {"name": category.name} if category else _("New category")
        return super().get_context_data(title=title, section="categories", **kwargs)

    def perform(self, form):
        category = self.get_object()
        if category is None:
            return services.category_create(actor=self.request.user, **form.cleaned_data)
        return services.category_update(actor=self.request.user, category=category, **form.cleaned_data)

    def get_success_url(self, result=None) -> str:
        return reverse("incidents:config-categories")


def _ancestor_codes(user) -> set[str]:
    codes = set(user.role_assignments.values_list("region__code", flat=True))
    return {code[:length] for code in codes for length in (6, 9) if len(code) > length}


class DispatchRuleListView(ScopedViewMixin, ListView):
    """The rules in the user's regions (restricted), and read-only the rules of the county and township above.

    Not a ScopedListView: a rule has no page of its own for the generated scope walk to follow.
    """

    model = DispatchRule
    template_name = "incidents/config/rules.html"
    paginate_by = 100

    def get_queryset(self):
        own = super().get_queryset()
        above = DispatchRule.objects.filter(region__code__in=_ancestor_codes(self.request.user))
        return (DispatchRule.objects.filter(Q(pk__in=own.values("pk")) | Q(pk__in=above.values("pk")))
                .select_related("region", "category", "department").order_by("region__code", "category__order"))

    def get_context_data(self, **kwargs):
        scope = user_scope(self.request.user, "incidents.change_dispatchrule")
        context = super().get_context_data(section="rules", **kwargs)
        for rule in context["object_list"]:
            rule.can_change = scope.covers_code(rule.region.code)
        context["can_add"] = self.request.user.has_perm("incidents.add_dispatchrule") and bool(rule_regions(
            self.request.user))
        return context


def rule_regions(user):
    """Counties and townships where the user may keep rules."""
    scope = user_scope(user, "incidents.add_dispatchrule")
    if scope.empty:
        return Region.objects.none()
    regions = Region.objects.filter(level__in=(Level.COUNTY, Level.TOWNSHIP)).order_by("code")
    if scope.everything:
        return regions
    allowed = [r.pk for r in regions.only("pk", "code") if scope.covers_code(r.code)]
    return regions.filter(pk__in=allowed)


class DispatchRuleEditView(ScopedServiceFormView):
    """Create (no pk) or change a dispatch rule of a county or township in the user's scope."""

    model = DispatchRule
    object_action = "change"
    object_related = ("region", "category")
    permission_required = "incidents.change_dispatchrule"
    form_class = forms.DispatchRuleForm
    template_name = "incidents/config/form.html"
    success_message = _("Saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object,
                "regions": rule_regions(self.request.user), "departments": selectors.departments_for(self.request.user)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("Dispatch rule"), section="rules", **kwargs)

    def perform(self, form):
        rule, data = self.object, form.cleaned_data
        fields = {"category": data["category"], "assignee_kind": data["assignee_kind"],
                  "department": data["department"], "note": data["note"], "active": data["active"]}
        try:
            if rule is None:
                return services.dispatch_rule_create(actor=self.request.user, region=data["region"], **fields)
            return services.dispatch_rule_update(actor=self.request.user, rule=rule, **fields)
        except ServiceError as error:
            if error.status == 404:  # the chosen region is outside the user's scope: say so next to it
                error.extra.setdefault("field", "region")
            raise

    def get_success_url(self, result=None) -> str:
        return reverse("incidents:config-rules")


class DepartmentListView(CountyConfigMixin, TemplateView):
    config_model = Category  # departments are kept by whoever keeps the county's categories
    template_name = "incidents/config/departments.html"

    def get_context_data(self, **kwargs):
        departments = selectors.departments_for(self.request.user, active_only=False).prefetch_related(
            Prefetch("members", queryset=User.objects.order_by("full_name", "username")))
        return super().get_context_data(departments=departments, section="departments", **kwargs)


class DepartmentEditView(CountyConfigMixin, ServiceFormView):
    config_model = Category  # departments are kept by whoever keeps the county's categories
    edit_only = True
    success_message = _("Saved.")
    form_class = forms.DepartmentForm
    template_name = "incidents/config/form.html"

    def counties(self):
        scope = user_scope(self.request.user, "incidents.change_category")
        counties = Region.objects.filter(level=Level.COUNTY).order_by("code")
        if scope.everything:
            return counties
        return counties.filter(code__in=[code[:6] for code in scope.codes if len(code) <= 6])

    def get_object(self) -> Department | None:
        pk = self.kwargs.get("pk")
        if not pk:
            return None
        department = selectors.departments_for(self.request.user, active_only=False).filter(pk=pk).first()
        if department is None:
            raise Http404
        return department

    def get_form_kwargs(self):
        department = self.get_object()
        counties = self.counties()
        county = department.region if department else counties.first()
        kwargs = {**super().get_form_kwargs(), "counties": counties,
                  "users": county_users(county) if county else User.objects.none()}
        if department is not None and self.request.method == "GET":
            kwargs["initial"] = {"region": department.region.code, "code": department.code, "name": department.name,
                                 "phone": department.phone, "active": department.active,
                                 "members": list(department.members.all())}
        elif county is not None and self.request.method == "GET":
            kwargs["initial"] = {"region": county.code, "active": True}
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("Department"), section="departments", **kwargs)

    def perform(self, form):
        department, data = self.get_object(), form.cleaned_data
        fields = {"code": data["code"], "name": data["name"], "phone": data["phone"], "active": data["active"],
                  "members": list(data["members"])}
        if department is None:
            return services.department_create(actor=self.request.user, region=data["region"], **fields)
        return services.department_update(actor=self.request.user, department=department, **fields)

    def get_success_url(self, result=None) -> str:
        return reverse("incidents:config-departments")
