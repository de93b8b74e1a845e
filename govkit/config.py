"""Configuration: optional .GOV/govkit.yaml over built-in defaults (the kernel layout)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import NamedTuple

from govkit.errors import GovkitError

CONFIG_REL = ".GOV/govkit.yaml"

DEFAULTS: dict = {
    # compat: judge repositories made by the original scripts as they did (plus warnings);
    # strict (what `govkit init` writes): the original's defects fixed, locks and keys required.
    "profile": "compat",
    "paths": {
        "gov_dir": ".GOV",
        "spec_current": ".GOV/roles_shared/SPEC_CURRENT.md",
        "task_board": ".GOV/roles_shared/TASK_BOARD.md",
        "traceability_registry": ".GOV/roles_shared/WP_TRACEABILITY_REGISTRY.md",
        "signature_audit": ".GOV/roles_shared/SIGNATURE_AUDIT.md",
        "gate_log": ".GOV/roles/orchestrator/ORCHESTRATOR_GATES.json",
        "validator_gates_dir": ".GOV/validator_gates",
        "legacy_validator_gates": ".GOV/roles/validator/VALIDATOR_GATES.json",
        "refinements_dir": ".GOV/refinements",
        "task_packets_dir": ".GOV/task_packets",
        "stubs_dir": ".GOV/task_packets/stubs",
        "templates_dir": ".GOV/templates",
        "keys_dir": ".GOV/keys",
        "approvals_dir": ".GOV/approvals",
        "state_dir": ".GOV/.govkit",
    },
    "spec": {
        "dir": ".",
        "file_pattern": "*_Master_Spec_v*.md",
    },
    "wp_id_pattern": r"^WP-[A-Za-z0-9][A-Za-z0-9._-]*$",
    "main_branch": "main",
    "branch_template": "feat/{wp}",
    "worktree_template": "../wt-{wp}",
    "signature": {
        "token_pattern": r"^[a-z]+[0-9]{12}$",
        "min_interval_seconds": 10,
        # a token's DDMMYYYYHHMM (UTC) must lie within this many seconds of now; 0: off
        "window_seconds": 86400,
    },
    "validator": {"min_gate_interval_seconds": 5},
    "packet": {
        "required_fields": ["TASK_ID", "RISK_TIER", "SCOPE", "TEST_PLAN", "DONE_MEANS", "BOOTSTRAP"],
        # The sections the coder may edit; every other section of a packet is locked.
        "coder_sections": ["BOOTSTRAP", "SKELETON", "STATUS_HANDOFF", "VALIDATION",
                           "EVIDENCE_MAPPING", "EVIDENCE", "VALIDATION_REPORTS"],
    },
    "manifest": {
        # Changed files that need no manifest entry (the "docs-only" exemption).
        "exempt_paths": [".GOV/**"],
    },
    "forbidden_patterns": [],
    # govkit ci: product code must never reference the governance directory ([CX-211]/[CX-212]).
    "boundary": {"enabled": True, "product_paths": ["src/", "app/", "tests/"], "allow": []},
    "approvals": {"require_signed": False, "trusted_keys": []},
    "audit": {
        "key_file": None,
        "rotate_bytes": 67108864,
        "redact_patterns": [],
    },
    "lock": {"timeout_seconds": 10},
    # govkit run: test_command (argument list) replaces the packet's TEST_PLAN when set.
    "loop": {"test_command": None, "test_timeout_seconds": 600, "review_timeout_seconds": 120,
             "max_file_bytes": 1048576, "max_changeset_bytes": 8388608, "max_edits": 500,
             "allow_force_efficiency": False},
    "limits": {"max_artifact_bytes": 8388608},
    # The LLM provider (govkit/llm/): stub works offline; openai takes any compatible endpoint.
    "llm": {
        "provider": "stub",
        "base_url": None,
        "model": "gpt-4o-mini",
        "api_key_env": "OPENAI_API_KEY",
        "structured": "json_schema",
        "timeout_seconds": 60,
        "max_retries": 2,
        "schema_attempts": 3,
        "deadline_seconds": 300,
        "replay_file": None,
        "token_budget": 12000,
        "breaker": {"failure_threshold": 5, "window_seconds": 60, "cooldown_seconds": 30},
        "rate": {"rate_per_second": 2.0, "burst": 4, "jitter_seconds": 0.1},
    },
}


class Config(NamedTuple):
    data: dict
    source: str | None  # the config file path, or None for defaults

    def get(self, dotted: str):
        node = self.data
        for part in dotted.split("."):
            node = node[part]
        return node

    def path(self, key: str) -> str:
        return self.data["paths"][key]


def _merge(base: dict, over: dict) -> dict:
    out = copy.deepcopy(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v)
        else:
            out[k] = v
    return out


def _line_of(node, path: list) -> int | None:
    """Line of a key path inside a PyYAML node tree (1-based), for error messages."""
    import yaml

    line = None
    for part in path:
        if isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                break
            node = node.value[part]
            line = node.start_mark.line + 1
            continue
        if not isinstance(node, yaml.MappingNode):
            break
        for k, v in node.value:
            if k.value == str(part):
                line, node = k.start_mark.line + 1, v
                break
        else:
            break
    return line


def load(root: Path) -> Config:
    """DEFAULTS, or DEFAULTS merged with a valid .GOV/govkit.yaml (GovkitError otherwise).

    A config file that was read and validated before (same bytes, same schema, same govkit)
    comes from the parse cache: no YAML parser and no JSON Schema validator on the hot path."""
    cfg_path = root / CONFIG_REL
    if not cfg_path.exists():
        return Config(copy.deepcopy(DEFAULTS), None)
    from govkit.util.textio import read_text

    return from_doc(root, read_text(cfg_path, CONFIG_REL, allow_empty=True))


def from_bytes(root: Path, raw: bytes | None) -> Config:
    """The config as the file's bytes `raw` define it (None: no file, the defaults); post-work
    and ci judge a change with the config of its base, never the config the change brings."""
    if raw is None:
        return Config(copy.deepcopy(DEFAULTS), None)
    from govkit.util.textio import decode

    return from_doc(root, decode(raw, CONFIG_REL))


def from_doc(root: Path, doc) -> Config:
    from govkit import __version__

    # The schema ships inside the package; reading it as a file skips importlib.resources (and
    # the zipfile, tempfile and pathlib readers it imports), which start-up cannot afford.
    schema_raw = (Path(__file__).parent / "schemas" / "config.schema.json").read_bytes()
    from govkit.store.cache import for_repo

    store = for_repo(root)
    if store is not None:
        from govkit.store.cache import key

        k = key("config", "2", __version__, schema_raw, doc.raw)  # 2: duplicate keys, regexes
        data = store.get(k)
        if isinstance(data, dict):
            return Config(_merge(DEFAULTS, data), CONFIG_REL)
    data = _validated(doc, json.loads(schema_raw))
    if store is not None and _json_exact(data):
        store.put(k, data)
    return Config(_merge(DEFAULTS, data), CONFIG_REL)


def _json_exact(data) -> bool:
    """True when JSON keeps data exactly (YAML can hold dates and non-string keys)."""
    try:
        return json.loads(json.dumps(data)) == data
    except (TypeError, ValueError):
        return False


# Config values that are regular expressions: (key path, where '*' is every list item).
REGEX_KEYS = (("wp_id_pattern",), ("signature", "token_pattern"),
              ("forbidden_patterns", "*", "pattern"), ("audit", "redact_patterns", "*"))


# A config is a few dozen values: anything near these limits is a mistake or an attack (an
# alias "billion laughs" expands exponentially in the validator).
MAX_NODES = 100_000
MAX_DEPTH = 50
_PLAIN = "write the values out plainly (see docs/user-guide.md#configuration)"


def _shape_problem(root):
    """(message, line, hint) for the first problem of a composed YAML node graph, else None: a key
    given twice (PyYAML silently keeps the last), a recursive alias, too deep nesting, too many
    nodes once aliases are expanded. Iterative, and each shared (aliased) node is walked once."""
    import yaml

    def kids(n):
        if isinstance(n, yaml.MappingNode):
            return [x for pair in n.value for x in pair]
        return list(n.value) if isinstance(n, yaml.SequenceNode) else []

    def line(n) -> int:
        return n.start_mark.line + 1

    size: dict[int, int] = {}
    open_: set[int] = set()
    stack = [(root, 1, False)]
    while stack:
        n, depth, done = stack.pop()
        if done:
            open_.discard(id(n))
            size[id(n)] = 1 + sum(size[id(c)] for c in kids(n))
            if size[id(n)] > MAX_NODES:
                return f"expands to more than {MAX_NODES} values (aliases?)", line(n), _PLAIN
            continue
        if id(n) in size:
            continue
        if id(n) in open_:
            return "an alias refers to its own anchor (a recursive structure)", line(n), _PLAIN
        if depth > MAX_DEPTH:
            return f"nested deeper than {MAX_DEPTH} levels", line(n), _PLAIN
        if isinstance(n, yaml.MappingNode):
            seen: dict = {}
            for k, _ in n.value:
                if isinstance(k, yaml.ScalarNode):
                    ident = (k.tag, k.value)
                    if ident in seen:
                        return (f"duplicate key '{k.value}' (lines {seen[ident]} and {line(k)}); "
                                "YAML would silently keep only the last", line(k),
                                f"keep one '{k.value}' and delete the other")
                    seen[ident] = line(k)
        open_.add(id(n))
        stack.append((n, depth, True))
        stack.extend((c, depth + 1, False) for c in kids(n) if id(c) not in size)
    return None


def _regex_values(data: dict):
    """(key path, value) of every configured regex (REGEX_KEYS) present in data."""
    for keys in REGEX_KEYS:
        found = [([], data)]
        for part in keys:
            nxt = []
            for path, node in found:
                if part == "*" and isinstance(node, list):
                    nxt += [([*path, i], item) for i, item in enumerate(node)]
                elif isinstance(node, dict) and part in node:
                    nxt.append(([*path, part], node[part]))
            found = nxt
        yield from ((path, v) for path, v in found if isinstance(v, str))


def _check_regexes(node, data: dict) -> None:
    import re

    for path, pattern in _regex_values(data):
        try:
            re.compile(pattern)
        except (re.error, RecursionError, OverflowError, ValueError) as exc:
            name = ".".join(map(str, path))
            raise GovkitError(f"'{name}' is not a valid regular expression: {exc}",
                              path=CONFIG_REL, line=_line_of(node, path),
                              hint="fix the pattern (Python re syntax); quote it in single quotes "
                                   "so YAML keeps backslashes") from None


def _validated(doc, schema: dict) -> dict:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        node = yaml.compose(doc.text, Loader=loader)
        problem = _shape_problem(node) if node is not None else None
        if problem is not None:
            raise GovkitError(problem[0], path=CONFIG_REL, line=problem[1], hint=problem[2])
        data = yaml.load(doc.text, Loader=loader)
    except (yaml.YAMLError, RecursionError) as exc:
        mark = getattr(exc, "problem_mark", None)
        raise GovkitError(f"invalid YAML: {getattr(exc, 'problem', None) or exc}",
                          path=CONFIG_REL, line=mark.line + 1 if mark else None) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise GovkitError("config must be a mapping of keys", path=CONFIG_REL, line=1)
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        err = errors[0]
        keypath = list(err.absolute_path)
        if err.validator == "additionalProperties":
            extra = sorted(set(err.instance) - set(err.schema.get("properties", {})))
            keypath = keypath + extra[:1]
            msg = f"unknown key '{'.'.join(map(str, keypath))}'"
            hint = "known keys here: " + ", ".join(sorted(err.schema.get("properties", {})))
        else:
            msg = f"'{'.'.join(map(str, keypath)) or '(top)'}': {err.message}"
            hint = "see docs/user-guide.md#configuration"
        raise GovkitError(msg, path=CONFIG_REL, line=_line_of(node, keypath), hint=hint)
    _check_regexes(node, data)
    return data
