"""What a chart's templates can read from ``.Values``: the value paths Helm's templates reach, over-approximated, never under.

:func:`scan_templates` runs an abstract interpretation of every template of a
chart and its subcharts (Go ``text/template`` with Helm's and Sprig's
functions; the values it follows are in ``template_values.py``, the result in
``template_paths.py``, the lexer in ``template_lex.py``):

* ``.Values.a.b``, ``$.Values``, ``$root.Values`` (any variable holding the
  top object), ``index .Values "a" "b"``, ``get``, ``hasKey``, ``pluck``,
  ``dig``, ``default``/``coalesce``/``and``/``or``/``ternary``/``required``
  and ``merge`` into a new ``dict`` (which return one of their arguments)
  are followed to the paths they read; so are the values in a ``list`` and
  known strings (``list "a" "b"``, ``splitList "." "a.b"``, what a named
  template prints when that is one known string) used as keys;
* ``with`` moves dot to its value, ``range`` to an element of it (a path
  with :data:`ANY` for the element's key or index), variables (``:=``, ``=``,
  ``range $k, $v :=``) carry values with Go's scoping; a values path
  assigned in a loop to a variable from outside it gets :data:`DEEP` (later
  turns walk further down);
* ``define``/``template``/``include``/``block`` run the named template with
  the context it is called with (a values subtree, the top object, a ``dict``
  of those), once per name and context; ``include`` of a name built from
  ``.Template.BasePath`` runs that chart's template files; any other computed
  name runs every named template; subcharts' templates read under the
  subchart's key (every alias it is declared under) and ``global``;
  dependency conditions and tags count as reads;
* whatever leaves that tracking makes the whole subtree it stands for
  *open*: a value printed (``{{ .Values.a }}``), passed to ``toYaml``,
  ``tpl``, ``printf``, ``set``, or any function not modelled, a map ranged
  over with its element used whole, an index by a computed key. ``tpl`` with
  the top object as context runs the values' own template strings (the
  chart's defaults and ``extra_texts``) as templates too.

The scan is linear per template run and bounded: no recursion on template
input (pipelines are evaluated with an explicit stack; named-template calls
are memoized and depth-capped), abstract values of bounded size, and a work
budget (:class:`ScanLimits`). A template Helm would refuse to parse, or a scan
over budget, gives a result with ``complete=False``, which callers must not
use to call a key unread.
"""

from __future__ import annotations

import posixpath
import re
from typing import Dict, Iterable, Iterator, List, Optional, Sequence, Set, Tuple

from profile_render.helm.chart import Chart
from profile_render.helm.template_lex import (
    CONST, DECLARE, ASSIGN, COMMA, DOT, FIELD, IDENT, KEYWORD, LPAREN, NUMBER, PIPE, RPAREN, STRING, VAR,
    Action, Token, lex_actions,
)
from profile_render.helm.template_paths import ANY, DEEP, Path, TemplateReads
from profile_render.helm.template_values import (
    Abstract, Exhausted, ListValue, Operand, Refused, ScanLimits, TemplatePath, Texts, Top, ValueTracker, size_of,
)

__all__ = ["ANY", "DEEP", "ScanLimits", "TemplateReads", "scan_templates"]


# Functions returning one of their arguments: the result is the union of them.
_PASS = frozenset({"default", "coalesce", "and", "or", "deepCopy", "mustDeepCopy", "rest", "initial", "reverse",
                   "mustRest", "mustInitial", "mustReverse", "uniq", "mustUniq", "compact", "mustCompact",
                   "sortAlpha"})
# Functions that only look at their arguments (compare, test, measure): nothing is opened.
_LOOK = frozenset({"not", "eq", "ne", "lt", "le", "gt", "ge", "empty", "kindIs", "typeIs", "typeIsLike", "kindOf",
                   "typeOf", "deepEqual", "contains", "hasPrefix", "hasSuffix", "semverCompare", "regexMatch",
                   "mustRegexMatch", "fail", "len", "has", "mustHas", "isAbs"})


