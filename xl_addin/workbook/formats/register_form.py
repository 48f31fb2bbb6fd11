"""A register's own form stored in its workbook: the ID pattern and the choices and statuses of its own that
`xlreg migrate` carried over from the mapping, kept as a custom document property (File > Info > Properties >
Advanced in Excel) so that every command, the Register tab and the API read the new register as its owners keep
it, without a mapping beside it."""

from __future__ import annotations

import json
import zipfile
from dataclasses import replace
from typing import Any

from defusedxml import ElementTree

from xl_addin.engine.mapped import with_mapping
from xl_addin.engine.mapping import RegisterForm, RegisterMapping
from xl_addin.engine.schema import RegisterSchema, RegisterSchemaError
from xl_addin.errors import ActionFailed

FORM_PROPERTY = "xlreg register form"
CUSTOM_PART = "docProps/custom.xml"
_CUSTOM = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"
_LONGEST = 64 * 1024  # a form is a few lines; a longer property is not one xlreg wrote


def form_json(form: RegisterForm) -> str:
    """The form as the property's text."""
    document: dict[str, Any] = {}
    if form.id_pattern:
        document["id-pattern"] = form.id_pattern
    if form.choices:
        document["choices"] = {column: list(words) for column, words in form.choices.items()}
    if form.statuses:
        document["statuses"] = dict(form.statuses)
    return json.dumps(document, ensure_ascii=False, sort_keys=True)


def stored_form(archive: zipfile.ZipFile) -> RegisterForm | None:
    """The form stored in the workbook, or None (no custom properties, no form among them, or one that cannot
    be used: a workbook is read as if it had none rather than refused for it)."""
    from xl_addin.workbook.formats.mapping_file import form_from

    try:
        info = archive.getinfo(CUSTOM_PART)
    except KeyError:
        return None
    if info.file_size > 1 << 20:
        return None
    try:
        root = ElementTree.fromstring(archive.read(info))
    except (ElementTree.ParseError, zipfile.BadZipFile, OSError, ValueError):
        return None
    for prop in root.iter(f"{_CUSTOM}property"):
        if prop.get("name") != FORM_PROPERTY:
            continue
        text = "".join(prop.itertext())
        if len(text) > _LONGEST:
            return None
        try:
            document = json.loads(text)
            return form_from(document, source="the workbook's register form", origin="the workbook") \
                if isinstance(document, dict) and set(document) <= {"id-pattern", "choices", "statuses"} else None
        except (ValueError, ActionFailed):
            return None
    return None


def with_stored_form(schema: RegisterSchema, form: RegisterForm | None) -> RegisterSchema:
    """The schema reading a register through the form its workbook stores, unless a mapping gives one (the
    mapping a person gives wins) or the form does not suit this schema (a column it names is not the schema's)."""
    if form is None or (schema.mapping is not None and schema.mapping.form):
        return schema
    try:
        return with_mapping(schema, replace(schema.mapping or RegisterMapping(), form=form))
    except RegisterSchemaError:
        return schema
