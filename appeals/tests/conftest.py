"""Fixtures of the appeals tests."""

import pytest

from appeals.tests.factories import staff_user


@pytest.fixture
def head():
    return staff_user("head", "Head")


@pytest.fixture
def executor():
    return staff_user("executor", "Executor")
