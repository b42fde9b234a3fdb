import pathlib

import pytest

import tosguard

REPO = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def baseline() -> tosguard.Policy:
    return tosguard.Policy.baseline()


@pytest.fixture(scope="session")
def host() -> tosguard.Policy:
    return tosguard.Policy.from_file(REPO / "examples" / "policies" / "host_aup.toml")


@pytest.fixture(scope="session")
def platform() -> tosguard.Policy:
    return tosguard.Policy.from_file(REPO / "examples" / "policies" / "platform_tos.toml")
