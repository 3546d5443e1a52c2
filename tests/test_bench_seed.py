"""Bulk seeding for figure (6): copies keep their references, never collide, and leave serial keys to sequences."""

from __future__ import annotations

import pytest

from bench import seed
from bench.stack import connect
from keten_shared.testing.fixtures import create_database, drop_database

SCHEMA = """
CREATE TABLE outbox (seq bigserial PRIMARY KEY, event_id uuid UNIQUE NOT NULL, payload text, published_at timestamptz);
CREATE TABLE cases (id varchar(36) PRIMARY KEY, person_id varchar(200) NOT NULL, status text NOT NULL,
                    reference text UNIQUE);
CREATE INDEX ix_cases_status ON cases (status);
CREATE TABLE steps (id uuid PRIMARY KEY, case_id varchar(36) NOT NULL REFERENCES cases (id), note text);
"""
CASES = [
    ("6f1c8a52-7e0b-4c1e-9a57-1b2c3d4e5f60", "0a6d3b44-1f2e-4c3d-8e9f-001122334455", "DECIDED", None),
    ("9b8e7d6c-5a4b-4c3d-8e2f-66778899aabb", "not-a-uuid-person", "LODGED", None),
]


@pytest.fixture
async def database():
    name, url = await create_database()
    conn = await connect(url)
    await conn.execute(SCHEMA)
    await conn.executemany("INSERT INTO cases VALUES ($1, $2, $3, $4)", CASES)
    await conn.executemany(
        "INSERT INTO steps VALUES ($1::uuid, $2, $3)",
        [
            ("11111111-2222-4333-8444-555555555555", CASES[0][0], "first"),
            ("21111111-2222-4333-8444-555555555555", CASES[0][0], "second"),
            ("31111111-2222-4333-8444-555555555555", CASES[1][0], "only"),
        ],
    )
    await conn.execute("INSERT INTO outbox (event_id, payload, published_at) VALUES (gen_random_uuid(), '{}', now())")
    yield url, conn
    await conn.close()
    await drop_database(name)


async def test_copies_keep_references_and_collide_with_nothing(database):
    url, conn = database
    template = await seed.take_template(url)
    assert template == {"cases": 2, "outbox": 1, "steps": 3}

    grown = await seed.grow([url], 1, 4)  # the template is copy 0; copies 1, 2 and 3 are added
    assert grown.copies == 4 and grown.rows == 3 * 6

    assert await conn.fetchval("SELECT count(*) FROM cases") == 8
    assert await conn.fetchval("SELECT count(DISTINCT id) FROM steps") == 12
    # Every step's case exists, and each copy of a case still has its own steps.
    assert (
        await conn.fetchval("SELECT count(*) FROM steps s LEFT JOIN cases c ON c.id = s.case_id WHERE c.id IS NULL")
        == 0
    )
    per_case = await conn.fetch(
        "SELECT c.status, count(*) AS n FROM steps s JOIN cases c ON c.id = s.case_id GROUP BY c.id, c.status"
    )
    assert sorted((r["status"], r["n"]) for r in per_case) == [("DECIDED", 2)] * 4 + [("LODGED", 1)] * 4
    # Identifiers that are not UUIDs and other values are copied as they are; serial keys come from the sequence.
    assert await conn.fetchval("SELECT count(*) FROM cases WHERE person_id = 'not-a-uuid-person'") == 4
    assert await conn.fetchval("SELECT count(DISTINCT person_id) FROM cases WHERE status = 'DECIDED'") == 4
    assert sorted(await conn.fetchval("SELECT array_agg(seq) FROM outbox")) == [1, 2, 3, 4]
    # The plain index dropped for the copy is back.
    assert await conn.fetchval("SELECT count(*) FROM pg_indexes WHERE indexname = 'ix_cases_status'") == 1


async def test_growing_again_continues_after_the_last_copy(database):
    url, conn = database
    await seed.take_template(url)
    await seed.grow([url], 1, 2)
    await seed.grow([url], 2, 3)
    assert await conn.fetchval("SELECT count(DISTINCT id) FROM cases") == 6


async def test_the_template_waits_for_the_outbox_to_drain(database):
    url, conn = database
    await conn.execute("INSERT INTO outbox (event_id, payload) VALUES (gen_random_uuid(), '{}')")
    with pytest.raises(RuntimeError, match="1 events still in the outbox"):
        await seed.take_template(url)
