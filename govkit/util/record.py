"""The part of @dataclasses.dataclass that govkit's gate-path classes use, without importing
dataclasses (which imports inspect, ast, dis and tokenize: about 5 ms of every gate's start-up,
docs/performance.md): an __init__ over the annotated fields in order, with defaults and
default factories, then __post_init__; __repr__; __eq__ between instances of the same class
(which, as with a dataclass, makes instances unhashable). No options, no inheritance of fields,
no ClassVar: a class that needs more uses dataclasses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, dataclass_transform

T = TypeVar("T")
_MISSING = object()


class _Factory:
    __slots__ = ("make",)

    def __init__(self, make: Callable[[], Any]):
        self.make = make


def field(*, default_factory: Callable[[], Any]) -> Any:
    """dataclasses.field(default_factory=...)."""
    return _Factory(default_factory)


@dataclass_transform(field_specifiers=(field,))
def dataclass(cls: type[T]) -> type[T]:
    names = list(cls.__dict__.get("__annotations__", {}))
    env: dict[str, Any] = {"_MISSING": _MISSING}
    params, body = [], []
    for n, name in enumerate(names):
        default = cls.__dict__.get(name, _MISSING)
        if isinstance(default, _Factory):
            env[f"_f{n}"] = default.make
            params.append(f"{name}=_MISSING")
            body.append(f"    self.{name} = _f{n}() if {name} is _MISSING else {name}")
            delattr(cls, name)
        else:
            if default is not _MISSING:
                env[f"_d{n}"] = default
            params.append(name if default is _MISSING else f"{name}=_d{n}")
            body.append(f"    self.{name} = {name}")
    if hasattr(cls, "__post_init__"):
        body.append("    self.__post_init__()")
    src = f"def __init__(self, {', '.join(params)}):\n" + "\n".join(body or ["    pass"])
    exec(src, env)  # noqa: S102 - generated from the class's own field names, as dataclasses does
    init = env["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    fields = tuple(names)

    def __repr__(self) -> str:
        inner = ", ".join(f"{name}={getattr(self, name)!r}" for name in fields)
        return f"{type(self).__qualname__}({inner})"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return tuple(getattr(self, n) for n in fields) == tuple(getattr(other, n) for n in fields)

    # setattr: mypy does not let a type[T] have its methods assigned
    setattr(cls, "__init__", init)  # noqa: B010
    setattr(cls, "__repr__", __repr__)  # noqa: B010
    setattr(cls, "__eq__", __eq__)  # noqa: B010
    setattr(cls, "__hash__", None)  # noqa: B010
    return cls
