"""OpenRosa use cases: the forms a key may fill, and a submission received exactly once.

A submission becomes a report through the same service as `POST /v1/reports` (its
`meta/instanceID` is the report's submission_id); an edit (`meta/deprecatedID`) corrects the
report the deprecated instance made, through the same service as `PUT /v1/reports/{id}`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib import areas
from chalicelib.clock import utcnow
from chalicelib.domain.keys import IssuedKey
from chalicelib.domain.principal import Principal, Role
from chalicelib.domain.reports import Incoming, ItemError, ItemStatus, ReportContent, ReportType
from chalicelib.errors import ConflictError, FieldProblem, NotFoundError, PermissionDeniedError, VersionConflictError
from chalicelib.openrosa.collect import collect_settings
from chalicelib.openrosa.forms import ServedForm, served_form, xlsx
from chalicelib.openrosa.instance import Instance, incoming_of, read_instance
from chalicelib.openrosa.kobo import kobo_instance
from chalicelib.openrosa.multipart import Upload
from chalicelib.services import attachments, reports
from chalicelib.stores import for_tenant, platform

ROLES = (Role.OPERATOR, Role.DISTRICT_ADMIN)


@dataclass(frozen=True)
class Receipt:
    """What a submission did: the report it made or corrected, how, and the attachments stored now."""

    report_id: str
    outcome: str  # accepted | duplicate | corrected
    attachments_added: tuple[str, ...] = ()


def require_reporter(principal: Principal) -> None:
    """Refuse a key whose role sends no reports (a viewer's, a platform admin's), saying what to ask for."""
    if principal.role not in ROLES:
        raise PermissionDeniedError(
            "this key's role sends no reports; ask the office for an operator key", code="not_a_reporting_key"
        )


def villages_of(principal: Principal) -> list[str]:
    """The villages a key reports for: an operator's own, or every registered village of the tenant."""
    require_reporter(principal)
    if principal.role is Role.OPERATOR:
        return sorted(principal.villages)
    villages = for_tenant(principal.tenant).villages.all_codes()
    if not villages:
        raise ConflictError("the office has registered no village yet; register the villages first", code="no_villages")
    return villages


def forms(principal: Principal) -> list[ServedForm]:
    """One form per report type, with this key's villages as the choices."""
    villages = villages_of(principal)
    return [served_form(kind, villages) for kind in ReportType]


def xlsform(principal: Principal, report_type: ReportType) -> bytes:
    """A report type's form as an XLSForm workbook (district admins, for their own form servers)."""
    principal.require(Role.DISTRICT_ADMIN)
    return xlsx(report_type, villages_of(principal))


def form(principal: Principal, form_id: str) -> ServedForm:
    """One form by its ID."""
    found = next((f for f in forms(principal) if f.form_id == form_id), None)
    if found is None:
        raise NotFoundError(f"no form {form_id[:64]}", code="unknown_form")
    return found


def receive(*, principal: Principal, upload: Upload) -> Receipt:
    """Store a submission once: a retry is a duplicate, a split upload adds its attachments, an edit
    corrects the report. Nothing is stored when anything in it is refused."""
    require_reporter(principal)
    return store(principal=principal, instance=read_instance(upload.xml), files=upload.files)


def receive_kobo(*, principal: Principal, report_type: ReportType, payload: Any) -> Receipt:
    """Store a KoboToolbox REST Service submission through the same path (its photos stay on Kobo)."""
    require_reporter(principal)
    return store(principal=principal, instance=kobo_instance(payload, report_type), files={})


def store(*, principal: Principal, instance: Instance, files: dict[str, bytes]) -> Receipt:
    """An instance stored once (new, a duplicate, or an edit), then its photos not stored yet."""
    attachments.check(files, expected=set(instance.photos))
    incoming = incoming_of(instance)
    if incoming.content is None:
        raise (incoming.error or ItemError("validation_error", "the report is not valid")).exception()
    assert incoming.content is not None
    if instance.deprecated_id is not None:
        report_id, outcome = _edit(principal, instance.instance_id, instance.deprecated_id, incoming.content)
    else:
        report_id, outcome = _first(principal, instance.instance_id, incoming)
    added = attachments.store_missing(tenant_id=principal.tenant, report_id=report_id, files=files)
    return Receipt(report_id, outcome, tuple(added))


def _taken() -> ConflictError:
    return ConflictError(
        "this instanceID was already used for a different report",
        details=[FieldProblem("meta/instanceID", "already used with other content")],
    )


