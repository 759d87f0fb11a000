"""The PynamoDB models and the table specs describe the same tables."""

from __future__ import annotations

from typing import Any, cast

import pytest
from pynamodb.models import Model

from chalicelib.config import get_settings
from chalicelib.repositories.keys import ApiKeyRecord
from chalicelib.repositories.tenants import TenantRecord
from chalicelib.tables import ALL_TABLES, TableSpec
from tests.model_registry import all_models


@pytest.mark.parametrize("model", all_models(), ids=lambda m: m.__name__)
def test_every_model_matches_its_table_spec(model: type[Model]) -> None:
    spec: TableSpec = cast(Any, model.Meta).spec  # chalicelib's own Meta attribute, unknown to PynamoDB's types
    assert spec in ALL_TABLES
    assert model._hash_keyname == spec.hash_key
    assert model._range_keyname == spec.range_key
    indexes: dict[str, tuple[str, str | None]] = {}
    for name, index in model._indexes.items():
        keys = {k["KeyType"]: k["AttributeName"] for k in index._get_schema()["key_schema"]}
        indexes[name] = (keys["HASH"], keys.get("RANGE"))
    declared = {i.name: (i.hash_key, i.range_key) for i in spec.indexes}
    assert set(indexes) <= set(declared)
    for name, pair in indexes.items():
        assert pair == declared[name]


def test_table_names_come_from_settings_at_run_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TPBIS_STAGE", "prod")
    get_settings.cache_clear()
    try:
        assert TenantRecord.Meta.table_name == "tpbis-prod-tenants"
        assert ApiKeyRecord.Meta.table_name == "tpbis-prod-api_keys"
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
