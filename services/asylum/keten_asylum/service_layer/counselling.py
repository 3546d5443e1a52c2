"""Free legal counselling in the administrative procedure (APR Art 16): requested, then provided or refused."""

from __future__ import annotations

from datetime import datetime

from keten_asylum.domain.counselling import CounsellingRefusalGround, CounsellingRequest
from keten_asylum.domain.model import Application
from keten_asylum.service_layer.procedural import audit, locked_application, new_id, records_of
from keten_shared.errors import NotFound
from keten_shared.uow import UnitOfWork


async def request_counselling(uow: UnitOfWork, application_id: str, requested_at: datetime) -> CounsellingRequest:
    application = await locked_application(uow, application_id)
    request = CounsellingRequest.request(application, request_id=new_id(), requested_at=requested_at, now=uow.now())
    uow.session.add(request)
    audit(uow, application, "legal_counselling.requested", "APR Art 16(1)", request_id=request.id)
    return request


async def provide_counselling(
    uow: UnitOfWork, application_id: str, request_id: str, *, provided_at: datetime, provider: str
) -> CounsellingRequest:
    application, request = await _counselling(uow, application_id, request_id)
    request.provide(provided_at=provided_at, provider=provider, now=uow.now())
    audit(uow, application, "legal_counselling.provided", "APR Art 16(1)", request_id=request.id)
    return request


async def refuse_counselling(
    uow: UnitOfWork, application_id: str, request_id: str, *, ground: CounsellingRefusalGround, reasons: str
) -> CounsellingRequest:
    application, request = await _counselling(uow, application_id, request_id)
    subsequent = application.previous_application_ref is not None
    request.refuse(ground=ground, reasons=reasons, subsequent=subsequent, now=uow.now())
    audit(uow, application, "legal_counselling.refused", "APR Art 16", request_id=request.id, ground=ground)
    return request


async def _counselling(uow: UnitOfWork, application_id: str, request_id: str) -> tuple[Application, CounsellingRequest]:
    application = await locked_application(uow, application_id)
    request = await uow.session.get(CounsellingRequest, request_id)
    if request is None or request.application_id != application.id:
        raise NotFound(f"no counselling request {request_id} on application {application_id}")
    return application, request


async def counselling(uow: UnitOfWork, application_id: str) -> list[CounsellingRequest]:
    return await records_of(uow, CounsellingRequest, application_id, "requested_at")
