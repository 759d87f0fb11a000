"""Village library records: one item per (tenant, village code)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.models import Model

from chalicelib.domain.villages import RecordedBaseline, Village
from chalicelib.repositories.base import batch_get, condition_held, decode_cursor, encode_cursor, table_meta
from chalicelib.tables import VILLAGES


def _day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


class VillageRecord(Model):
    """Storage shape of a village library."""

    Meta = table_meta(VILLAGES)

    tenant_id = UnicodeAttribute(hash_key=True)
    village_code = UnicodeAttribute(range_key=True)
    library_name = UnicodeAttribute()
    joined_year = NumberAttribute(null=True)
    joined_on = UnicodeAttribute(null=True)  # ISO date
    cohort = UnicodeAttribute(null=True)
    deactivated_on = UnicodeAttribute(null=True)  # ISO date
    # {"monthly": {indicator: value}, "source", "recorded_at" (ISO), "recorded_by"}
    baseline = JSONAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()

    def to_domain(self) -> Village:
        baseline = None
        if self.baseline:
            raw: dict[str, Any] = self.baseline
            baseline = RecordedBaseline(
                monthly={k: float(v) for k, v in raw["monthly"].items()},
                source=raw["source"],
                recorded_at=dt.datetime.fromisoformat(raw["recorded_at"]),
                recorded_by=raw["recorded_by"],
            )
        return Village(
            tenant_id=self.tenant_id,
            village_code=self.village_code,
            library_name=self.library_name,
            joined_year=int(self.joined_year) if self.joined_year is not None else None,
            cohort=self.cohort,
            created_at=self.created_at,
            updated_at=self.updated_at,
            joined_on=_day(self.joined_on),
            deactivated_on=_day(self.deactivated_on),
            baseline=baseline,
        )


def _baseline_json(baseline: RecordedBaseline | None) -> dict[str, Any] | None:
    if baseline is None:
        return None
    return {
        "monthly": dict(baseline.monthly),
        "source": baseline.source,
        "recorded_at": baseline.recorded_at.isoformat(),
        "recorded_by": baseline.recorded_by,
    }


class VillageRepository:
    """The village libraries of one tenant."""

    def __init__(self, *, tenant_id: str) -> None:
        if not tenant_id:
            raise ValueError("a village repository needs a tenant")
        self.tenant_id = tenant_id

    def _record(self, village: Village) -> VillageRecord:
        if village.tenant_id != self.tenant_id:
            raise ValueError("village of another tenant")
        return VillageRecord(
            self.tenant_id,
            village.village_code,
            library_name=village.library_name,
            joined_year=village.joined_year,
            joined_on=village.joined_on.isoformat() if village.joined_on else None,
            cohort=village.cohort,
            deactivated_on=village.deactivated_on.isoformat() if village.deactivated_on else None,
            baseline=_baseline_json(village.baseline),
            created_at=village.created_at,
            updated_at=village.updated_at,
        )

    def add(self, village: Village) -> bool:
        """Store a new village; False (and nothing written) when it is registered already."""
        return condition_held(lambda: self._record(village).save(condition=VillageRecord.village_code.does_not_exist()))

    def update(self, village: Village) -> bool:
        """Replace a registered village's details (its creation time, baseline and deactivation are
        kept); False (and nothing written) when it is not registered."""
        record = self._record(village)
        return self._set(
            record,
            [
                (VillageRecord.library_name, village.library_name),
                (VillageRecord.joined_year, village.joined_year),
                (VillageRecord.joined_on, record.joined_on),
                (VillageRecord.cohort, village.cohort),
            ],
            village.updated_at,
        )

    def set_state(self, village: Village) -> bool:
        """Store a registered village's baseline and deactivation; False when it is not registered."""
        record = self._record(village)
        return self._set(
            record,
            [(VillageRecord.deactivated_on, record.deactivated_on), (VillageRecord.baseline, record.baseline)],
            village.updated_at,
        )

    def _set(self, record: VillageRecord, values: list[tuple[Any, Any]], at: dt.datetime) -> bool:
        actions = [attr.set(value) if value is not None else attr.remove() for attr, value in values]
        return condition_held(
            lambda: record.update(
                actions=[*actions, VillageRecord.updated_at.set(at)],
                condition=VillageRecord.village_code.exists(),
            )
        )

    def get(self, village_code: str) -> Village | None:
        """The village, or None."""
        try:
            return VillageRecord.get(self.tenant_id, village_code, consistent_read=True).to_domain()
        except VillageRecord.DoesNotExist:
            return None

    def get_many(self, village_codes: Iterable[str]) -> dict[str, Village]:
        """The registered villages among these codes, by code (one batch read per 100 codes)."""
        keys = [(self.tenant_id, code) for code in set(village_codes)]
        return {record.village_code: record.to_domain() for record in batch_get(VillageRecord, keys)}

    def page(
        self, *, limit: int, cursor: str | None, prefix: str | None = None, only: frozenset[str] | None = None
    ) -> tuple[list[Village], str | None]:
        """One page of villages in code order, within a code prefix (a kecamatan), or among `only`."""
        start = decode_cursor(cursor, scope={"tenant_id": self.tenant_id})
        condition = VillageRecord.village_code.startswith(prefix) if prefix else None
        filter_condition = VillageRecord.village_code.is_in(*sorted(only)) if only is not None else None
        results = VillageRecord.query(
            self.tenant_id,
            condition,
            filter_condition=filter_condition,
            limit=limit,
            last_evaluated_key=start,
            consistent_read=True,
        )
        return [r.to_domain() for r in results], encode_cursor(results.last_evaluated_key)

    def all_codes(self) -> list[str]:
        """Every registered village code of the tenant, in code order."""
        return [r.village_code for r in VillageRecord.query(self.tenant_id, attributes_to_get=["village_code"])]

    def all(self) -> list[Village]:
        """Every registered village of the tenant, in code order."""
        return [r.to_domain() for r in VillageRecord.query(self.tenant_id, consistent_read=True)]
