from __future__ import annotations

import itertools

from xiangcun.accounts.models import Role, RoleAssignment, User
from xiangcun.core.testing import scope_factory

_serial = itertools.count(1)


@scope_factory(User)
def make_user(village) -> User:
    user = User.objects.create(username=f"villager{next(_serial)}_{village.code}", full_name="测试村民",
                               must_change_password=False)
    RoleAssignment.objects.create(user=user, role=Role.objects.get(code="villager"), region=village)
    return user
