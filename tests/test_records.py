"""Records (profile_render/records.py) behave as the frozen dataclasses they replace, for callers and dataclasses."""

from __future__ import annotations

import copy
import dataclasses
import importlib
import pickle
import pkgutil
from typing import Any, Dict, List, Type

import pytest

import profile_render
from profile_render.records import MutableRecord, Record


def _record_classes() -> List[Type[Record]]:
    """Every record class the package defines (each module imported)."""
    for info in pkgutil.walk_packages(profile_render.__path__, "profile_render."):
        if not info.name.endswith("__main__"):  # that one runs the CLI
            importlib.import_module(info.name)
    found: List[Type[Record]] = []
    todo = list(Record.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls is not MutableRecord and cls.__module__.startswith("profile_render."):
            found.append(cls)
    return sorted(set(found), key=lambda c: (c.__module__, c.__qualname__))


RECORDS = _record_classes()


def test_the_records_on_the_start_up_path_are_records() -> None:
    names = {cls.__qualname__ for cls in RECORDS}
    assert {"Limits", "ArchiveLimits", "Cap", "Chart", "Dependency", "Layer", "Location", "Rule", "Diagnostic",
            "ImageRegistry", "DeploymentContext", "Placeholder", "ReadRules", "Origin", "LoadedValues"} <= names


@pytest.mark.parametrize("cls", [c for c in RECORDS if "_fields" in c.__dict__], ids=lambda c: c.__qualname__)
def test_init_takes_exactly_the_fields_in_order(cls: Type[Record]) -> None:
    """The hand-written ``__init__`` and ``_fields`` agree, so repr, ==, hash and replace see every argument."""
    code = cls.__init__.__code__
    params = code.co_varnames[1:code.co_argcount + code.co_kwonlyargcount]
    assert params == cls._fields
    annotated: Dict[str, Any] = {}
    for klass in cls.__mro__:
        annotated.update(getattr(klass, "__annotations__", {}))
    assert set(cls._fields + cls._derived) <= set(annotated), "every field is annotated on the class"
    assert set(cls._repr_fields or ()) <= set(cls._fields)
    assert cls._compare is None or set(cls._compare) <= set(cls._fields)


def _example(cls: Type[Record]) -> Record:
    """An instance built from the docstring-free defaults: each required argument given a plain value."""
    from profile_render.orchestrator.model import Secret

    samples = {"Limits": {}, "ArchiveLimits": {}, "Cap": {"max_bytes": 10},
               "ImageRegistry": {"name": "r", "root_url": "oci://registry.example.com/x", "username": "u",
                                 "password": Secret("p")},
               "DeploymentContext": {"app_name": "a", "app_version": "1", "deployment_name": "d", "namespace": "n"},
               "Chart": {"name": "c", "values": {"a": 1}}, "Dependency": {"name": "d", "version": "1.0.0"},
               "Location": {"source": "f.yaml", "line": 1, "column": 2},
               "Rule": {"id": "r", "severity": "warning", "summary": "s"},
               "Diagnostic": {"rule": "r", "severity": "warning", "message": "m", "path": ["a", 0]}}
    return cls(**samples[cls.__qualname__])


SAMPLED = [c for c in RECORDS if c.__qualname__ in {"Limits", "ArchiveLimits", "Cap", "ImageRegistry",
                                                    "DeploymentContext", "Chart", "Dependency", "Location", "Rule",
                                                    "Diagnostic"}]


@pytest.mark.parametrize("cls", SAMPLED, ids=lambda c: c.__qualname__)
def test_a_record_is_what_dataclasses_see(cls: Type[Record]) -> None:
    record = _example(cls)
    assert dataclasses.is_dataclass(record) and dataclasses.is_dataclass(cls)
    names = [f.name for f in dataclasses.fields(cls)]
    assert names == [n for n in cls._fields + cls._derived if not n.startswith("_")] or \
        names == list(cls._fields + cls._derived)
    init_names = [f.name for f in dataclasses.fields(record) if f.init]
    assert init_names == list(cls._fields)
    changed = dataclasses.replace(record)
    assert changed == record and changed is not record
    assert record._replace() == record
    as_dict = dataclasses.asdict(record)
    assert set(cls._fields) <= set(as_dict)
    # the repr a frozen dataclass would print, with the same fields left out
    shown = cls._repr_fields if cls._repr_fields is not None else cls._fields
    if "__repr__" not in cls.__dict__:
        assert repr(record) == f"{cls.__qualname__}(" + ", ".join(f"{n}={getattr(record, n)!r}" for n in shown) + ")"


@pytest.mark.parametrize("cls", SAMPLED, ids=lambda c: c.__qualname__)
def test_a_record_is_immutable_and_survives_copy_and_pickle(cls: Type[Record]) -> None:
    record = _example(cls)
    for name in cls._fields:
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(record, name, None)
        with pytest.raises(dataclasses.FrozenInstanceError):
            delattr(record, name)
    for twin in (copy.copy(record), copy.deepcopy(record), pickle.loads(pickle.dumps(record))):
        assert type(twin) is cls
        assert all(getattr(twin, n) == getattr(record, n) for n in cls._compare or () if n != "password")
        if cls._compare is not None and cls.__qualname__ != "ImageRegistry":  # a Secret compares by identity
            assert twin == record
            if cls.__qualname__ != "Chart":  # its values are a dict: unhashable, as the frozen dataclass was
                assert hash(twin) == hash(record)


def test_equality_and_hash_follow_the_compared_fields() -> None:
    from profile_render.helm.chart import Chart
    from profile_render.problems import Diagnostic, Location, ValuesWarning

    assert Location("a", 1) == Location("a", 1) and Location("a", 1) != Location("a", 2)
    assert len({Location("a", 1), Location("a", 1)}) == 1
    assert Location("a", 1) != ("a", 1, None)  # another class is never equal, as with a dataclass
    # fields left out of the comparison (a chart's source text, warnings) do not decide equality
    assert Chart("c", {"a": 1}, schema=b"{}") == Chart("c", {"a": 1})
    assert Chart("c", {"a": 1}) != Chart("c", {"a": 2})
    with pytest.raises(TypeError, match="unhashable"):
        hash(Chart("c", {"a": 1}))
    # diagnostics are equal by fields, whichever compatible constructor made them
    assert ValuesWarning("c", "m") == Diagnostic("c", "warning", "m")
    assert hash(ValuesWarning("c", "m")) == hash(Diagnostic("c", "warning", "m"))
    assert Location("a", 1)._replace(line=3) == Location("a", 3)
    with pytest.raises(TypeError, match="no field 'lines'"):
        Location("a", 1)._replace(lines=3)


def test_a_mutable_record_can_change_and_is_unhashable() -> None:
    from profile_render.yamlio.build import Document

    document = Document(value={}, duplicates=[], positions=None, line=1, column=1)
    document.value = {"a": 1}
    assert document.value == {"a": 1}
    with pytest.raises(TypeError):
        hash(document)


def test_pattern_matching_by_position() -> None:
    from profile_render.problems import Location

    match Location("f.yaml", 3, 5):
        case Location(source, line, column):
            assert (source, line, column) == ("f.yaml", 3, 5)
        case _:
            pytest.fail("Location did not match by position")


def test_a_record_compares_its_own_fields_unless_it_names_fewer() -> None:
    class Pair(Record):
        _fields = ("a", "b")

        def __init__(self, a: int, b: int) -> None:
            self._set("a", a)
            self._set("b", b)

    class Labelled(Pair):  # same fields and comparison as its base
        pass

    class Loose(Pair):
        _compare = ("a",)

    assert Pair._compare == ("a", "b") and Labelled._compare == ("a", "b") and Loose._compare == ("a",)
    assert Pair(1, 2) != Pair(1, 3) and Loose(1, 2) == Loose(1, 3)
    assert Labelled(1, 2) != Pair(1, 2)  # another class is never equal, as with dataclasses
    assert repr(Labelled(1, 2)).endswith(".<locals>.Labelled(a=1, b=2)")