class _Vars:
    """Template variables with Go's scoping: a stack of values per name, so lookups cost the same at any depth."""

    def __init__(self, dot: Abstract) -> None:
        self.stacks: Dict[str, List[Tuple[int, Abstract]]] = {"$": [(0, dot)]}  # name -> (scope level, value)
        self.scopes: List[Set[str]] = [{"$"}]  # the names each open scope declared
        self.loops: List[int] = []  # scope levels of the open range bodies

    def push(self) -> int:
        """Open a scope; returns its level."""
        self.scopes.append(set())
        return len(self.scopes) - 1

    def pop_to(self, level: int) -> Dict[str, Abstract]:
        """Close the scopes from ``level`` on; returns what they declared (innermost wins)."""
        closed: Dict[str, Abstract] = {}
        while len(self.scopes) > level:
            for name in self.scopes.pop():
                closed.setdefault(name, self.stacks[name].pop()[1])
        while self.loops and self.loops[-1] >= level:
            self.loops.pop()
        return closed

    def declared(self, name: str) -> bool:
        return bool(self.stacks.get(name))

    def lookup(self, name: str) -> Abstract:
        stack = self.stacks.get(name)
        if not stack:
            raise Refused(f"undefined variable {name}")
        return stack[-1][1]

    def bind(self, names: Sequence[str], how: str, value: Abstract, scanner: "_Scanner") -> None:
        """Declare (``:=``, in the innermost scope) or assign (``=``, where declared: either value may be there).

        An assignment in a range body to a variable declared outside it runs
        again on the next element, deriving longer paths from this value each
        time: the value is widened to cover them all (:meth:`_Scanner.widen`).
        """
        level = len(self.scopes) - 1
        for name in names:
            stack = self.stacks.setdefault(name, [])
            if how == DECLARE:
                if name in self.scopes[-1]:
                    stack[-1] = (level, value)
                else:
                    self.scopes[-1].add(name)
                    stack.append((level, value))
            elif not stack:
                raise Refused(f"undefined variable {name}")
            else:
                declared_at, old = stack[-1]
                if self.loops and declared_at < self.loops[-1]:
                    value = scanner.widen(value)
                stack[-1] = (declared_at, scanner.union([old, value]))


