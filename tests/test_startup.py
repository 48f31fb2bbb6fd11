"""Small registers answer at once: a run imports what it needs when it needs it. The bundled schemas skip the
JSON Schema meta-check at start-up, so this suite makes it for them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from xl_addin import cli, resources
from xl_addin.engine.keywords import KEYWORDS
from xl_addin.engine.schema import RegisterSchemaError, parse_schema

BUNDLED = [resources.default_schema_path(), *map(resources.example_schema_path, resources.example_names())]


@pytest.mark.parametrize("path", BUNDLED, ids=lambda path: path.name)
def test_every_bundled_schema_passes_the_check_it_skips_at_start_up(path: Path) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(document)
    for keyword in KEYWORDS.values():
        if keyword.value_form is not None and keyword.name in document:
            assert not list(Draft202012Validator(keyword.value_form).iter_errors(document[keyword.name]))
    parse_schema(document, path)  # and the full check, as for a schema of one's own


def test_a_schema_of_ones_own_is_still_checked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = json.loads(resources.default_schema_path().read_text(encoding="utf-8"))
    document["properties"]["ID"]["type"] = "text"
    own = tmp_path / "own.schema.json"
    own.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(RegisterSchemaError, match="not a valid JSON Schema at properties/ID/type"):
        parse_schema(document, own)
    assert cli.main(["validate", str(resources.sample_path()), "--schema", str(own)]) == 2
    assert "not a valid JSON Schema" in capsys.readouterr().err


PROBE = """
import io, sys
from xl_addin import cli
code = cli.main(sys.argv[1:], out=io.StringIO())
heavy = ("openpyxl", "jsonschema", "pandas", "xlwings", "multiprocessing", "lxml", "urllib.request")
print(code, " ".join(sorted(name for name in heavy if name in sys.modules)))
"""


def _imported(*arguments: str) -> tuple[str, str]:
    done = subprocess.run([sys.executable, "-c", PROBE, *arguments], capture_output=True, text=True, check=True)
    code, _, modules = done.stdout.strip().partition(" ")
    return code, modules


def test_a_clean_register_is_checked_without_the_heavy_modules(tmp_path: Path) -> None:
    clean = Path(__file__).parent / "cases" / "valid" / "status-every-value.xlsx"
    assert _imported("validate", str(clean), "--jobs", "1", "--as-of", "2026-11-25") == ("0", "")
    # findings too are made without jsonschema (engine.row_errors), and no openpyxl on the calamine path
    assert _imported("validate", str(resources.sample_path()), "--jobs", "1") == ("1", "")
    code, modules = _imported("validate", str(clean), str(resources.sample_path()), "--jobs", "2")
    assert code == "1" and "multiprocessing" in modules and "openpyxl" not in modules
