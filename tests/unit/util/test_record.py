"""govkit.util.record.dataclass behaves as dataclasses.dataclass for the shapes govkit uses."""

from __future__ import annotations

import dataclasses

import pytest

from govkit.util import record


def _pair():
    calls = []

    def make(deco, fld):
        class Thing:
            name: str
            line: int = 0
            items: list = fld(default_factory=list)

            def __post_init__(self):
                calls.append(self.name)

        return deco(Thing)

    return make(dataclasses.dataclass, dataclasses.field), make(record.dataclass, record.field), calls


@pytest.mark.parametrize("args, kwargs", [(("a",), {}), (("a", 3), {}), (("a",), {"items": [1]}),
                                          ((), {"name": "b", "line": 2, "items": [[]]})])
def test_same_init_repr_and_eq_as_a_dataclass(args, kwargs):
    std, ours, calls = _pair()
    a, b = std(*args, **kwargs), ours(*args, **kwargs)
    assert vars(a) == vars(b)
    assert repr(a) == repr(b)
    assert ours(*args, **kwargs) == b and not (ours(*args, **kwargs) != b)
    assert b != ours("other") and b != a  # another class is never equal
    assert calls == [a.name, b.name, b.name, b.name, "other"]


def test_factory_defaults_are_fresh_and_instances_unhashable():
    _, ours, _ = _pair()
    x, y = ours("x"), ours("y")
    x.items.append(1)
    assert y.items == [] and "items" not in vars(ours)
    with pytest.raises(TypeError):
        hash(x)
    with pytest.raises(TypeError):
        ours()  # the field without a default is required
    with pytest.raises(TypeError):
        ours("a", 1, [], 4)
