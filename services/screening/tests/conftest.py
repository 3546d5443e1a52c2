"""The screening service under test: one running instance per test module (see keten_shared.testing.service_fixtures).

The background scheduler is off so that no forced referral races a test; test_scheduler.py drives it.
"""

from keten_screening.entrypoints.app import spec
from keten_shared.testing.service_fixtures import service_app_fixture

app = service_app_fixture(spec, scheduler_enabled=False)
