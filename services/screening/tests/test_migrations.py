"""The screening migrations create exactly the tables the ORM maps, and run down to base and up again."""

from keten_shared.testing.checks import assert_migrations_match_models, assert_pages_read_in_index_order
from keten_shared.testing.fixtures import migrated


async def test_migrations_match_the_orm_and_go_down_and_up(postgres_url):
    await assert_migrations_match_models(
        "keten_screening", {"screenings", "security_findings", "allegations", "eurodac_registrations"}, postgres_url
    )


async def test_screenings_pages_are_read_in_index_order_however_many_are_stored(postgres_url):
    url = await migrated("keten_screening", postgres_url)
    await assert_pages_read_in_index_order("keten_screening", "screenings", url, status="IN_PROGRESS")
