"""More hostile ``values.schema.json`` cases, found while closing the schema part of issue 9.

:func:`extend` adds them to the class being built (``corpus.build`` calls it
after each class's own generator). Each case renders a chart whose schema
(and values) attack one cost of schema validation; Helm 4.1.4's verdict is
noted where it gives one. All must end cleanly (a verdict, or a located
limit) within the corpus's time and memory limits.
"""

from __future__ import annotations

import json
import random
from typing import Any, Callable, Dict

D4 = "http://json-schema.org/draft-04/schema#"
D7 = "http://json-schema.org/draft-07/schema#"


def _schema_chart(b: Any, name: str, schema: Any, values: str, expect: str = "clean") -> None:
    from tests.hostile.corpus import _chart

    text = schema if isinstance(schema, (str, bytes)) else json.dumps(schema)
    b.render_chart(name, _chart(b.folder(name) / "c", values=values, schema=text), expect=expect)


def _props(**properties: Any) -> Dict[str, Any]:
    return {"properties": properties}


def _regex(b: Any) -> None:
    rnd = random.Random(9)
    ab = "".join(rnd.choice("ab") for _ in range(300_000))
    # Helm: valid (non-capturing groups leave no node in Go's tree)
    _schema_chart(b, "format-regex-noncapturing-3000", {"$schema": D7, "properties": {"s": {"format": "regex"}}},
                  "s: '" + "(?:" * 3000 + "a" + ")" * 3000 + "'\n")
    # Helm: invalid repeat count (RE2 expands nothing: refused while parsing)
    _schema_chart(b, "format-regex-nested-counts", {"$schema": D7, "properties": {"s": {"format": "regex"}}},
                  "s: '((a{1000}){1000}){1000}'\n")
    # thousands of distinct values whose Go programs are large: never cached, each only parsed
    values = "".join(f"k{i}: '\\pL{{1000}}x{i}'\n" for i in range(2000))
    _schema_chart(b, "format-regex-many-values", {"$schema": D7, "additionalProperties": {"format": "regex"}}, values)
    _schema_chart(b, "format-regex-huge-value", {"$schema": D7, "properties": {"s": {"format": "regex"}}},
                  "s: '" + "(a)" * 400_000 + "'\n")
    # RE2's DFA gives up on this pattern: every byte steps a thousand threads (Go's NFA too)
    _schema_chart(b, "pattern-dfa-blowup", _props(s={"pattern": "(?:a|b)*a(?:a|b){1000}c"}), f"s: {ab}\n")
    _schema_chart(b, "pattern-unicode-counts", _props(**{f"s{i}": {"pattern": f"^\\pL{{1000}}{i}$"} for i in range(3)}),
                  "s0: x\n")
    _schema_chart(b, "pattern-many-distinct", _props(**{f"s{i}": {"pattern": f"^[a-z]{{1,{700 + i % 300}}}{i}$"}
                                                      for i in range(1000)}), "s0: x\n")
    _schema_chart(b, "pattern-huge-nodes", _props(s={"pattern": "(a)" * 200_000}), "s: a\n")
    keys = "".join(f"k{i}{'a' * 20}: 1\n" for i in range(20000))
    _schema_chart(b, "patternProperties-many-keys", {"patternProperties": {f"^k{i}a+$": {"type": "integer"}
                                                                             for i in range(200)}}, keys)
    _schema_chart(b, "propertyNames-long-keys", {"propertyNames": {"pattern": "^(a|aa)+$"}},
                  "".join(f"{'a' * 1000}{i}: 1\n" for i in range(500)))  # keys under YAML's 1024 limit


