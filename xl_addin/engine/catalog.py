"""Every finding type and register keyword, in the order the reference lists them.

Finding types are defined beside what reports them; importing those modules here fills the catalogue.
"""

from __future__ import annotations

from xl_addin.engine import adopt, cells, classify, header, snapshot  # noqa: F401  (they define finding types)
from xl_addin.engine.findings import FINDING_TYPES, FindingType
from xl_addin.engine.keywords import KEYWORDS, RegisterKeyword


def finding_types() -> list[FindingType]:
    """All finding types, by code."""
    return sorted(FINDING_TYPES.values(), key=lambda kind: kind.code)


def register_keywords() -> list[RegisterKeyword]:
    return list(KEYWORDS.values())
