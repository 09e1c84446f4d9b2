"""Helm's ``--set``, ``--set-string``, ``--set-json``, ``--set-file`` and ``--set-literal`` parsing, on plain dicts.

This mirrors what Helm 4.1.4 does with each ``--set`` argument (its ``strvals``
parser) character for character, including its odd corners, because a profile
renderer that disagrees with Helm about a single ``--set`` is worse than none.
Every behaviour here was checked against the real binary; see
``tests/test_setvalues.py``.

How an argument is read
-----------------------
An argument is a run of assignments ``path=value`` separated by commas. A path
is a key, optionally followed by ``.key`` (a nested map) and ``[n]`` (a list
index) segments; ``\\x`` makes any character ``x`` literal, in keys, indexes
and values alike. A value is either ``{a,b,...}`` (a list of scalars) or plain
text up to the next unescaped comma.

Typing (``--set``; ``--set-string`` keeps every value a string):
``true``/``false``/``null`` in any letter case become a bool / None; ``0`` and
every decimal integer that fits int64 and does not start with ``0`` become an
int (so ``-007`` is -7 but ``007`` stays text); anything else stays a string.
An empty value (``a=``) is the empty string.

Quirks kept on purpose, because Helm has them:

* An empty key assigns nothing (``=1``, ``[0]=1`` and ``a={x}.b=1``'s tail are
  accepted and ignored), but ``.b=1`` still edits an existing ``""`` map in place.
* The input may end early without error: ``a.``, ``a[0]``, ``a[1`` and a lone
  ``\\`` are accepted. ``a[0]`` still creates ``a: []``.
* Ending the whole argument right after ``=`` behind a list item drops the
  item: ``a[0].b=`` leaves ``a: []``, while ``a[0].b=,c=1`` sets ``a[0].b``.
  Changes made in place to an existing item survive, though.
* ``a.=x`` is an error only when ``a`` ends up empty; ``a.=`` (at the end) is not.
* ``a[i].x`` on an existing item that is not a map replaces the item with ``{}``
  before anything else is read, so even ``l[0].`` turns ``l[0]`` into ``{}``.
* At most 30 ``.`` separators per assignment count against Helm's nesting
  limit (a ``.`` right after ``]`` does not count); list indexes go up to 65536.
* ``a={x}y=1`` is two assignments (``a=[x]``, ``y=1``): a list literal ends
  its assignment even without a comma.

The other flags share the path grammar (Helm's ``strvals`` parsers):

* ``--set-file`` reads like ``--set``, but each value (each item of a
  ``{a,b}`` list too) names a file whose whole text becomes the value, a
  string, untrimmed; ``a=`` at the very end is the empty string, no file.
* ``--set-json`` reads keys like ``--set``; after ``=`` it skips spaces, and
  nothing (or a comma) means null; anything else is one JSON value read as
  Go's json.Decoder reads it (``helm/gojson.py``), where the next assignment
  may follow after spaces or a comma (``a=1 b=2``, even ``a=1x=2``). An
  argument that starts with ``{`` (after spaces) is one JSON object merged
  into the values as a ``-f`` file is.
* ``--set-literal`` is one assignment: no escapes, keys end only at ``=``,
  ``.`` and ``[`` (a comma is part of the key), and the value is the rest of
  the argument, a string. A trailing ``a[0].b=`` keeps its item, and
  ``a.=x`` is always an error.

On error, ``dest`` may already have been partly changed (as in Helm, which
then gives up altogether); callers that need atomicity should pass a copy.
"""

from __future__ import annotations

import json
import re
from typing import Any, Callable, Dict, List, Optional, Tuple

from profile_render.errors import LimitExceededError, SetSyntaxError, describe_value
from profile_render.helm.gojson import (GoJSONError, JSONTooDeep, decode_object, decode_value, go_space, skip_go_space,
                                        tag_leaves, tree_size)
from profile_render.helm.setbudget import SetBudget, SetLimits

__all__ = ["apply_set", "parse_set", "FileReader", "SetBudget", "SetLimits", "FLAGS", "MAX_INDEX",
           "MAX_NESTED_NAME_LEVEL"]

#: Largest list index Helm's ``--set`` accepts (its ``strvals.MaxIndex``).
MAX_INDEX = 65536
#: Most ``.`` separators one assignment may use (its ``strvals.MaxNestedNameLevel``).
MAX_NESTED_NAME_LEVEL = 30

