"""The TPBIS API: Chalice app wiring. Routes live in chalicelib/api, jobs in chalicelib/jobs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Chalice, CORSConfig, Response

from chalicelib.api.auth import auth_bp
from chalicelib.api.commitment_edits import commitment_edits_bp
from chalicelib.api.commitments import commitments_bp
from chalicelib.api.dhis2 import dhis2_bp
from chalicelib.api.errors import from_exception, reshape
from chalicelib.api.indicators import indicators_bp
from chalicelib.api.keys import keys_bp
from chalicelib.api.kobo import kobo_bp
from chalicelib.api.openrosa import OPENROSA_BINARY_TYPES, is_openrosa, openrosa_bp
from chalicelib.api.periods import periods_bp
from chalicelib.api.reports import reports_bp
from chalicelib.api.rollup import rollup_bp
from chalicelib.api.system import system_bp
from chalicelib.api.tenants import tenants_bp
from chalicelib.api.villages import villages_bp
from chalicelib.errors import PayloadTooLargeError
from chalicelib.jobs.commitment_reminders import reminders_bp
from chalicelib.jobs.reminder_delivery import reminder_delivery_bp
from chalicelib.jobs.rollup import rollup_jobs_bp
from chalicelib.jobs.rollup_worker import rollup_worker_bp
from chalicelib.lazy import lazy_import
from chalicelib.observability import logger, metrics

if TYPE_CHECKING:  # settings are pydantic: read on first use, not at cold start
    from chalicelib import config
else:
    config = lazy_import("chalicelib.config")

app = Chalice(app_name="tpbis")
app.api.cors = CORSConfig(allow_origin="*", allow_headers=["Authorization", "Content-Type", "Idempotency-Key"])
app.api.binary_types.extend(OPENROSA_BINARY_TYPES)  # multipart submissions and XLSForm workbooks, as bytes

for blueprint in (
    auth_bp,
    system_bp,
    tenants_bp,
    keys_bp,
    villages_bp,
    reports_bp,
    indicators_bp,
    rollup_bp,
    rollup_jobs_bp,
    rollup_worker_bp,
    commitments_bp,
    reminders_bp,
    openrosa_bp,
    kobo_bp,
    commitment_edits_bp,
    periods_bp,
    dhis2_bp,
    reminder_delivery_bp,
):
    app.register_blueprint(blueprint)


@app.middleware("http")
def http_boundary(event: Any, get_response: Any) -> Response:
    """Fresh log context per request, the body-size limit, and one error shape for whatever Chalice answers."""
    logger.clear_state()
    logger.append_keys(request_id=(event.context or {}).get("requestId"))
    limit = config.get_settings().max_body_bytes
    # OpenRosa submissions have their own limit, answered in XML (chalicelib/api/openrosa.py).
    if event.raw_body and len(event.raw_body) > limit and not is_openrosa(event):
        return from_exception(PayloadTooLargeError(f"the request body is larger than {limit} bytes"))
    try:
        return reshape(get_response(event))
    finally:
        if metrics.metric_set:
            metrics.flush_metrics()