class _Scanner(ValueTracker):
    """One scan of a chart tree: the named templates, the reads and open prefixes found so far, the budget."""

    def __init__(self, limits: ScanLimits) -> None:
        super().__init__(limits)
        self.files: List[Tuple[str, str]] = []  # (name, text)
        self.defines: Dict[str, List[Tuple[int, int, int, int]]] = {}  # name -> (file, start, end, line)
        self.done: Set[Tuple[str, Abstract]] = set()
        self.contexts: Dict[str, int] = {}  # name -> contexts followed
        self.position_files: Dict[Path, List[int]] = {}  # chart position -> its files run as templates
        self.files_done: Set[Tuple[int, Abstract]] = set()  # (file, context) already run
        self.results: Dict[Tuple[str, Abstract], Abstract] = {}  # what a named template printed, when known
        self.printed: List[List[Abstract]] = []  # per run: the values printed, None for text or anything unknown
        self.lexed: Dict[Tuple[int, int, int], List[Action]] = {}
        self.kept = 0  # characters whose actions are kept in lexed
        self.depth = 0

    # -- named templates

    def invoke(self, name: str, context: Abstract) -> Abstract:
        """Run the named template with ``context`` as dot (once per name and context); returns what it prints.

        The result is tracked only when the template prints one known string
        and nothing else (``common.utils.getKeyFromList`` prints a key name).
        """
        spans = self.defines.get(name)
        if not spans or (name, context) in self.done:
            return self.results.get((name, context))
        runs = self.contexts.get(name, 0)
        if self.depth >= self.limits.max_call_depth or runs >= self.limits.max_contexts_per_template:
            self.open(context)
            return None
        self.charge(size_of(context))  # hashing and comparing contexts costs their size
        self.contexts[name] = runs + 1
        self.done.add((name, context))
        self.depth += 1
        printed: List[Abstract] = []
        try:
            for index, start, end, line in spans:
                printed.append(self.run(index, start, end, line, context))
        finally:
            self.depth -= 1
        result = self.union(printed) if all(isinstance(v, Texts) for v in printed) else None
        self.results[(name, context)] = result
        return result

    def run_files(self, prefix: Path, context: Abstract) -> None:
        """``include`` of a template file of the chart at ``prefix`` by a name built from ``.Template``."""
        for index in self.position_files.get(prefix, ()):
            if (index, context) in self.files_done:
                continue
            if self.depth >= self.limits.max_call_depth:
                self.open(context)
                return
            self.files_done.add((index, context))
            self.depth += 1
            try:
                self.run(index, 0, len(self.files[index][1]), 1, context)
            finally:
                self.depth -= 1

    def invoke_any(self, context: Abstract) -> None:
        """``include`` with a computed name: any named template may run with this context."""
        for name in sorted(self.defines):
            self.invoke(name, context)

    # -- functions

    def call(self, name: str, args: List[Operand]) -> Abstract:
        values = [self.value(op) for op in args]
        if name == "include":
            context = values[1] if len(values) > 1 else None
            for extra in values[2:]:
                self.open(extra)
            if args and args[0][0] == "c" and isinstance(args[0][1], str):
                return self.invoke(args[0][1], context)
            if values and isinstance(values[0], TemplatePath):
                self.run_files(values[0].prefix, context)  # include (print $.Template.BasePath "/x.yaml") .
            else:
                self.invoke_any(context)
            return None
        if name == "tpl":
            if values:
                self.open(values[0])
            for v in values[1:]:
                self.tpl_context(v)
            return None
        if name in _PASS:
            return self.union(values)
        if name in _LOOK:
            return None
        if name in ("list", "tuple") and args:
            known = [self.texts(op) for op in args]
            if all(k is not None for k in known):
                return self.make_texts(t for k in known for t in k or ())
            members = frozenset(v for v in values if v is not None)
            size = 1 + sum(size_of(v) for v in members)
            if size <= self.limits.max_value_size:
                return ListValue(members, size) if members else None
        if name in ("split", "splitList", "mustSplitList") and len(args) == 2:
            separators, texts = self.texts(args[0]), self.texts(args[1])
            if separators is not None and texts is not None and len(separators) == 1:
                (separator,) = separators
                return self.make_texts(part for text in texts for part in (text.split(separator) if separator
                                                                           else list(text)))
        if name in ("print", "printf") and len(args) == 1 + (name == "printf") and isinstance(values[-1], Texts) \
                and (name == "print" or args[0] in (("c", "%s"), ("c", "%v"))):
            return values[-1]  # printf "%s" of one known string is that string
        if name in ("print", "printf", "cat"):
            paths = [v for v in values if isinstance(v, TemplatePath)]
            for v in values:
                self.open(v)
            return paths[0] if paths else None
        if name == "required":
            return values[-1] if values else None
        if name == "ternary":
            return self.union(values[:2])
        if name in ("first", "last", "mustFirst", "mustLast"):
            return self.union(self.any_key(v) for v in values)
        if name == "index" and args:
            return self.index(values[0], args[1:])
        if name in ("get", "hasKey") and len(args) == 2:
            found = self.index(values[0], args[1:])
            return found if name == "get" else None
        if name == "pluck" and args:
            return self.union(self.index(v, args[:1]) for v in values[1:])
        if name == "dig" and len(args) >= 3:
            return self.union([self.index(values[-1], args[:-2]), values[-2]])
        if name == "dict":
            return self.make_dict(args)
        if name in ("merge", "mergeOverwrite", "mustMerge", "mustMergeOverwrite") and args:
            # The result is the first dict with the others' keys added: a key's value comes from one of them.
            # A dict that something else refers to changes for them too, so the others are opened then.
            if args[0][0] != "f":
                for v in values[1:]:
                    self.open(v)
            return self.union(values)
        if name == "set" and len(args) == 3:
            self.open(values[2])
            return values[0]
        for v in values:
            self.open(v)
        return None

    # -- pipelines

    def command(self, ops: List[Operand]) -> Abstract:
        head = ops[0]
        if head[0] == "i":
            return self.call(str(head[1]), ops[1:])
        if len(ops) == 1:
            return self.value(head)
        for op in ops:  # arguments given to a non-function (a method such as .Files.Get)
            self.open(self.value(op))
        return None

    def pipeline(self, tokens: Sequence[Token], i: int, dot: Abstract, variables: _Vars) -> Tuple[List[str], str, Abstract]:
        """Evaluate the pipeline at ``tokens[i:]``: (declared variables, ":=" or "=" or "", value)."""
        stack: List[Tuple[List[str], str, List[Operand], List[Operand]]] = []  # (decl, how, ops, carried value)
        decl, how, i = _declaration(tokens, i)
        stack.append((decl, how, [], []))
        prev = ""
        n = len(tokens)
        while i < n:
            token = tokens[i]
            kind = token.kind
            ops = stack[-1][2]
            if kind == FIELD:
                name = str(token.value)
                if not token.spaced and prev in (VAR, FIELD, RPAREN) and ops:
                    ops[-1] = ("v", self.field(self.value(ops[-1]), name))
                else:
                    ops.append(("v", self.field(dot, name)))
            elif kind == VAR:
                ops.append(("v", variables.lookup(str(token.value))))
            elif kind == DOT:
                ops.append(("v", dot))
            elif kind in (STRING, NUMBER, CONST):
                ops.append(("c", token.value if kind != CONST else None))
            elif kind == IDENT:
                ops.append(("i", token.value))
            elif kind == LPAREN:
                if len(stack) >= self.limits.max_paren_depth:
                    raise Exhausted("parentheses nested deeper than the scan allows")
                decl, how, i = _declaration(tokens, i + 1)
                stack.append((decl, how, [], []))
                prev = LPAREN
                continue
            elif kind == RPAREN:
                if len(stack) == 1:
                    raise Refused("unexpected right paren")
                inner = stack.pop()
                value = self.finish(inner[2], inner[3])
                variables.bind(inner[0], inner[1], value, self)
                stack[-1][2].append((_tag(inner[2], inner[0]), value))
            elif kind == PIPE:
                if not ops:
                    raise Refused("missing command before |")
                carried = stack[-1][3]
                carried[:] = [(_tag(ops, ()), self.command(ops + carried))]
                ops.clear()
            else:
                raise Refused(f"unexpected {token.text or kind} in a pipeline")
            prev = kind
            i += 1
        if len(stack) != 1:
            raise Refused("unclosed left paren")
        outer = stack[0]
        return outer[0], outer[1], self.finish(outer[2], outer[3])

    def finish(self, ops: List[Operand], carried: List[Operand]) -> Abstract:
        if not ops:
            raise Refused("missing value for command")
        return self.command(ops + carried)

    # -- running a template

    def actions(self, index: int, start: int, end: int, line: int) -> Iterable[Action]:
        """The actions of a slice of a file; a small slice (a named template's body) is lexed once and kept."""
        key = (index, start, end)
        cached = self.lexed.get(key)
        if cached is not None:
            return cached
        self.charge((end - start) // 8 + 1)  # lexing, comments included
        found = lex_actions(self.files[index][1], start, end, max_tokens=self.limits.max_tokens_per_action, line=line)
        if end - start > self.limits.max_kept_text or self.kept + end - start > 8 * self.limits.max_kept_text:
            return found
        self.kept += end - start
        kept = list(found)
        self.lexed[key] = kept
        return kept

    def run(self, index: int, start: int, end: int, line: int, dot: Abstract) -> Abstract:
        """Follow the actions of ``files[index][start:end]`` with ``dot`` as the starting context.

        Returns what the run prints when that is one known string and nothing
        else (white space and comments aside), None otherwise.
        """
        self.printed.append([])
        try:
            self.follow(index, start, end, line, dot)
            printed = self.printed[-1]
        finally:
            self.printed.pop()
        return printed[0] if len(printed) == 1 and isinstance(printed[0], Texts) else None

    def note_printed(self, value: Abstract) -> None:
        """Record a value the current run prints (two are enough to know its output is not one known string)."""
        if len(self.printed[-1]) < 2:
            self.printed[-1].append(value)

    def follow(self, index: int, start: int, end: int, line: int, dot: Abstract) -> None:
        name, text = self.files[index]
        variables = _Vars(dot)
        frames: List[Tuple[Abstract, int]] = []  # (dot outside, level of the control's own scope)
        skip = 0
        block: Optional[Tuple[str, Abstract]] = None
        previous = start
        for action in self.actions(index, start, end, line):
            if len(self.printed[-1]) < 2 and _COMMENT.sub("", text[previous:action.start]).strip():
                self.note_printed(None)  # literal text is printed too
            previous = action.end
            self.charge(len(action.tokens) + 1)
            if action.broken:
                raise Refused(f"{name}:{action.line}: {action.broken}")
            tokens = action.tokens
            if not tokens:
                raise Refused(f"{name}:{action.line}: missing value for command")
            word = tokens[0].value if tokens[0].kind == KEYWORD else None
            try:
                if skip:
                    if word in ("if", "with", "range", "define", "block"):
                        skip += 1
                    elif word == "end":
                        skip -= 1
                        if not skip and block is not None:
                            self.note_printed(self.invoke(*block))
                            block = None
                    continue
                dot, skip, block = self.step(tokens, word, dot, variables, frames)
            except Refused as exc:
                raise Refused(f"{name}:{action.line}: {exc}") from None
        if frames or skip:
            raise Refused(f"{name}: unexpected EOF (an action is not closed by {{{{ end }}}})")
        if len(self.printed[-1]) < 2 and _COMMENT.sub("", text[previous:end]).strip():
            self.note_printed(None)

    def step(self, tokens: Sequence[Token], word: Optional[object], dot: Abstract, variables: _Vars,
             frames: List[Tuple[Abstract, int]]) -> Tuple[Abstract, int, Optional[Tuple[str, Abstract]]]:
        """Follow one action; returns the new dot, how many ``end``s to skip (a definition) and a block to run."""
        if word is None:
            decl, how, value = self.pipeline(tokens, 0, dot, variables)
            if decl:
                variables.bind(decl, how, value, self)
            else:
                self.open(value)  # printed
                self.note_printed(value)
            return dot, 0, None
        if word in ("if", "with", "range"):
            frames.append((dot, variables.push()))
            decl, how, value = self.pipeline(tokens, 1, dot, variables)
            inner = dot
            if word == "range":
                element = self.any_key(value)
                if len(decl) == 2:
                    variables.bind(decl[:1], how, None, self)
                    variables.bind(decl[1:], how, element, self)
                else:
                    variables.bind(decl, how, element, self)
                inner = element
                variables.loops.append(len(variables.scopes))  # the body's scope, pushed below
            else:
                variables.bind(decl, how, value, self)
                if word == "with":
                    inner = value
            variables.push()
            return inner, 0, None
        if word == "else":
            if not frames:
                raise Refused("unexpected {{else}}")
            outer, own = frames[-1]
            # Go's parser keeps a branch's variables visible until {{end}}; at run time a name declared
            # outside wins, and one declared only in the branch above is unset (any value will do).
            branch = variables.pop_to(own + 1)
            variables.push()
            for name, value in branch.items():
                if not variables.declared(name):
                    variables.bind([name], DECLARE, value, self)
            if len(tokens) > 1 and tokens[1].kind == KEYWORD and tokens[1].value in ("if", "with"):
                decl, how, value = self.pipeline(tokens, 2, outer, variables)
                variables.bind(decl, how, value, self)
                return (value if tokens[1].value == "with" else outer), 0, None
            return outer, 0, None
        if word == "end":
            if not frames:
                raise Refused("unexpected {{end}}")
            outer, own = frames.pop()
            variables.pop_to(own)
            return outer, 0, None
        if word in ("define", "block", "template"):
            if len(tokens) < 2 or tokens[1].kind != STRING:
                raise Refused(f"{word} needs a constant template name")
            name = str(tokens[1].value)
            context = self.pipeline(tokens, 2, dot, variables)[2] if len(tokens) > 2 else None
            if word == "template":
                self.note_printed(self.invoke(name, context))
                return dot, 0, None
            return dot, 1, ((name, context) if word == "block" else None)
        return dot, 0, None  # break, continue


_COMMENT = re.compile(r"\{\{-?\s*/\*.*?\*/\s*-?\}\}", re.DOTALL)


def _tag(ops: Sequence[Operand], declared: Sequence[str]) -> str:
    """The tag of a command's result: "f" for a ``dict`` just made and not stored in a variable."""
    return "f" if ops and ops[0] == ("i", "dict") and not declared else "v"


def _declaration(tokens: Sequence[Token], i: int) -> Tuple[List[str], str, int]:
    """A pipeline's leading ``$x :=`` / ``$x =`` / ``$k, $v :=``: (names, operator, index after it)."""
    n = len(tokens)
    if i + 1 < n and tokens[i].kind == VAR and tokens[i + 1].kind in (DECLARE, ASSIGN):
        return [str(tokens[i].value)], tokens[i + 1].kind, i + 2
    if (i + 3 < n and tokens[i].kind == VAR and tokens[i + 1].kind == COMMA and tokens[i + 2].kind == VAR
            and tokens[i + 3].kind in (DECLARE, ASSIGN)):
        return [str(tokens[i].value), str(tokens[i + 2].value)], tokens[i + 3].kind, i + 4
    return [], "", i


# -- the chart tree --------------------------------------------------------------


def _positions(chart: Chart, limits: ScanLimits) -> List[Tuple[Path, Chart]]:
    """Every chart of the tree with the value path it lives under, once per alias it is declared with."""
    out: List[Tuple[Path, Chart]] = []
    pending: List[Tuple[Path, Chart]] = [((), chart)]
    while pending:
        prefix, here = pending.pop()
        out.append((prefix, here))
        if len(out) > limits.max_positions:
            raise Exhausted("the chart tree has more subchart positions than the scan allows")
        declared = here.declared or ()
        for sub in here.dependencies:
            names = [dep.effective_name for dep in declared if dep.name == sub.name] or [sub.name]
            for key in dict.fromkeys(names):
                pending.append((prefix + (key,), sub))
    return out


def _template_strings(tree: object) -> Iterator[str]:
    """Strings in a values tree that hold a template action (``tpl`` may run them)."""
    pending = [tree]
    while pending:
        node = pending.pop()
        if isinstance(node, str):
            if "{{" in node:
                yield node
        elif isinstance(node, dict):
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)


