"""Grid (网格) services: validation, workers, and scope for the personas of two townships."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from xiangcun.accounts.models import User
from xiangcun.core.errors import OutOfScope, ServiceError
from xiangcun.core.testing import VILLAGE_A, VILLAGE_A2, VILLAGE_B
from xiangcun.regions.models import Grid, Region
from xiangcun.regions.services import grid_create, grid_delete, grid_update

SQUARE = {"type": "Polygon", "coordinates": [[[104.30, 33.70], [104.31, 33.70], [104.31, 33.71], [104.30, 33.71],
                                              [104.30, 33.70]]]}
BOW_TIE = {"type": "Polygon", "coordinates": [[[104.30, 33.70], [104.31, 33.71], [104.31, 33.70], [104.30, 33.71],
                                               [104.30, 33.70]]]}


def region(code: str) -> Region:
    return Region.objects.get(code=code)


@pytest.mark.django_db
def test_the_system_creates_a_grid_with_outline_and_workers(tree):
    worker = User.objects.create(username="wangge")

    grid = grid_create(actor=None, village=tree[VILLAGE_A], code=f"{VILLAGE_A}G01", name="杰迪村第1网格",
                       boundary=SQUARE, workers=[worker])

    grid.refresh_from_db()
    assert (grid.village.code, grid.name, grid.boundary) == (VILLAGE_A, "杰迪村第1网格", SQUARE)
    assert list(grid.workers.all()) == [worker]


@pytest.mark.django_db
def test_a_grid_must_belong_to_a_village(tree):
    with pytest.raises(ServiceError) as caught:
        grid_create(actor=None, village=tree["623023103"], code="623023103G01", name="镇网格")
    assert caught.value.code == "not_a_village"
    assert not Grid.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("boundary", [BOW_TIE, {"type": "Point", "coordinates": [104.3, 33.7]},
                                      {"type": "Polygon", "coordinates": [[[1, 2]]]},
                                      {"type": "Polygon", "coordinates": [[[33.7, 204.3], [33.8, 204.3],
                                                                            [33.8, 204.4], [33.7, 204.3]]]}])
def test_an_unusable_outline_is_refused(tree, boundary):
    with pytest.raises(ServiceError) as caught:
        grid_create(actor=None, village=tree[VILLAGE_A], code=f"{VILLAGE_A}G01", name="网格", boundary=boundary)
    assert caught.value.code == "bad_boundary"
    assert not Grid.objects.exists()


@pytest.mark.django_db
def test_a_grid_outline_must_lie_inside_the_village_outline(tree):
    village = tree[VILLAGE_A]
    village.boundary = {"type": "Polygon", "coordinates": [[[104.0, 33.0], [104.2, 33.0], [104.2, 33.2],
                                                             [104.0, 33.2], [104.0, 33.0]]]}
    village.save()

    with pytest.raises(ServiceError) as caught:
        grid_create(actor=None, village=village, code=f"{VILLAGE_A}G01", name="网格", boundary=SQUARE)
    assert caught.value.code == "boundary_outside_village"

    inside = {"type": "Polygon", "coordinates": [[[104.05, 33.05], [104.1, 33.05], [104.1, 33.1], [104.05, 33.05]]]}
    assert grid_create(actor=None, village=village, code=f"{VILLAGE_A}G01", name="网格", boundary=inside).pk


@pytest.mark.django_db
def test_workers_must_be_saved_users_and_codes_unique(tree):
    with pytest.raises(ServiceError) as caught:
        grid_create(actor=None, village=tree[VILLAGE_A], code=f"{VILLAGE_A}G01", name="网格", workers=["李网格"])
    assert caught.value.code == "bad_worker"

    grid_create(actor=None, village=tree[VILLAGE_A], code=f"{VILLAGE_A}G01", name="网格")
    with pytest.raises(ValidationError):
        grid_create(actor=None, village=tree[VILLAGE_A2], code=f"{VILLAGE_A}G01", name="另一个")
    assert Grid.objects.count() == 1


@pytest.mark.django_db
def test_a_township_officer_creates_grids_in_own_township_only(personas):
    officer = personas["township_officer"]  # 立节镇

    grid = grid_create(actor=officer, village=region(VILLAGE_A), code=f"{VILLAGE_A}G01", name="杰迪村第1网格",
                       workers=[personas["grid_worker_a"]])
    assert list(grid.workers.all()) == [personas["grid_worker_a"]]

    with pytest.raises(OutOfScope) as caught:  # 狼岔坝村 lies in 峰迭镇
        grid_create(actor=officer, village=region(VILLAGE_B), code=f"{VILLAGE_B}G01", name="狼岔坝村第1网格")
    assert caught.value.status == 404
    assert not Grid.objects.filter(village__code=VILLAGE_B).exists()


@pytest.mark.django_db
def test_a_worker_from_another_township_cannot_be_assigned(personas):
    with pytest.raises(OutOfScope):
        grid_create(actor=personas["township_officer"], village=region(VILLAGE_A), code=f"{VILLAGE_A}G01",
                    name="网格", workers=[personas["village_clerk_b"]])
    assert not Grid.objects.exists()


@pytest.mark.django_db
def test_a_village_cadre_may_change_but_not_create_grids(personas):
    with pytest.raises(ServiceError) as caught:
        grid_create(actor=personas["village_clerk_a"], village=region(VILLAGE_A), code=f"{VILLAGE_A}G01",
                    name="网格")
    assert caught.value.code == "permission_denied"

    grid = grid_create(actor=None, village=region(VILLAGE_A), code=f"{VILLAGE_A}G01", name="网格")
    grid_update(actor=personas["village_clerk_a"], grid=grid, name="杰迪村第1网格", boundary=SQUARE,
                workers=[personas["grid_worker_a"]])
    grid.refresh_from_db()
    assert (grid.name, grid.boundary, list(grid.workers.all())) == ("杰迪村第1网格", SQUARE,
                                                                    [personas["grid_worker_a"]])


@pytest.mark.django_db
def test_another_village_cadre_cannot_change_or_delete_the_grid(personas):
    grid = grid_create(actor=None, village=region(VILLAGE_A), code=f"{VILLAGE_A}G01", name="网格")

    with pytest.raises(OutOfScope):
        grid_update(actor=personas["village_clerk_b"], grid=grid, name="改名", boundary=None, workers=[])
    with pytest.raises(OutOfScope):
        grid_delete(actor=personas["township_officer"], grid=grid_create(
            actor=None, village=region(VILLAGE_B), code=f"{VILLAGE_B}G01", name="网格"))

    assert Grid.objects.get(pk=grid.pk).name == "网格"
    assert Grid.objects.count() == 2


@pytest.mark.django_db
def test_a_township_officer_deletes_a_grid_in_own_township(personas):
    grid = grid_create(actor=None, village=region(VILLAGE_A), code=f"{VILLAGE_A}G01", name="网格")

    grid_delete(actor=personas["township_officer"], grid=grid)

    assert not Grid.objects.exists()