# Python's JSON decoder recurses once per level: deeper values are refused before it sees them.
_JSON_MAX_DEPTH = 500
_INT64_MIN = -(2**63)
_INT64_MAX = 2**63 - 1
_DECIMAL = re.compile(r"[+-]?[0-9]+")


def _stops(chars: str) -> "re.Pattern[str]":
    """A pattern finding the next of ``chars`` or a backslash (which escapes the character after it)."""
    return re.compile("[" + re.escape(chars) + "\\\\]")


_KEY_STOPS = _stops("=[,.")
_ITEM_STOPS = _stops("[.=")
_INDEX_STOPS = _stops("]")
# --set-literal's stops: no escapes, and a comma belongs to the key.
_LITERAL_KEY_STOPS = re.compile(r"[=\[.]")
_LITERAL_ITEM_STOPS = re.compile(r"[\[.=]")
_LITERAL_INDEX_STOPS = re.compile(r"]")
_VALUE_STOPS = _stops(",")
_LIST_STOPS = _stops(",}")

# Outcome of one assignment: go on with the next one, or the input is used up.
_MORE = "more"
_END = "end"

# Kinds of pending step while descending a path.
_KEY_DOT = 0  # map key followed by "."
_KEY_INDEX = 1  # map key followed by "[n]"
_ITEM_INDEX = 2  # list item followed by "[n]"
_ITEM_DOT = 3  # list item followed by "."

Leaf = Optional[Callable[[object], object]]

#: Every flag that sets values, in the order Helm applies them (after the ``-f`` files).
FLAGS = ("--set-json", "--set", "--set-string", "--set-file", "--set-literal")

#: Reads the file a ``--set-file`` value names: ``(name, source of the argument) -> text``.
FileReader = Callable[[str, str], str]


def apply_set(
    expression: str,
    dest: dict,
    *,
    as_string: bool = False,
    leaf: Leaf = None,
    limits: Optional[SetLimits] = None,
    budget: Optional[SetBudget] = None,
    flag: Optional[str] = None,
    read_file: Optional[FileReader] = None,
) -> None:
    """Apply one --set (or, with as_string=True, --set-string) argument to dest in place, as Helm does.

    ``flag`` names another of Helm's flags (one of :data:`FLAGS`) to parse
    the argument as; ``--set-file`` needs ``read_file`` (its errors pass through).

    ``leaf``, when given, is called with every non-null scalar the argument
    assigns (after typing) and its result is stored in place of the scalar.
    Raises :class:`~profile_render.errors.SetSyntaxError` for every argument
    Helm rejects; ``TypeError`` only for arguments of the wrong Python type.

    With ``limits`` (:class:`~profile_render.yamlio.limits.Limits`), two
    limits Helm does not have raise :class:`~profile_render.errors.LimitExceededError`:
    a path nested ``limits.max_depth`` levels deep, and more nodes and list
    slots than ``budget`` still allows (pass one :class:`SetBudget` to every
    expression of a call to bound them together; without one, this
    expression alone gets ``limits.max_set_nodes``). Parsing never recurses,
    so without ``limits`` (and ``budget``) nothing is bounded;
    :func:`~profile_render.values.merge_values` always passes its limits.

    >>> values = {"image": {"repository": "web"}}
    >>> apply_set("image.tag=2.0", values)
    >>> values
    {'image': {'repository': 'web', 'tag': '2.0'}}
    """
    if not isinstance(expression, str):
        raise TypeError(f"expression must be a str, not {type(expression).__name__}")
    if not isinstance(dest, dict):
        raise TypeError(f"dest must be a dict, not {type(dest).__name__}")
    flag = flag or ("--set-string" if as_string else "--set")
    if flag not in FLAGS:
        raise ValueError(f"flag must be one of {', '.join(FLAGS)}, not {flag!r}")
    if flag == "--set-file" and read_file is None:
        raise TypeError("--set-file needs read_file, the function that reads the files it names")
    max_depth = limits.max_depth if limits is not None else len(expression) + 1
    if budget is None and limits is not None:
        budget = SetBudget(limits.max_set_nodes)
    parser = _Parser(expression, dest, flag, leaf, max_depth, budget, read_file)
    if flag == "--set-json" and expression[skip_go_space(expression, 0):].startswith("{"):
        parser.merge_object()
    else:
        parser.run()


