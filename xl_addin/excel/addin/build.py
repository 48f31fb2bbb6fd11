"""Build xlreg.xlam from xlwings' ribbon add-in template and the sources in this folder, reproducibly.

- The template's VBA project keeps its structure; two standard modules change: `xlwings` gets the RunPython
  module of the installed xlwings (so VBA and Python versions match) with its project name set to xlreg, and
  the template's ribbon module becomes `RegisterRibbon` with the source in RegisterRibbon.bas. Both are stored
  as compressed source only, so Excel compiles them on first load.
- The ribbon is customUI14.xml (the Office 2010+ namespace), replacing the template's.
- Zip entries get a fixed date and order, the compound file fixed timestamps: same inputs, same bytes.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from xl_addin.excel.addin.cfb import write_compound_file
from xl_addin.excel.addin.vba_project import VbaProject
from xl_addin.workbook.writing.atomic import write_new_file

HERE = Path(__file__).resolve().parent
ADDIN_FILE = "xlreg.xlam"
PROJECT_NAME = "xlreg"
RIBBON_MODULE = "RegisterRibbon"
RIBBON_SOURCE = HERE / f"{RIBBON_MODULE}.bas"
RIBBON_XML = HERE / "customUI14.xml"
TEMPLATE = "quickstart_addin_ribbon.xlam"
TEMPLATE_RIBBON_MODULE = "RibbonMyAddin"
TEMPLATE_PROJECT = "myaddin"
RUNPYTHON_MODULE = "xlwings"
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_CUSTOM_UI_2010 = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"


class AddinBuildError(Exception):
    """The add-in cannot be built here; the message says what is missing."""


@dataclass(frozen=True)
class AddinSources:
    template: Path
    runpython_source: str
    ribbon_source: str
    ribbon_xml: bytes
    xlwings_version: str


def find_sources() -> AddinSources:
    try:
        import xlwings
    except ImportError:
        raise AddinBuildError("Building the add-in needs xlwings: pip install 'xlreg[excel]'.") from None
    package = Path(xlwings.__file__).resolve().parent
    template, runpython = package / TEMPLATE, package / "xlwings_custom_addin.bas"
    for needed in (template, runpython):
        if not needed.is_file():
            raise AddinBuildError(f"xlwings {xlwings.__version__} has no {needed.name}; install xlwings 0.30 or newer.")
    return AddinSources(template=template, runpython_source=_read_text(runpython),
                        ribbon_source=_read_text(RIBBON_SOURCE), ribbon_xml=RIBBON_XML.read_bytes(),
                        xlwings_version=xlwings.__version__)


def _read_text(path: Path) -> str:
    return path.read_text(encoding="utf-8").replace("\r\n", "\n")


def runpython_source(sources: AddinSources) -> str:
    """xlwings' module with the project name that names the add-in's settings file and sheet."""
    source, count = re.subn(r'(Public Const PROJECT_NAME As String = )"[^"]*"', rf'\1"{PROJECT_NAME}"',
                            sources.runpython_source)
    if count != 1:
        raise AddinBuildError("xlwings' add-in module no longer declares PROJECT_NAME; this xlwings is not supported.")
    return source


def build_addin(out_dir: Path, sources: AddinSources | None = None) -> Path:
    """Write xlreg.xlam into `out_dir` and return its path."""
    sources = sources or find_sources()
    with zipfile.ZipFile(sources.template) as template:
        parts = {info.filename: template.read(info) for info in template.infolist()}
    project = VbaProject.from_file(parts["xl/vbaProject.bin"])
    project.replace_module(RUNPYTHON_MODULE, runpython_source(sources))
    project.replace_module(TEMPLATE_RIBBON_MODULE, sources.ribbon_source, new_name=RIBBON_MODULE)
    project.rename_project(PROJECT_NAME)
    parts["xl/vbaProject.bin"] = write_compound_file(project.to_streams())

    parts.pop("customUI/customUI.xml", None)
    parts["customUI/customUI14.xml"] = sources.ribbon_xml
    parts["_rels/.rels"] = re.sub(
        rb'<Relationship [^>]*relationships/ui/extensibility"[^>]*/>',
        f'<Relationship Id="rIdRibbon" Type="{_CUSTOM_UI_2010}" Target="customUI/customUI14.xml" />'.encode(),
        parts["_rels/.rels"])
    workbook = parts["xl/workbook.xml"].decode("utf-8")
    workbook = workbook.replace(f'name="_{TEMPLATE_PROJECT}.conf"', f'name="_{PROJECT_NAME}.conf"')
    workbook = re.sub(r"<mc:AlternateContent .*?</mc:AlternateContent>", "", workbook)  # the template author's path
    parts["xl/workbook.xml"] = workbook.encode("utf-8")

    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / ADDIN_FILE
    write_new_file(target, lambda path: _write_zip(path, parts))
    return target


def _write_zip(path: Path, parts: dict[str, bytes]) -> None:
    order = sorted(parts, key=lambda name: (name != "[Content_Types].xml", name))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in order:
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, parts[name])
