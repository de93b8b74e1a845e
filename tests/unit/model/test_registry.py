"""govkit.model.registry: base WP id -> active packet rows."""

from __future__ import annotations

from govkit.model.markdown import parse
from govkit.model.registry import RegistryRow, parse_registry, registry_map
from govkit.model.scaffold import registry_text
from govkit.util.textio import decode


def rows_of(text: str) -> list[RegistryRow]:
    return parse_registry(parse(decode(text.encode(), "REGISTRY.md")))


def test_rows_and_lines():
    rows = rows_of(registry_text([("WP-1", "WP-1-v2", "In Progress", "n"), ("WP-2", "WP-2", "Done", "")]))
    assert rows == [RegistryRow("WP-1", "WP-1-v2", "In Progress", "n", 5),
                    RegistryRow("WP-2", "WP-2", "Done", "", 6)]


def test_only_wp_rows_of_base_wp_tables():
    text = registry_text([("WP-1", "a", "b", "c"), ("not-a-wp", "x", "y", "z")])
    text += "\n| Other | col |\n|---|---|\n| WP-9 | x |\n"
    text += "\n| base wp | Active |\n|---|---|\n| WP-3 |\n"
    rows = rows_of(text)
    assert [(r.base, r.active, r.notes) for r in rows] == [("WP-1", "a", "c"), ("WP-3", "", "")]


def test_registry_map_later_rows_win():
    rows = rows_of(registry_text([("WP-1", "WP-1-v1", "", ""), ("WP-2", "WP-2", "", ""),
                                  ("WP-1", "WP-1-v3", "", "")]))
    m = registry_map(rows)
    assert list(m) == ["WP-1", "WP-2"]
    assert m["WP-1"].active == "WP-1-v3" and m["WP-1"].line == 7
    assert registry_map([]) == {}