def parse_set(expression: str, *, as_string: bool = False, flag: Optional[str] = None,
              read_file: Optional[FileReader] = None) -> dict:
    """Parse one --set expression (or one of another ``flag``) into a new dict.

    >>> parse_set("a.b[1]=x,enabled=true,port=80")
    {'a': {'b': [None, 'x']}, 'enabled': True, 'port': 80}
    >>> parse_set("port=80", as_string=True)
    {'port': '80'}
    """
    result: dict = {}
    apply_set(expression, result, as_string=as_string, flag=flag, read_file=read_file)
    return result


def _extended(path: List[object], last: object) -> Tuple[object, ...]:
    """``path`` and then ``last`` (None: the path as it is), as an error's value path."""
    return tuple(path) + ((last,) if last is not None else ())


def _fold_matches(text: str, word: str) -> bool:
    """Whether ``text`` equals the lower-case ASCII ``word`` under Unicode simple case folding."""
    if len(text) != len(word):
        return False
    for got, want in zip(text, word):
        if got == want or got == want.upper():
            continue
        # The only non-ASCII letters that fold onto ASCII ones.
        if (want == "s" and got == "\u017f") or (want == "k" and got == "\u212a"):
            continue
        return False
    return True


def _typed(text: str, as_string: bool) -> object:
    """Type one scalar the way Helm's --set does (or keep it text for --set-string)."""
    if as_string:
        return text
    if _fold_matches(text, "true"):
        return True
    if _fold_matches(text, "false"):
        return False
    if _fold_matches(text, "null"):
        return None
    if text == "0":
        return 0
    if text and text[0] != "0" and _DECIMAL.fullmatch(text):
        number = _int64(text)
        if number is not None:
            return number
    return text


def _int64(text: str) -> Optional[int]:
    """The value of a decimal integer text (already matched by ``_DECIMAL``) if it fits int64, else None.

    Like Go's ``strconv.ParseInt(text, 10, 64)``; text too long to fit is
    recognised by its length, never converted (so any length costs linear time).
    """
    digits = text.lstrip("+-").lstrip("0")
    if len(digits) > 19:
        return None
    number = int(digits or "0")
    if text[0] == "-":
        number = -number
    return number if _INT64_MIN <= number <= _INT64_MAX else None


def _shown(expression: str, limit: int = 200) -> str:
    """An expression as errors name their source: whole, or its first ``limit`` characters and its length."""
    if len(expression) <= limit:
        return expression
    return f"{expression[:limit]}... ({len(expression):,} characters)"


def _quote(text: str, limit: int = 60) -> str:
    """``text`` quoted for a message; a long text is cut to its first ``limit`` characters and its length."""
    if len(text) <= limit:
        return json.dumps(text, ensure_ascii=False)
    return f"{json.dumps(text[:limit], ensure_ascii=False)}... ({len(text):,} characters)"


