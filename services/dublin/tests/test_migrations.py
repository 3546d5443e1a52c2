"""The dublin migrations create exactly the tables the ORM maps, and run down to base and up again."""

from keten_shared.testing.checks import assert_migrations_match_models


async def test_migrations_match_the_orm_and_go_down_and_up(postgres_url):
    await assert_migrations_match_models(
        "keten_dublin", {"procedures", "eurodac_hits", "screening_findings", "dublinet_messages"}, postgres_url
    )
