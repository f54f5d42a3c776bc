"""Fixtures of the information tests: the shared org tree and personas (root conftest), a branch
manager of P2 (another branch), and a client per user."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from hiqc.organisations.enums import Role
from hiqc.organisations.models import Membership, User


@pytest.fixture
def manager_p2(org) -> User:
    user = User.objects.create_user(username="manager_p2", password="x" * 20, org_unit=org["P2"],
                                    display_name="p2")  # fmt: skip
    Membership.objects.create(user=user, role=Role.BRANCH_MANAGER, org_unit=org["P2"])
    return user


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")
