"""The national dashboard feed: national/{period}/indicators.json and indicators.csv in S3."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

from chalicelib import aws_clients
from chalicelib.clock import as_text, local_today, utcnow
from chalicelib.config import get_settings
from chalicelib.domain.indicators import INDICATORS
from chalicelib.domain.periods import Period
from chalicelib.domain.rollup_plan import STOCK
from chalicelib.errors import error_code
from chalicelib.services.approval_state import Approvals
from chalicelib.services.indicators import NATIONAL_LEVELS, as_public, national_items

FORMATS = {"json": "application/json", "csv": "text/csv; charset=utf-8"}


def object_key(period: str, fmt: str) -> str:
    """Where a period's export lies in the bucket."""
    return f"national/{period}/indicators.{fmt}"


def document(period: Period, cohort: str | None = None, approvals: Approvals | None = None) -> dict[str, Any]:
    """The export of a period: every national, province and regency item (with a cohort, of its
    villages only). Its levels share one read of the approvals (and so do the periods of one export
    run when given `approvals`)."""
    approvals = approvals or Approvals()
    items = [as_public(i) for level in NATIONAL_LEVELS for i in national_items(level, period, cohort, approvals)]
    return {"period": str(period), "items": items, **({"cohort": cohort} if cohort else {})}


def as_csv(doc: dict[str, Any]) -> str:
    """One row per scope: its value, change % and year-on-year % of every indicator."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    header = ["period", "level", "code", "name", "computed_at", "figures", "regencies_approved_pct"]
    for name in INDICATORS:
        header += [name, f"{name}_previous", f"{name}_change_pct", f"{name}_last_year", f"{name}_yoy_change_pct"]
    writer.writerow(header)
    for item in doc["items"]:
        row = [
            doc["period"],
            item["scope"]["level"],
            item["scope"]["code"],
            item["scope"]["name"],
            item["computed_at"] or "",
            item.get("approval", {}).get("figures", ""),
            _blank(item.get("approval", {}).get("approved_pct")),
        ]
        for name in INDICATORS:
            block = item["indicators"][name]
            row += [
                "" if block[k] is None else block[k]
                for k in ("value", "previous", "change_pct", "last_year", "yoy_change_pct")
            ]
        writer.writerow(row)
    return out.getvalue()


def _blank(value: Any) -> Any:
    return "" if value is None else value


def export_periods(periods: list[str], now: dt.datetime) -> list[str]:
    """Write the export of each period (a stock change refreshes the current month, quarter and year);
    returns the object keys written."""
    targets = {p for p in periods if p != STOCK}
    if STOCK in periods:
        targets |= {str(p) for p in Period.all_of(local_today(NATIONAL_TZ_AREA, now=now))}
    bucket = get_settings().bucket_name
    written, approvals = [], Approvals()
    for period in sorted(targets):
        doc = document(Period.parse(period), approvals=approvals)
        doc["generated_at"] = as_text(now)
        for fmt, body in (("json", json.dumps(doc, separators=(",", ":"))), ("csv", as_csv(doc))):
            key = object_key(period, fmt)
            aws_clients.s3().put_object(Bucket=bucket, Key=key, Body=body.encode("utf-8"), ContentType=FORMATS[fmt])
            written.append(key)
    return written


# The program's national office is in Jakarta (WIB): its calendar decides "the current period".
NATIONAL_TZ_AREA = "31"


def computed_export(
    period: Period, fmt: str, cohort: str | None = None, *, now: dt.datetime | None = None
) -> tuple[bytes, str]:
    """A period's export (of a cohort's villages, when given) computed from the stored figures when asked."""
    doc = document(period, cohort)
    doc["generated_at"] = as_text(now or utcnow())
    body = json.dumps(doc, separators=(",", ":")) if fmt == "json" else as_csv(doc)
    return body.encode("utf-8"), FORMATS[fmt]


def read_export(period: Period, fmt: str) -> tuple[bytes, str]:
    """A period's export as the last national rollup wrote it, and its content type. A period no rollup
    wrote one for (no change ever touched it: its figures are what the rollups of other periods left) is
    computed from the stored figures now, as the dashboard reads them."""
    try:
        obj = aws_clients.s3().get_object(Bucket=get_settings().bucket_name, Key=object_key(str(period), fmt))
    except Exception as exc:
        if error_code(exc) in ("NoSuchKey", "404", "NotFound"):
            return computed_export(period, fmt)
        raise
    return obj["Body"].read(), FORMATS[fmt]
