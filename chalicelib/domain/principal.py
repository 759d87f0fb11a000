"""Who is calling: the key's role, its tenant and (for operators) its villages."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from chalicelib.errors import PermissionDeniedError


class Role(StrEnum):
    """What a key may do."""

    PLATFORM_ADMIN = "platform_admin"  # national program operator: approves tenants
    NATIONAL_VIEWER = "national_viewer"  # reads the national dashboard, across tenants
    DISTRICT_ADMIN = "district_admin"  # a regency office: manages its keys, villages, data
    OPERATOR = "operator"  # a village operator: reports for its listed villages
    VIEWER = "viewer"  # reads its tenant's data


TENANT_ROLES = frozenset({Role.DISTRICT_ADMIN, Role.OPERATOR, Role.VIEWER})
NATIONAL_ROLES = frozenset({Role.PLATFORM_ADMIN, Role.NATIONAL_VIEWER})


@dataclass(frozen=True)
class Principal:
    """The authenticated caller, derived from its API key only."""

    key_id: str
    role: Role
    tenant_id: str | None = None
    villages: frozenset[str] = field(default_factory=frozenset)

    @property
    def tenant(self) -> str:
        """The caller's tenant id; only tenant keys have one."""
        if self.tenant_id is None:
            raise PermissionDeniedError("this key does not belong to a regency office")
        return self.tenant_id

    def require(self, *roles: Role) -> None:
        """Refuse the call unless the caller has one of `roles`."""
        if self.role not in roles:
            allowed = ", ".join(sorted(r.value for r in roles))
            raise PermissionDeniedError(f"this action needs one of the roles: {allowed}")

    def sees_village(self, village_code: str) -> bool:
        """Whether the caller may see data of this village of its own tenant."""
        return self.role is not Role.OPERATOR or village_code in self.villages

    def require_village(self, village_code: str) -> None:
        """Refuse an operator acting for a village outside its list."""
        if not self.sees_village(village_code):
            raise PermissionDeniedError(f"this key may not act for village {village_code}")