def _recursion(b: Any) -> None:
    cycle = {"a": {"$ref": "#/$defs/b"}, "b": {"$ref": "#/$defs/a"}}
    # Helm: a cycle under an anyOf branch only fails that branch; under an absent property it is never met
    _schema_chart(b, "ref-cycle-anyof", {"$defs": cycle, "anyOf": [{"$ref": "#/$defs/a"}, True]}, "a: 1\n")
    _schema_chart(b, "ref-cycle-absent", {"$defs": cycle, "properties": {"x": {"$ref": "#/$defs/a"}}}, "a: 1\n")
    _schema_chart(b, "ref-cycle-draft7", {"$schema": D7, "definitions": {"a": {"$ref": "#/definitions/a"}},
                                          "$ref": "#/definitions/a"}, "a: 1\n")
    _schema_chart(b, "dynamic-ref-cycle", {"$dynamicAnchor": "m", "allOf": [{"$dynamicRef": "#m"}]}, "a: 1\n")
    _schema_chart(b, "ref-cycle-unevaluated", {"$defs": {"a": {"allOf": [{"$ref": "#/$defs/a"}]}},
                                               "$ref": "#/$defs/a", "unevaluatedProperties": False,
                                               "unevaluatedItems": False}, "a: [1]\n")
    # Helm accepts both (its stack grows); the second fails on its last definition
    chain = {f"d{i}": {"$ref": f"#/$defs/d{i + 1}", "type": "object"} for i in range(3000)}
    chain["d3000"] = {"type": "object"}
    _schema_chart(b, "ref-chain-3000-with-siblings", {"$defs": chain, "$ref": "#/$defs/d0"}, "a: 1\n")
    chain = {f"d{i}": {"allOf": [{"$ref": f"#/$defs/d{i + 1}"}]} for i in range(2000)}
    chain["d2000"] = {"type": "string"}
    _schema_chart(b, "ref-chain-2000-allof", {"$defs": chain, "$ref": "#/$defs/d0"}, "a: 1\n")
    # values as deep as the values reader allows, under a recursive schema (Helm accepts)
    deep = "".join(" " * i + "a:\n" for i in range(190)) + " " * 190 + "a: 1\n"
    _schema_chart(b, "deep-values-recursive-schema",
                  {"additionalProperties": {"anyOf": [{"$ref": "#"}, {"type": "integer"}]}}, deep)
    _schema_chart(b, "deep-257", '{"properties": {"a": ' * 128 + '{"type": "string"}' + "}}" * 128, "a: x\n")
    _schema_chart(b, "deep-json-10000", "[" * 10000 + "]" * 10000, "a: 1\n")  # Helm: not a schema
    _schema_chart(b, "deep-json-10001-unclosed", "[" * 10001, "a: 1\n")  # Helm: exceeded max depth
    _schema_chart(b, "deep-strings-not-counted", {"description": "[" * 100_000, "properties": {"a": {}}}, "a: 1\n")


def _bigint(b: Any) -> None:
    for digits in (4301, 50000):
        n = "1" + "0" * (digits - 1)
        # Helm: a bound of any length is exact; the value 5 is below it
        _schema_chart(b, f"schema-max-{digits}-small-value", '{"properties": {"a": {"maximum": %s}}}' % n, "a: 5\n")
        _schema_chart(b, f"schema-enum-{digits}", '{"properties": {"a": {"enum": [%s, 5]}}}' % n, "a: 5\n")
    # Helm: 1e19 wraps to a negative int64, so every string is too long
    _schema_chart(b, "schema-maxlength-1e19", _props(a={"maxLength": 10_000_000_000_000_000_000}), "a: x\n")
    # Helm: Go cannot read 1e-1000001, and its meta-schema check dereferences nil: a runtime error
    _schema_chart(b, "schema-multipleof-tiny", '{"properties": {"a": {"multipleOf": 1e-1000001}}}', "a: 1\n")
    _schema_chart(b, "schema-multipleof-1e-999999", '{"properties": {"a": {"multipleOf": 1e-999999}}}', "a: 1\n")
    # Helm: a bound Go cannot read is ignored
    _schema_chart(b, "schema-minimum-huge-exponent", '{"properties": {"a": {"minimum": 1e1000001}}}', "a: 1\n")
    _schema_chart(b, "schema-exponent-overflow", '{"properties": {"a": {"maximum": 1e99999999999999999999}}}',
                  "a: 1\n")
    # Helm: 21 enum items hashed by the draft-04 meta-schema's uniqueItems, one Go cannot read: a runtime error
    enum = ",".join(["1e1000001"] + [str(i) for i in range(20)])
    _schema_chart(b, "schema-draft4-enum-bad-number", '{"$schema": "%s", "enum": [%s]}' % (D4, enum), "a: 1\n")
    _schema_chart(b, "schema-number-4mb", '{"properties": {"a": {"maximum": %s}}}' % ("9" * 4_000_000), "a: 1\n")


