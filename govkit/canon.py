"""Where the canonical templates live: inside the installed package (govkit.templates), or the
top-level templates/ directory when running from a source checkout."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def template_dir():
    try:
        return resources.files("govkit.templates")
    except ModuleNotFoundError:
        return Path(__file__).resolve().parents[1] / "templates"


def template_text(name: str) -> str:
    return template_dir().joinpath(name).read_text(encoding="utf-8")


def template_names() -> list[str]:
    return sorted(p.name for p in template_dir().iterdir()
                  if p.name != "__init__.py" and not p.name.startswith((".", "_")))