def _not_current(deprecated_id: str) -> ConflictError:
    return ConflictError(
        f"instance {deprecated_id} is not the current instance of its report",
        code="not_current_instance",
        details=[FieldProblem("meta/deprecatedID", "edit the latest sent version of this form")],
    )


def _unknown(deprecated_id: str) -> NotFoundError:
    return NotFoundError(
        f"no report of this key's villages was made by instance {deprecated_id}",
        code="unknown_instance",
        details=[FieldProblem("meta/deprecatedID", "fill in and send a new form instead")],
    )


def _first(principal: Principal, instance_id: str, incoming: Incoming) -> tuple[str, str]:
    """A submission without deprecatedID: a new report, or the same instance again. An instance an edit
    made is no new report: the same edit again is a duplicate, other content under its id a conflict."""
    assert incoming.content is not None
    made_by_edit = for_tenant(principal.tenant).instances.get_many({instance_id}).get(instance_id)
    if made_by_edit is not None and made_by_edit.report_id != instance_id:
        if made_by_edit.fingerprint != incoming.content.fingerprint():
            raise _taken()
        return made_by_edit.report_id, ItemStatus.DUPLICATE.value
    (result,) = reports.submit(principal=principal, items=[incoming])
    if result.status is ItemStatus.REJECTED:
        raise (result.error or ItemError("validation_error", "the report is not valid")).exception()
    return instance_id, result.status.value


def _edit(principal: Principal, instance_id: str, deprecated_id: str, content: ReportContent) -> tuple[str, str]:
    """Correct the report that `deprecated_id` made (or last corrected) with this instance's content."""
    stores = for_tenant(principal.tenant)
    fingerprint = content.fingerprint()
    records = stores.instances.get_many({instance_id, deprecated_id})
    known = records.get(instance_id)
    if known is not None:
        if known.fingerprint != fingerprint:
            raise _taken()
        return known.report_id, ItemStatus.DUPLICATE.value
    if stores.reports.get(instance_id) is not None:  # the first instance of another report
        raise _taken()
    old = records.get(deprecated_id)
    if old is not None and old.superseded_by is not None:
        raise _not_current(deprecated_id)
    report_id = old.report_id if old is not None else deprecated_id
    now = utcnow()
    try:
        prepared = reports.prepare_correction(
            principal=principal, submission_id=report_id, content=content, expected_version=None, now=now
        )
    except NotFoundError as exc:
        raise _unknown(deprecated_id) from exc
    change = prepared if isinstance(prepared, reports.Correction) else None  # None: it holds this content
    if change is not None:
        stores.changes.mark(set(change.moved), now=now)
    # The report's new version and the instance records in one transaction: an edit that loses a race
    # (to another edit of the same instance, or to a correction made meanwhile) writes nothing.
    won = stores.instances.supersede(
        old_id=deprecated_id,
        old_fingerprint=old.fingerprint if old is not None else None,
        new_id=instance_id,
        report_id=report_id,
        fingerprint=fingerprint,
        corrected=change.report if change else None,
        expected_version=change.expected_version if change else None,
    )
    if not won:
        after = stores.instances.get_many({instance_id, deprecated_id})
        replaced = after.get(deprecated_id)
        if instance_id in after or (replaced is not None and replaced.superseded_by is not None):
            raise _not_current(deprecated_id)  # another edit of this instance was first
        raise VersionConflictError("the report was corrected while this edit was written; send it again")
    return report_id, "corrected"


def project_name(*, tenant_id: str, villages: tuple[str, ...]) -> str:
    """What Collect calls the project of a key: its village library, or the office for several villages."""
    if len(villages) == 1:
        village = for_tenant(tenant_id).villages.get(villages[0])
        if village is not None:
            return village.library_name
        return f"Perpustakaan Desa {areas.name_of(villages[0]) or villages[0]}"
    tenant = platform().tenants.get(tenant_id)
    return tenant.office_name if tenant is not None else tenant_id


def collect_for(*, issued: IssuedKey, api_base: str) -> dict[str, Any]:
    """The `collect` block of a new operator key: its key-in-path server URL, settings and QR code."""
    key = issued.key
    return collect_settings(
        server_url=f"{api_base}/v1/key/{issued.secret}/openrosa",
        project_name=project_name(tenant_id=key.owner, villages=key.villages),
    )