class _Parser:
    """One pass over one argument; all state lives on the instance."""

    __slots__ = ("text", "pos", "dest", "flag", "leaf", "source", "max_depth", "budget", "owned", "read_file",
                 "stops")

    def __init__(self, text: str, dest: dict, flag: str, leaf: Leaf, max_depth: int,
                 budget: Optional[SetBudget], read_file: Optional[FileReader] = None) -> None:
        self.text = text
        self.pos = 0
        self.dest = dest
        self.flag = flag
        self.leaf = leaf
        self.source = f"{flag} {_shown(text)}"
        self.max_depth = max_depth
        self.budget = budget
        self.read_file = read_file
        literal = flag == "--set-literal"
        # Stops for a key, after a list index, and inside an index.
        self.stops = ((_LITERAL_KEY_STOPS, _LITERAL_ITEM_STOPS, _LITERAL_INDEX_STOPS) if literal
                      else (_KEY_STOPS, _ITEM_STOPS, _INDEX_STOPS))
        # Lists this argument created (by id, kept alive here): nobody else can hold them, so they grow in place.
        self.owned: Dict[int, list] = {}

    # -- errors -------------------------------------------------------------

    def _error(self, problem: str, column: Optional[int], hint: str, path: Optional[List[object]] = None) -> SetSyntaxError:
        if self.flag == "--set-literal":  # it has no escapes: drop the advice that offers them
            hint = "; ".join(part for part in hint.split("; ") if "\\" not in part) or (
                "--set-literal has no escapes; set keys holding '.', '[' or '=' with --set")
        return SetSyntaxError(
            problem,
            source=self.source,
            line=None,
            column=column,
            path=tuple(path) if path else None,
            hint=hint,
        )

    def _spend(self, count: int, column: Optional[int], path: List[object], last: object) -> None:
        """Take ``count`` nodes or list slots from the call's budget, or refuse the expression (at ``path + [last]``)."""
        if self.budget is not None and not self.budget.spend(count):
            raise LimitExceededError(
                f"the --set (and --set-string, --set-json, --set-file, --set-literal) arguments create more "
                f"than {self.budget.limit:,} values and list slots",
                source=self.source, column=column, path=_extended(path, last),
                hint="set fewer values or shorter lists (a values file holds large data better), "
                     "or raise Limits.max_set_nodes")

    def _too_deep(self, column: int, path: List[object], last: object) -> LimitExceededError:
        return LimitExceededError(
            f"the --set path is nested more than {self.max_depth} levels deep",
            source=self.source, column=column, path=_extended(path, last),
            hint="set deeply nested values from a values file (-f), or raise Limits.max_depth")

    def _stored(self, value: object, depth: int, column: int, path: List[object], last: object) -> None:
        """Count a value being stored ``depth`` levels down: one node, or a list literal (or JSON value) and its items."""
        nodes, nesting = tree_size(value)
        if nesting and depth + nesting >= self.max_depth:
            raise self._too_deep(column, path, last)
        self._spend(nodes, column, path, last)

    def _descend(self, depth: int, column: int, path: List[object], last: object) -> None:
        """Count one more level of the path being assigned, refusing a path nested ``max_depth`` levels deep."""
        if depth >= self.max_depth:
            raise self._too_deep(column, path, last)
        self._spend(1, column, path, last)

    # -- reading ------------------------------------------------------------

    def _read_until(self, stops: "re.Pattern[str]") -> Tuple[str, Optional[str], int]:
        """Read (unescaping) up to a stop character; return text, the stop (None at end) and its offset."""
        text = self.text
        end = len(text)
        pos = self.pos
        find = stops.search
        out: List[str] = []
        while True:
            found = find(text, pos)
            if found is None:
                out.append(text[pos:])
                self.pos = end
                return "".join(out), None, end
            at = found.start()
            ch = text[at]
            out.append(text[pos:at])
            if ch != "\\":
                self.pos = at + 1
                return "".join(out), ch, at
            if at + 1 >= end:
                # A trailing backslash escapes nothing: the input just ends.
                self.pos = end
                return "".join(out), None, end
            out.append(text[at + 1])
            pos = at + 2

    def _store(self, raw: str) -> object:
        if self.read_file is not None:
            value: object = self.read_file(raw, self.source)
        else:
            value = _typed(raw, self.flag == "--set-string")
        if value is not None and self.leaf is not None:
            value = self.leaf(value)
        return value

    def _read_index(self) -> Optional[int]:
        """Read ``n]`` after a ``[``; None when the input ends first (Helm then stops quietly)."""
        start = self.pos
        raw, stop, _ = self._read_until(self.stops[2])
        if stop is None:
            return None
        if not _DECIMAL.fullmatch(raw):
            shown = "an empty index" if raw == "" else f"index {_quote(raw)}"
            raise self._error(
                f"{shown} is not a whole number",
                start + 1,
                "write a list index as a decimal number, e.g. name[0]; escape a literal bracket in a key as \\[",
            )
        number = _int64(raw)
        if number is None:
            raise self._error(
                f"index {_quote(raw)} is out of range",
                start + 1,
                f"list indexes go from 0 to {MAX_INDEX}",
            )
        return number

    def _read_value(self) -> Tuple[object, bool]:
        """Read what follows ``=``: a list literal or one scalar; the flag says the input had already ended."""
        text = self.text
        if self.flag == "--set-literal":  # the rest of the argument, whatever it holds
            value: object = text[self.pos:]
            self.pos = len(text)
            return (self.leaf(value) if self.leaf is not None else value), False
        if self.flag == "--set-json":
            return self._read_json(), False
        if self.pos >= len(text):
            value = ""
            if self.leaf is not None:
                value = self.leaf(value)
            return value, True
        if text[self.pos] != "{":
            raw, _, _ = self._read_until(_VALUE_STOPS)
            return self._store(raw), False
        brace_at = self.pos
        self.pos += 1
        items: list = []
        while True:
            raw, stop, _ = self._read_until(_LIST_STOPS)
            if stop is None:
                raise self._error(
                    "the list value is missing its closing '}'",
                    brace_at + 1,
                    "end the list with '}' and escape commas or braces inside items as \\, and \\}",
                )
            items.append(self._store(raw))
            if stop == "}":
                if self.pos < len(text) and text[self.pos] == ",":
                    self.pos += 1
                return items, False

    def _read_json(self) -> object:
        """Read what follows ``=`` in --set-json: nothing (null) up to a comma or the end, else one JSON value."""
        text = self.text
        pos = skip_go_space(text, self.pos)
        if pos >= len(text) or text[pos] == ",":
            self.pos = pos + 1
            return None
        value, end = self._decoded(decode_value, pos)
        pos = skip_go_space(text, end)
        self.pos = pos + 1 if pos < len(text) and text[pos] == "," else pos
        return tag_leaves(value, self.leaf)

    def _decoded(self, decode: Callable[[str, int, int], Any], pos: int) -> Any:
        """Run a JSON decoder at ``pos``, its errors turned into located ones."""
        try:
            return decode(self.text, pos, min(self.max_depth, _JSON_MAX_DEPTH))
        except GoJSONError as exc:
            raise self._error(f"the value is not valid JSON: {exc.message}", exc.offset + 1,
                              "write the value as JSON (strings in double quotes), e.g. name=\"text\" or "
                              "name=[1,2] or name={\"key\":true}") from None
        except JSONTooDeep as exc:
            raise LimitExceededError(f"the --set-json value is nested more than {self.max_depth} levels deep",
                                     source=self.source, column=exc.offset + 1,
                                     hint="set deeply nested values from a values file (-f), or raise "
                                          "Limits.max_depth") from None

    def merge_object(self) -> None:
        """Merge a whole --set-json JSON object into the values, as Helm merges a ``-f`` file."""
        start = skip_go_space(self.text, 0)
        end = len(self.text)
        while end > start and go_space(self.text[end - 1]):
            end -= 1
        obj = self._decoded(lambda text, pos, depth: decode_object(text[:end], pos, depth), start)
        self._stored(obj, 0, start + 1, [], None)
        tag_leaves(obj, self.leaf)
        pending: List[Tuple[dict, dict]] = [(self.dest, obj)]
        while pending:
            into, source = pending.pop()
            for key, value in source.items():
                current = into.get(key)
                if isinstance(value, dict) and isinstance(current, dict):
                    pending.append((current, value))
                else:
                    into[key] = value

    def _set_index(self, items: list, index: int, value: object, column: int, path: List[object]) -> list:
        """Put value at index, growing a copy with nulls when the list is too short (``path`` leads to the list)."""
        if index > MAX_INDEX:
            raise self._error(
                f"list index {index} is larger than Helm's maximum of {MAX_INDEX}",
                column,
                f"use an index between 0 and {MAX_INDEX}",
                path + [index],
            )
        if index >= len(items):
            added = index + 1 - len(items)
            if id(items) in self.owned:
                # A list this argument made: growing it in place is the same as Helm's copy, and keeps
                # k[0]=..,k[1]=..,... linear.
                self._spend(added, column, path, index)
                items.extend([None] * added)
            else:
                # Someone else may hold this list: grow a copy, as Helm does (the copy costs its length too).
                self._spend(len(items) + added, column, path, index)
                items = items + [None] * added
                self.owned[id(items)] = items
        items[index] = value
        return items

    def _conflict(self, existing: object, wanted: str, column: int, path: List[object]) -> SetSyntaxError:
        return self._error(
            f"cannot treat this value as {wanted}: it already holds {describe_value(existing, mapping='a map')}",
            column,
            "--set cannot change the type of a value that is already set; change it in the values file, "
            "replace it as a whole first, or use another key",
            path,
        )

    # -- parsing ------------------------------------------------------------

    def run(self) -> None:
        while self._assignment() is _MORE:
            pass

    def _assignment(self) -> str:
        """Parse and apply one ``path=value``; return whether more input follows."""
        frames: list = []
        path: List[object] = []
        data: dict = self.dest
        items: list = []
        index = 0
        index_at = 0
        in_key = True
        level = 0
        result: object = None

        while True:
            if in_key:
                start = self.pos
                key, stop, stop_at = self._read_until(self.stops[0])
                if stop is None:
                    if not key:
                        status = _END
                        break
                    raise self._error(
                        f"key {_quote(key)} has no value",
                        start + 1,
                        "give it a value with '=', e.g. name=value (name= sets an empty string)",
                        path + [key],
                    )
                if stop == ",":
                    raise self._error(
                        f"key {_quote(key)} has no value (cannot end with ',')",
                        stop_at + 1,
                        "give the key a value with '=' and remove stray commas; write \\, for a literal comma",
                        path + [key] if key else path,
                    )
                if stop == "=":
                    value, ended = self._read_value()
                    self._stored(value, len(frames), stop_at + 1, path, key)
                    if key:
                        data[key] = value
                    status = _END if ended else _MORE
                    break
                if stop == ".":
                    level += 1
                    if level > MAX_NESTED_NAME_LEVEL:
                        raise self._error(
                            f"the key path nests deeper than Helm's maximum of {MAX_NESTED_NAME_LEVEL} levels",
                            stop_at + 1,
                            "set deeply nested values from a values file (-f) instead; write \\. for a literal dot",
                            path + [key],
                        )
                    if key in data:
                        inner = data[key]
                        if not isinstance(inner, dict):
                            raise self._conflict(inner, "a map", start + 1, path + [key])
                    else:
                        inner = {}
                    frames.append((_KEY_DOT, data, key, inner, start))
                    self._descend(len(frames), start + 1, path, key)
                    path.append(key)
                    data = inner
                    continue
                # stop == "["
                number = self._read_index()
                if number is None:
                    status = _END
                    break
                if key in data:
                    existing = data[key]
                    if not isinstance(existing, list):
                        raise self._conflict(existing, "a list", start + 1, path + [key])
                    items = existing
                else:
                    items = []
                    self.owned[id(items)] = items
                frames.append((_KEY_INDEX, data, key))
                self._descend(len(frames), start + 1, path, key)
                path.append(key)
                index, index_at, in_key = number, stop_at + 2, False
                continue

            # In a list item, just after "[index]".
            if index < 0:
                raise self._error(
                    f"negative list index {index} is not allowed",
                    index_at,
                    "list indexes start at 0",
                    path,
                )
            start = self.pos
            rest, stop, stop_at = self._read_until(self.stops[1])
            if rest:
                raise self._error(
                    f"unexpected text {_quote(rest)} after a list index",
                    start + 1,
                    "a list index may only be followed by '=', '.' or another [index]",
                    path + [index],
                )
            if stop is None:
                result, status = items, _END
                break
            if stop == "=":
                value, _ = self._read_value()
                self._stored(value, len(frames), stop_at + 1, path, index)
                result = self._set_index(items, index, value, index_at, path)
                status = _MORE
                break
            if stop == "[":
                number = self._read_index()
                if number is None:
                    result, status = items, _END
                    break
                current: list = []
                self.owned[id(current)] = current
                if index < len(items) and items[index] is not None:
                    current = items[index]
                    if not isinstance(current, list):
                        raise self._conflict(current, "a list", index_at, path + [index])
                frames.append((_ITEM_INDEX, items, index, index_at))
                self._descend(len(frames), index_at, path, index)
                path.append(index)
                items, index, index_at = current, number, stop_at + 2
                continue
            # stop == "."
            if index < len(items):
                inner = items[index]
                if not isinstance(inner, dict):
                    # Helm swaps a non-map item for an empty map straight away.
                    inner = {}
                    items[index] = inner
            else:
                inner = {}
            frames.append((_ITEM_DOT, items, index, inner, index_at))
            self._descend(len(frames), index_at, path, index)
            path.append(index)
            data, in_key = inner, True

        # Hand the outcome back up the path, innermost step first.
        while frames:
            frame = frames.pop()
            path.pop()
            kind = frame[0]
            if kind == _KEY_DOT:
                _, parent, key, inner, key_at = frame
                if not inner:
                    if status is _MORE:
                        raise self._error(
                            f"key map {_quote(key)} has no value",
                            key_at + 1,
                            "a key name is missing after '.'; write \\. for a literal dot in a key",
                            path + [key] if key else path,
                        )
                elif key:
                    parent[key] = inner
            elif kind == _KEY_INDEX:
                _, parent, key = frame
                if key:
                    parent[key] = result
            elif kind == _ITEM_INDEX:
                _, parent_items, parent_index, at = frame
                if status is _MORE:
                    result = self._set_index(parent_items, parent_index, result, at, path)
                else:
                    result = parent_items
            else:
                _, parent_items, parent_index, inner, at = frame
                if status is _MORE:
                    result = self._set_index(parent_items, parent_index, inner, at, path)
                else:
                    result = parent_items
        return status
