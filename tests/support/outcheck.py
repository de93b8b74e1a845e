"""Checks of govkit's machine outputs against the published schemas in ../shared/schemas
(SARIF 2.1.0 JSON Schema, the JUnit XSD), and the list of characters no rendering may emit raw.

No XSD library is a dependency, so `junit_errors` checks the subset of XML Schema that
junit-10.xsd uses: declared elements, allowed children (xs:element ref), required and known
attributes, text only where the type is mixed or xs:string, and xs:pattern restrictions."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path

import pytest

SCHEMAS = Path(__file__).resolve().parents[2].parent / "shared" / "schemas"
XS = "{http://www.w3.org/2001/XMLSchema}"

# Written out here, independently of govkit/util/escape.py, so a gap there fails a test.
UNSAFE = ([chr(c) for c in range(0x20)] + [chr(c) for c in range(0x7F, 0xA0)]
          + ["\u2028", "\u2029", "\u061c", "\u200e", "\u200f"]
          + [chr(c) for c in range(0x202A, 0x202F)] + [chr(c) for c in range(0x2066, 0x206A)])
XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def unsafe_in(text: str, allow: str = "") -> list[str]:
    """The unsafe characters in `text` (`allow`: characters the format itself uses, e.g. \\n)."""
    return sorted({ch for ch in text if ch in UNSAFE and ch not in allow})


def _schema_file(name: str) -> Path:
    p = SCHEMAS / name
    if not p.is_file():
        pytest.skip(f"{p} is absent (the published schemas live in ../shared/schemas)")
    return p


def sarif_errors(text: str) -> list[str]:
    import jsonschema

    schema = json.loads(_schema_file("sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    v = jsonschema.Draft4Validator(schema)
    return [f"{list(e.absolute_path)}: {e.message}" for e in v.iter_errors(json.loads(text))]


@cache
def _xsd() -> tuple[dict, dict]:
    root = ET.parse(_schema_file("junit-10.xsd")).getroot()
    patterns = {}
    for st in root.findall(f"{XS}simpleType"):
        pat = st.find(f"{XS}restriction/{XS}pattern")
        if pat is not None:
            patterns[st.get("name")] = re.compile(pat.get("value"))
    elements = {}
    for el in root.findall(f"{XS}element"):
        ct = el.find(f"{XS}complexType")
        if ct is None:  # type="xs:string": text only
            elements[el.get("name")] = {"attrs": {}, "required": set(), "children": set(),
                                        "text": True}
            continue
        attrs = {a.get("name"): a.get("type") for a in ct.iter(f"{XS}attribute")}
        required = {a.get("name") for a in ct.iter(f"{XS}attribute") if a.get("use") == "required"}
        children = {r.get("ref") for r in ct.iter(f"{XS}element") if r.get("ref")}
        elements[el.get("name")] = {"attrs": attrs, "required": required, "children": children,
                                    "text": ct.get("mixed") == "true"}
    return elements, patterns


def junit_errors(text: str) -> list[str]:
    """Problems of a JUnit document against junit-10.xsd ([] when valid)."""
    bad = XML_FORBIDDEN.findall(text)
    if bad:
        return [f"characters XML 1.0 cannot hold: {bad!r}"]
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        return [f"not well-formed: {exc}"]
    elements, patterns = _xsd()
    errs: list[str] = []

    def walk(node: ET.Element, allowed: set[str] | None) -> None:
        decl = elements.get(node.tag)
        if decl is None or (allowed is not None and node.tag not in allowed):
            errs.append(f"<{node.tag}> not allowed here")
            return
        for name in decl["required"] - set(node.attrib):
            errs.append(f"<{node.tag}> lacks required attribute {name}")
        for name, value in node.attrib.items():
            if name not in decl["attrs"]:
                errs.append(f"<{node.tag}> has unknown attribute {name}")
            elif decl["attrs"][name] in patterns and not patterns[decl["attrs"][name]].fullmatch(value):
                errs.append(f"<{node.tag} {name}={value!r}> does not match its pattern")
        texts = [node.text or ""] + [c.tail or "" for c in node]
        if not decl["text"] and any(t.strip() for t in texts):
            errs.append(f"<{node.tag}> may not hold text")
        for child in node:
            walk(child, decl["children"])

    walk(root, None)
    return errs
