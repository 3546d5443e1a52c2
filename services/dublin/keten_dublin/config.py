"""National choices and reference data of the dublin service (variables prefixed ``KETEN_DUBLIN_``).

Where the dublin chapter marks a fact unverified or an interpretation, the default below is the chapter's and
the field says so.
"""

from __future__ import annotations

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from keten_dublin.adapters.dublinet import PartnerBehaviour
from keten_shared.deadlines import MEMBER_STATE_TIMEZONES
from keten_shared.uow import UnitOfWork


class DublinSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KETEN_DUBLIN_", env_nested_delimiter="__", extra="ignore")

    participating_states: frozenset[str] = Field(
        frozenset(MEMBER_STATE_TIMEZONES),
        description="the member states bound by the AMMR and the associated states (reference data, dublin "
        "chapter conventions); Greece under both GR and EL",
    )
    cap_hit_request_at_registration_limit: bool = Field(
        True,
        description="AMMR 39(1): the 2 months from registration also cap the 1 month from a hit (an interpretation "
        "after C-670/16, to confirm)",
    )

    appeal_period_weeks: int = Field(
        1,
        ge=1,
        le=3,
        description="AMMR 43(2): the national period to appeal a transfer decision, 1 to 3 weeks after notification "
        "(national law; one national act uses 1 week)",
    )
    dublinet_poll_interval_ms: int = Field(1_000, ge=10, description="how often the DubliNet mailbox is collected")
    dublinet_partners: dict[str, PartnerBehaviour] = Field(
        default_factory=dict,
        description="DubliNet simulator only: how each simulated member state answers (ACCEPT, REFUSE or SILENT), "
        'e.g. {"AT": "SILENT", "IT": "ACCEPT"}',
    )
    dublinet_default_partner: PartnerBehaviour = Field(
        PartnerBehaviour.ACCEPT, description="DubliNet simulator only: the answer of a member state not listed"
    )

    @field_validator("participating_states")
    @classmethod
    def _upper(cls, value: frozenset[str]) -> frozenset[str]:
        return frozenset(ms.upper() for ms in value)


def dublin_settings(uow: UnitOfWork) -> DublinSettings:
    """The national choices of the running service (its adapters hold them; see entrypoints/app.py)."""
    return uow.adapters.config
