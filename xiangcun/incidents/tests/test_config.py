"""The county's incident configuration: categories, dispatch rules, departments (pages and services)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from xiangcun.accounts.models import Department
from xiangcun.core.errors import ServiceError
from xiangcun.incidents import services
from xiangcun.incidents.choices import AssigneeKind
from xiangcun.incidents.models import Category, DispatchRule
from xiangcun.incidents.tests.factories import category

pytestmark = pytest.mark.django_db

COUNTY, TOWNSHIP_A, TOWNSHIP_B = "623023", "623023103", "623023102"


def category_post(**changes) -> dict:
    data = {"code": "env-smoke", "name": "秸秆焚烧", "parent": category("env").pk, "order": 15, "active": "on",
            "default_priority": "normal", "default_public": "on", "default_assignee_kind": AssigneeKind.VILLAGE,
            "accept_hours": 2, "dispatch_hours": 2, "handle_hours": 24, "check_hours": 12,
            "overdue_action": "supervise", "escalate_after_hours": 4, "reopen_days": 7}
    data.update(changes)
    return data


def test_everyone_signed_in_reads_the_configuration(tree, personas, client_as):
    client = client_as("grid_worker_a")
    for name in ("incidents:config-categories", "incidents:config-rules", "incidents:config-departments"):
        assert client.get(reverse(name)).status_code == 200
    page = client.get(reverse("incidents:config-categories")).content.decode()
    assert "地质灾害" in page and reverse("incidents:category-create") not in page


def test_a_village_cadre_cannot_change_a_category(tree, personas, client_as):
    garbage = category("env-garbage")
    client = client_as("village_clerk_a")
    response = client.post(reverse("incidents:category-edit", args=[garbage.pk]), category_post(code="env-garbage"))
    assert response.status_code == 403
    assert Category.objects.get(pk=garbage.pk).handle_hours == 72
    with pytest.raises(ServiceError) as refused:
        services.category_update(actor=personas["village_clerk_a"], category=garbage, handle_hours=1)
    assert refused.value.code == "county_level_required"


def test_the_county_admin_adds_and_edits_categories(tree, personas, client_as):
    client = client_as("county_admin")
    response = client.post(reverse("incidents:category-create"), category_post())
    assert response.status_code == 302
    smoke = Category.objects.get(code="env-smoke")
    assert smoke.parent.code == "env" and smoke.handle_hours == 24
    response = client.post(reverse("incidents:category-edit", args=[smoke.pk]),
                           category_post(handle_hours=0, name="秸秆焚烧（改）"))
    assert response.status_code == 200 and "handle_hours" in response.context["form"].errors
    assert response.context["form"]["name"].value() == "秸秆焚烧（改）"
    assert Category.objects.get(pk=smoke.pk).name == "秸秆焚烧"
    client.post(reverse("incidents:category-edit", args=[smoke.pk]), category_post(handle_hours=36, active=""))
    smoke.refresh_from_db()
    assert smoke.handle_hours == 36 and not smoke.active


def test_a_category_cannot_lie_under_its_own_child(tree, personas):
    with pytest.raises(ServiceError) as refused:
        services.category_update(actor=personas["county_admin"], category=category("env"),
                                 parent=category("env-garbage"))
    assert refused.value.code == "invalid_parent"


def test_a_township_officer_keeps_rules_of_the_township_only(tree, personas, client_as):
    department = personas["dept_staff"].departments.get()
    client = client_as("township_officer")
    response = client.post(reverse("incidents:rule-create"), {
        "region": TOWNSHIP_A, "category": "road-light", "assignee_kind": AssigneeKind.DEPARTMENT,
        "department": department.pk, "active": "on"})
    assert response.status_code == 302
    rule = DispatchRule.objects.get()
    assert rule.region.code == TOWNSHIP_A and rule.department == department
    response = client.post(reverse("incidents:rule-create"), {
        "region": TOWNSHIP_B, "category": "road-light", "assignee_kind": AssigneeKind.VILLAGE, "active": "on"})
    assert response.status_code == 200 and DispatchRule.objects.count() == 1
    response = client.post(reverse("incidents:rule-edit", args=[rule.pk]), {
        "category": "road-light", "assignee_kind": AssigneeKind.VILLAGE, "note": "村里先处理"})
    rule.refresh_from_db()
    assert response.status_code == 302 and rule.assignee_kind == AssigneeKind.VILLAGE and not rule.active


def test_a_village_cadre_cannot_make_rules(tree, personas, client_as):
    with pytest.raises(ServiceError):
        services.dispatch_rule_create(actor=personas["village_clerk_a"], region=tree[TOWNSHIP_A],
                                      category=category("road-light"), assignee_kind=AssigneeKind.VILLAGE)
    response = client_as("village_clerk_a").post(reverse("incidents:rule-create"), {
        "region": TOWNSHIP_A, "category": "road-light", "assignee_kind": AssigneeKind.VILLAGE, "active": "on"})
    assert response.status_code == 200 and not DispatchRule.objects.exists()


def test_the_rules_page_shows_the_rules_above_read_only(tree, personas, client_as):
    rule = services.dispatch_rule_create(actor=personas["county_admin"], region=tree[COUNTY],
                                         category=category("fire"), assignee_kind=AssigneeKind.TOWNSHIP)
    page = client_as("village_clerk_a").get(reverse("incidents:config-rules"))
    assert [r.pk for r in page.context["object_list"]] == [rule.pk]
    assert reverse("incidents:rule-edit", args=[rule.pk]) not in page.content.decode()


def test_the_county_admin_manages_departments_and_their_staff(tree, personas, client_as):
    client = client_as("county_admin")
    response = client.post(reverse("incidents:department-create"), {
        "region": COUNTY, "code": "yingji", "name": "县应急管理局", "phone": "0941-1234567", "active": "on",
        "members": [personas["grid_worker_a"].pk]})
    assert response.status_code == 302
    department = Department.objects.get(code="yingji")
    assert list(department.members.all()) == [personas["grid_worker_a"]]
    assert client_as("village_clerk_a").post(reverse("incidents:department-edit", args=[department.pk]), {
        "region": COUNTY, "code": "yingji", "name": "改名", "active": "on"}).status_code == 403
    assert Department.objects.get(pk=department.pk).name == "县应急管理局"
    client.post(reverse("incidents:department-edit", args=[department.pk]), {
        "region": COUNTY, "code": "yingji", "name": "县应急管理局", "members": []})
    department.refresh_from_db()
    assert not department.active and not department.members.exists()
