"""Immutable records for the modules every command loads, without the cost of :mod:`dataclasses` at start-up.

A frozen dataclass costs about half a millisecond to create (it compiles its
``__init__``, ``__repr__``, ``__eq__``, ``__hash__``, ``__setattr__`` and
``__delattr__`` from generated source), and importing :mod:`dataclasses`
imports :mod:`inspect`, :mod:`dis`, :mod:`ast` and :mod:`tokenize`: together
about 15 ms of every ``profile-render`` run, against a whole ``merge`` of a
large chart in about 100 ms. The records on that path therefore write their
``__init__`` by hand (so readers, type checkers and ``help()`` see the real
signature) and take the rest from :class:`Record`:

- ``repr``, ``==`` and ``hash`` over the fields named in ``_fields`` (in
  that order), as a dataclass with ``eq=True, frozen=True`` has them: equal
  when the other object is of the same class and every compared field is
  equal; ``_repr_fields`` and ``_compare`` name fewer when a field is left
  out (a secret, a derived value); ``_compare = None`` keeps identity
  equality (a dataclass with ``eq=False``);
- assignment and deletion of any attribute raise
  :class:`dataclasses.FrozenInstanceError`, as on a frozen dataclass (the
  module is imported then); ``__init__`` stores fields with
  :meth:`Record._set`, and :meth:`Record._replace` makes a changed copy;
- :func:`dataclasses.fields`, :func:`dataclasses.replace`,
  :func:`dataclasses.asdict` and :func:`dataclasses.is_dataclass` keep
  working: the first time one of them asks for ``__dataclass_fields__``, the
  class describes itself to :mod:`dataclasses` (imported then, not at
  start-up) from ``_fields``, ``_derived`` (fields ``__init__`` does not
  take) and the defaults of its ``__init__``.

``copy``, ``deepcopy`` and ``pickle`` restore a record's ``__dict__``
directly, as they do a frozen dataclass's.
"""

from __future__ import annotations

from typing import Any, ClassVar, Dict, Optional, Tuple, TypeVar

__all__ = ["Record", "MutableRecord"]

_R = TypeVar("_R", bound="Record")


class _DataclassFields:
    """The class attribute ``__dataclass_fields__``, built on first use (what :mod:`dataclasses` reads)."""

    def __get__(self, instance: Any, owner: type) -> Dict[str, Any]:
        fields = owner.__dict__.get("_dataclass_fields_built")
        if fields is None:
            fields = _describe(owner)
            type.__setattr__(owner, "_dataclass_fields_built", fields)
        return fields


def _describe(cls: type) -> Dict[str, Any]:
    """The :class:`dataclasses.Field` objects of ``cls``, as ``@dataclass`` would have made them."""
    import dataclasses

    init = cls.__init__  # type: ignore[misc]
    code = init.__code__
    names = code.co_varnames[1:code.co_argcount + code.co_kwonlyargcount]
    defaults = dict(zip(names[code.co_argcount - 1 - len(init.__defaults__ or ()):], init.__defaults__ or ()))
    defaults.update(init.__kwdefaults__ or {})
    annotations: Dict[str, Any] = {}
    for klass in reversed(cls.__mro__):
        annotations.update(getattr(klass, "__annotations__", {}))
    repr_fields = set(cls._repr_fields if cls._repr_fields is not None else cls._fields)  # type: ignore[attr-defined]
    compared = cls._compare  # type: ignore[attr-defined]
    compare = set(compared if compared is not None else ())
    spec = []
    for name in cls._fields + cls._derived:  # type: ignore[attr-defined]
        options: Dict[str, Any] = {"repr": name in repr_fields, "compare": name in compare}
        if name in cls._derived:  # type: ignore[attr-defined]
            options["init"] = False
        elif name in defaults:
            options["default"] = defaults[name]
        spec.append((name, annotations.get(name, Any), dataclasses.field(**options)))
    shadow = dataclasses.make_dataclass(cls.__name__, spec, eq=compared is not None, frozen=True)
    return dict(getattr(shadow, "__dataclass_fields__"))


class Record:
    """The base of an immutable record: see the module's docstring."""

    #: The fields ``__init__`` takes, in its order (also the order of ``repr``).
    _fields: ClassVar[Tuple[str, ...]] = ()
    #: Fields ``__init__`` computes rather than takes (never compared or shown unless named below).
    _derived: ClassVar[Tuple[str, ...]] = ()
    #: The fields ``repr`` shows, when not all of ``_fields``.
    _repr_fields: ClassVar[Optional[Tuple[str, ...]]] = None
    #: The fields ``==`` and ``hash`` compare, when not all of ``_fields``; None keeps identity equality.
    _compare: ClassVar[Optional[Tuple[str, ...]]] = ()

    __dataclass_fields__: ClassVar[Any] = _DataclassFields()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "_compare" not in cls.__dict__ and "_fields" in cls.__dict__:  # every field, unless the class names fewer
            cls._compare = cls._fields
        setattr(cls, "__match_args__", cls._fields)  # pattern matching by position, as a dataclass allows
        if cls._compare is None and "__hash__" not in cls.__dict__ and "__eq__" not in cls.__dict__:
            cls.__eq__ = object.__eq__  # type: ignore[method-assign]
            cls.__hash__ = object.__hash__  # type: ignore[method-assign]

    def _replace(self: _R, **changes: Any) -> _R:
        """A copy with ``changes`` applied, made by ``__init__`` (as :func:`dataclasses.replace` makes one)."""
        values = {name: getattr(self, name) for name in self._fields}
        unknown = set(changes) - set(values)
        if unknown:
            raise TypeError(f"{self.__class__.__name__} has no field {sorted(unknown)[0]!r} to replace")
        values.update(changes)
        return self.__class__(**values)

    def _set(self, name: str, value: Any) -> None:
        """Store a field (``__init__`` and ``__post_init__`` only: records are immutable afterwards)."""
        self.__dict__[name] = value

    def _key(self) -> Tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self._compare or ())

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        shown = self._repr_fields if self._repr_fields is not None else self._fields
        inner = ", ".join(f"{name}={getattr(self, name)!r}" for name in shown)
        return f"{self.__class__.__qualname__}({inner})"

    def __setattr__(self, name: str, value: Any) -> None:
        from dataclasses import FrozenInstanceError  # what code written for frozen dataclasses catches

        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        from dataclasses import FrozenInstanceError

        raise FrozenInstanceError(f"cannot delete field {name!r}")


class MutableRecord(Record):
    """A record whose fields may be assigned after ``__init__`` (a dataclass without ``frozen``): unhashable."""

    __hash__ = None  # type: ignore[assignment]

    def __setattr__(self, name: str, value: Any) -> None:
        self.__dict__[name] = value

    def __delattr__(self, name: str) -> None:
        object.__delattr__(self, name)
