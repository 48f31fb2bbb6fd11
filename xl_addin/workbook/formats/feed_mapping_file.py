"""Feed mappings: shipped ones by name (servicenow-incidents, jira, glpi, survey, findings-log), or a TOML file."""

from __future__ import annotations

from pathlib import Path

from xl_addin.engine.feeds.mapping import FeedKind, FeedMapping, MappingError, mapping_from_document
from xl_addin.errors import ActionFailed, not_found
from xl_addin.workbook.formats.toml_file import read_toml

DEFAULT_MAPPINGS: dict[FeedKind, str] = {"findings": "findings-log", "tickets": "servicenow-incidents",
                                         "csat": "survey"}


def feeds_dir() -> Path:
    from xl_addin.resources import validators_dir

    return validators_dir() / "feeds"


def shipped_mappings() -> dict[str, str]:
    """Name -> its description, for the help and the README."""
    found = {}
    for path in sorted(feeds_dir().glob("*.toml")):
        found[path.stem] = str(read_toml(path, "feed mapping file").get("description", ""))
    return found


def load_feed_mapping(named: str | None, kind: FeedKind) -> FeedMapping:
    """A shipped mapping by name, a mapping file by path, or the kind's default."""
    name = named or DEFAULT_MAPPINGS[kind]
    path = feeds_dir() / f"{name}.toml"
    if not path.is_file():
        path = Path(name)
        if not path.is_file():
            raise ActionFailed(f"{not_found('Mapping', name)}. The shipped mappings are "
                               f"{', '.join(shipped_mappings())}; or give the path of a mapping file.")
    try:
        mapping = mapping_from_document(read_toml(path, "feed mapping file"), path.stem)
    except MappingError as error:
        raise ActionFailed(str(error)) from None
    if mapping.kind != kind:
        raise ActionFailed(f"Mapping {mapping.name} reads a {mapping.kind} feed, not {kind}: use --feed "
                           f"{mapping.kind}, or a {kind} mapping.")
    return mapping


def is_feed_mapping(named: str) -> bool:
    """A shipped feed mapping's name, or a mapping file that reads an export (it says which kind)."""
    if (feeds_dir() / f"{named}.toml").is_file():
        return True
    path = Path(named)
    if path.suffix.lower() != ".toml" or not path.is_file():
        return False
    try:
        return "kind" in read_toml(path, "feed mapping file")
    except ActionFailed:
        return False