def _encoding(b: Any) -> None:
    # Helm: a lone surrogate escape and an invalid byte in a string are U+FFFD, which the value matches
    _schema_chart(b, "schema-enum-surrogate", b'{"properties": {"a": {"enum": ["\\ud800"]}}}', 'a: "\\uFFFD"\n')
    _schema_chart(b, "schema-enum-invalid-utf8", b'{"properties": {"a": {"const": "\xff\xfe"}}}',
                  'a: "\\uFFFD\\uFFFD"\n')
    _schema_chart(b, "schema-key-cesu", b'{"properties": {"\xed\xa0\x80": {"type": "string"}}}', "a: 1\n")
    _schema_chart(b, "schema-pattern-surrogate", b'{"properties": {"a": {"pattern": "^\\udc00$"}}}', "a: x\n")
    _schema_chart(b, "schema-utf16", '{"type": "object"}'.encode("utf-16"), "a: 1\n")
    _schema_chart(b, "schema-utf32", '{"type": "object"}'.encode("utf-32"), "a: 1\n")
    _schema_chart(b, "schema-bom-twice", b"\xef\xbb\xbf\xef\xbb\xbf{}", "a: 1\n")
    _schema_chart(b, "schema-invalid-utf8-outside", b'{"type": \xff"object"}', "a: 1\n")


def _quadratic(b: Any) -> None:
    items = "".join(f"  - {{k: {i}, v: [{{x: [{i}, a]}}]}}\n" for i in range(8000))
    _schema_chart(b, "unique-nested-objects", _props(l={"uniqueItems": True}), "l:\n" + items)
    floats = "".join(f"  - {i}.5\n" for i in range(8000)) + "  - 1.50\n"
    _schema_chart(b, "unique-floats-duplicate", _props(l={"uniqueItems": True}), "l:\n" + floats)
    enum = list(range(100_000))
    _schema_chart(b, "enum-100k-by-20k", {"properties": {"l": {"items": {"enum": enum}}}},
                  "l: [" + ", ".join(str(i * 3) for i in range(5000)) + "]\n")
    required = [f"r{i}" for i in range(20_000)]
    _schema_chart(b, "required-20k-by-2k", {"properties": {"l": {"items": {"required": required}}}},
                  "l:\n" + "".join(f"  - {{r{i}: 1}}\n" for i in range(2000)))
    _schema_chart(b, "properties-3k-by-2k", {"properties": {"l": {"items": {"properties": {
        f"p{i}": {"type": "string"} for i in range(3000)}}}}}, "l:\n" + "".join("  - {p1: x}\n" for _ in range(2000)))
    _schema_chart(b, "anyof-1000-by-1000", {"properties": {"l": {"items": {"anyOf": [{"const": i} for i in range(1000)]}}}},
                  "l: [" + ", ".join("-1" for _ in range(1000)) + "]\n")
    # every failing branch would quote the whole list in jsonschema's messages
    big = "l: [" + ", ".join(str(i) for i in range(20_000)) + "]\n"
    _schema_chart(b, "messages-quote-big-value", _props(l={"anyOf": [{"minItems": 10 ** 6 + i} for i in range(300)]}),
                  big)
    _schema_chart(b, "schema-objects-20k", _props(**{f"p{i}": {"type": "string", "description": "x"}
                                                     for i in range(20000)}), "p1: x\n")
    _schema_chart(b, "const-big", _props(l={"const": list(range(20_001))}), big)
    _schema_chart(b, "format-uri-long", {"$schema": D7, "properties": {"s": {"anyOf": [{"format": "uri"}] * 200}}},
                  "s: http://" + "a" * 200_000 + "\n")
    _schema_chart(b, "big-values-simple-schema", {"additionalProperties": {"type": "integer"}},
                  "".join(f"k{i}: {i}\n" for i in range(20_000)))


_EXTRA: Dict[str, Callable[[Any], None]] = {
    "regex": _regex, "recursion": _recursion, "bigint": _bigint, "encoding": _encoding, "quadratic": _quadratic,
}


def extend(b: Any, cls: str) -> None:
    """Add this module's cases of class ``cls`` to the builder (the builder's class is ``cls``)."""
    generate = _EXTRA.get(cls)
    if generate is not None:
        generate(b)