def _collect_defines(scanner: _Scanner, index: int) -> None:
    """Record where each ``define``/``block`` body of a file starts and ends."""
    name, text = scanner.files[index]
    scanner.charge(len(text) // 8 + 1)
    stack: List[Optional[Tuple[str, int, int]]] = []
    for action in lex_actions(text, max_tokens=scanner.limits.max_tokens_per_action):
        scanner.charge(len(action.tokens) + 1)
        if action.broken:
            raise Refused(f"{name}:{action.line}: {action.broken}")
        tokens = action.tokens
        word = tokens[0].value if tokens and tokens[0].kind == KEYWORD else None
        if word in ("define", "block"):
            if len(tokens) < 2 or tokens[1].kind != STRING:
                raise Refused(f"{name}:{action.line}: {word} needs a constant template name")
            stack.append((str(tokens[1].value), action.end, action.line))
        elif word in ("if", "with", "range"):
            stack.append(None)
        elif word == "end":
            if not stack:
                raise Refused(f"{name}:{action.line}: unexpected {{{{end}}}}")
            opened = stack.pop()
            if opened is not None:
                scanner.defines.setdefault(opened[0], []).append((index, opened[1], action.start, opened[2]))
    if stack:
        raise Refused(f"{name}: unexpected EOF (an action is not closed by {{{{ end }}}})")


def scan_templates(chart: Chart, *, extra_texts: Sequence[str] = (),
                   limits: Optional[ScanLimits] = None) -> TemplateReads:
    """The value paths the templates of ``chart`` and its subcharts read, and the prefixes opened.

    ``extra_texts`` are more strings ``tpl`` may run (a Profile's values):
    they count only when a template calls ``tpl`` with the top object as
    context, like the chart's own default strings. A chart without known
    templates (a bare values file) gives an incomplete result.
    """
    limits = limits or ScanLimits()
    scanner = _Scanner(limits)
    if chart.templates is None:
        return TemplateReads(complete=False, problems=("the chart's templates are not known",))
    problems: List[str] = []
    try:
        positions = _positions(chart, limits)
        seen: Dict[int, List[int]] = {}
        for _prefix, here in positions:
            if id(here) in seen:
                continue
            seen[id(here)] = []
            for name, text in here.templates or ():
                scanner.files.append((posixpath.join(here.name, name), text))
                seen[id(here)].append(len(scanner.files) - 1)
                _collect_defines(scanner, len(scanner.files) - 1)
        for prefix, here in positions:
            for dep in here.declared or ():
                for condition in dep.condition.split(","):
                    if condition.strip():
                        scanner.read(prefix + tuple(condition.strip().split(".")))
                for tag in dep.tags:
                    scanner.read(("tags", tag))
            scanner.position_files[prefix] = [index for index in seen[id(here)]  # partials only define templates
                                              if not posixpath.basename(scanner.files[index][0]).startswith("_")]
        for prefix, _here in positions:
            scanner.run_files(prefix, Top(prefix))
        texts: List[str] = []
        for _prefix, here in positions:
            texts.extend(_template_strings(here.values))
        texts.extend(t for t in extra_texts if "{{" in t)
        first = len(scanner.files)
        scanner.files.extend(("(a template string in the values)", text) for text in dict.fromkeys(texts))
        done: Set[Path] = set()
        while scanner.tpl_roots - done:
            root = min(scanner.tpl_roots - done)
            done.add(root)
            for index in range(first, len(scanner.files)):
                try:
                    scanner.run(index, 0, len(scanner.files[index][1]), 1, Top(root))
                except Refused:
                    pass  # a string tpl would refuse is not run by a working chart
    except (Refused, Exhausted) as exc:
        problems.append(str(exc))
    return TemplateReads(frozenset(scanner.reads), frozenset(scanner.opened), not problems, tuple(problems),
                         frozenset(scanner.tpl_roots))
