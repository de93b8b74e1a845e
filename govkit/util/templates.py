"""The canonical templates that `govkit init` and `create-task-packet` copy (package data of
govkit.templates)."""

from __future__ import annotations

from importlib import resources


def template_dir():
    return resources.files("govkit.templates")


def template_text(name: str) -> str:
    return template_dir().joinpath(name).read_text(encoding="utf-8")


def template_names() -> list[str]:
    return sorted(p.name for p in template_dir().iterdir()
                  if p.name != "__init__.py" and not p.name.startswith((".", "_")))


def fill(text: str, values: dict[str, str]) -> str:
    """Replace each {{KEY}} with its value; unknown keys stay for the caller to find."""
    for k, v in values.items():
        text = text.replace("{{" + k + "}}", v)
    return text
