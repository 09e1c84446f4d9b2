"""v6's ``format`` checks with Go's semantics (``net/url``, ``net/netip``, ``time``, ``strconv``, ``regexp``).

Each check returns ``None`` when the string is of the format, else the reason
v6 gives. Helm asserts formats only under drafts 4, 6 and 7 (see
:mod:`profile_render.helm.schema.drafts`); unknown formats are ignored.
"""

from __future__ import annotations

import re
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Callable, Dict, Iterator, Mapping, Optional

from profile_render.errors import LimitExceededError
from profile_render.helm.schema.errors import echo
from profile_render.helm.schema.regex import SYNTAX_CHECK_COST, RegexCache, pattern_shape

if TYPE_CHECKING:  # pragma: no cover
    from profile_render.helm.schema.limits import SchemaLimits
    from profile_render.helm.schema.runs import Runs

__all__ = ["FormatCheck", "FORMATS", "FormatReason", "format_checks", "format_checker", "format_keyword"]

#: A format check: None when the string is of the format, else why not.
FormatCheck = Callable[[str], Optional[str]]


def _go_atoi(text: str) -> Optional[int]:
    """Go's strconv.Atoi: optional sign, ASCII digits, int64 range; None on error."""
    if not re.fullmatch(r"[+-]?[0-9]+", text):
        return None
    value = int(text)
    if not -(2**63) <= value < 2**63:
        return None
    return value


def _f_ipv4(s: str) -> Optional[str]:
    groups = s.split(".")
    if len(groups) != 4:
        return "expected four decimals"
    for group in groups:
        if len(group) > 1 and group[0] == "0":
            return "leading zeros"
        n = _go_atoi(group)
        if n is None:
            return f"strconv.Atoi: parsing {group!r}: invalid syntax"
        if n < 0 or n > 255:
            return "decimal must be between 0 and 255"
    return None


def _f_ipv6(s: str) -> Optional[str]:
    import ipaddress

    if ":" not in s:
        return "missing colon"
    if "%" in s:
        head, _, zone = s.partition("%")
        if not zone:
            return "ParseAddr: zone must be a non-empty string"
        try:
            ipaddress.IPv6Address(head)
        except ValueError as exc:
            return f"ParseAddr({s!r}): {exc}"
        return "zone id is not a part of ipv6 address"
    try:
        ipaddress.IPv6Address(s)
    except ValueError as exc:
        return f"ParseAddr({s!r}): {exc}"
    return None


def _f_hostname(s: str) -> Optional[str]:
    if s.endswith("."):
        s = s[:-1]
    if len(s.encode()) > 253:
        return "more than 253 characters long"
    for label in s.split("."):
        n = len(label.encode())
        if n < 1 or n > 63:
            return "label must be 1 to 63 characters long"
        if label.startswith("-"):
            return "label starts with hyphen"
        if label.endswith("-"):
            return "label ends with hyphen"
        for ch in label:
            if not (ch.isascii() and (ch.isalnum() or ch == "-")):
                return f"invalid character {ch!r}"
    return None


_EMAIL_LOCAL_EXTRA = set(".!#$%&'*+-/=?^_`{|}~")


def _f_email(s: str) -> Optional[str]:
    if len(s.encode()) > 254:
        return "more than 255 characters long"
    at = s.rfind("@")
    if at == -1:
        return "missing @"
    local, domain = s[:at], s[at + 1:]
    if len(local.encode()) > 64:
        return "local part more than 64 characters long"
    if len(local) > 1 and local.startswith('"'):
        inner = local[1:-1]
        if "\\" in inner or '"' in inner:
            return "backslash and quote are not allowed within quoted local part"
    else:
        if local.startswith("."):
            return "starts with dot"
        if local.endswith("."):
            return "ends with dot"
        if ".." in local:
            return "consecutive dots"
        for ch in local:
            if not ((ch.isascii() and ch.isalnum()) or ch in _EMAIL_LOCAL_EXTRA):
                return f"invalid character {ch!r}"
    if domain.startswith("[") and domain.endswith("]"):
        inner = domain[1:-1]
        if inner.startswith("IPv6:"):
            reason = _f_ipv6(inner[len("IPv6:"):])
            return None if reason is None else f"invalid ipv6 address: {reason}"
        reason = _f_ipv4(inner)
        return None if reason is None else f"invalid ipv4 address: {reason}"
    reason = _f_hostname(domain)
    return None if reason is None else f"invalid domain: {reason}"


def _days_in(month: int, year: int) -> int:
    if month == 2:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        return 29 if leap else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _f_date(s: str) -> Optional[str]:
    m = re.fullmatch(r"([0-9]{4})-([0-9]{2})-([0-9]{2})", s)
    if m is None:
        return f'parsing time "{s}" as "2006-01-02": cannot parse'
    year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if not 1 <= month <= 12:
        return f'parsing time "{s}": month out of range'
    if not 1 <= day <= _days_in(month, year):
        return f'parsing time "{s}": day out of range'
    return None


def _f_time(s: str) -> Optional[str]:
    if not s.isascii():
        return "invalid character"
    if len(s) < 9:
        return "less than 9 characters long"
    if s[2] != ":" or s[5] != ":":
        return "missing colon in correct place"
    hms = []
    for tok in s[:8].split(":", 2):
        n = _go_atoi(tok)
        if n is None:
            return "invalid hour/min/sec"
        if n < 0:
            return "non-positive hour/min/sec"
        hms.append(n)
    if len(hms) != 3:
        return "missing hour/min/sec"
    h, mi, sec = hms
    if h > 23 or mi > 59 or sec > 60:
        return "hour/min/sec out of range"
    rest = s[8:]
    if rest.startswith("."):
        digits = len(rest[1:]) - len(rest[1:].lstrip("0123456789"))
        if digits == 0:
            return "no digits in second fraction"
        rest = rest[1 + digits:]
    if rest not in ("z", "Z"):
        if len(rest) != 6:
            return "offset must be 6 characters long"
        if rest[0] == "+":
            sign = -1
        elif rest[0] == "-":
            sign = 1
        else:
            return "offset must begin with plus/minus"
        rest = rest[1:]
        if rest[2] != ":":
            return "missing colon in offset in correct place"
        zhm = []
        for tok in rest.split(":", 1):
            n = _go_atoi(tok)
            if n is None:
                return "invalid hour/min in offset"
            if n < 0:
                return "non-positive hour/min in offset"
            zhm.append(n)
        zh, zm = zhm
        if zh > 23 or zm > 59:
            return "hour/min in offset out of range"
        hm = (h * 60 + mi) + sign * (zh * 60 + zm)
        if hm < 0:
            hm += 24 * 60
        h, mi = hm // 60, hm % 60
    if sec >= 60 and (h != 23 or mi != 59):
        return "invalid leap second"
    return None


def _f_date_time(s: str) -> Optional[str]:
    if len(s.encode()) < 20:
        return "less than 20 characters long"
    if not s.isascii():
        return "invalid character"
    if s[10] not in "tT":
        return "11th character must be t or T"
    reason = _f_date(s[:10])
    if reason is not None:
        return f"invalid date element: {reason}"
    reason = _f_time(s[11:])
    if reason is not None:
        return f"invalid time element: {reason}"
    return None


def _f_duration(s: str) -> Optional[str]:
    if not s.startswith("P"):
        return "must start with P"
    s = s[1:]
    if s == "":
        return "nothing after P"
    if s.endswith("W"):
        week = s[:-1]
        if week == "":
            return "no number in week"
        if not all("0" <= ch <= "9" for ch in week):
            return "invalid week"
        return None
    all_units = ["YMD", "HMS"]
    for i, part in enumerate(s.split("T")):
        if i != 0 and part == "":
            return "no time elements"
        if i >= len(all_units):
            return "more than one T"
        units = all_units[i]
        while part:
            digits = len(part) - len(part.lstrip("0123456789"))
            if digits == 0 or not part[:digits].isascii():
                return "missing number"
            part = part[digits:]
            if part == "":
                return "missing unit"
            unit = part[0]
            j = units.find(unit) if unit.isascii() else -1
            if j == -1:
                if unit.isascii() and unit in all_units[i]:
                    return f"unit {unit!r} out of order"
                return f"invalid unit {unit!r}"
            units = units[j + 1:]
            part = part[1:]
    return None


def _f_period(s: str) -> Optional[str]:
    slash = s.find("/")
    if slash == -1:
        return "missing slash"
    start, end = s[:slash], s[slash + 1:]
    if start.startswith("P"):
        reason = _f_duration(start)
        if reason is not None:
            return f"invalid start duration: {reason}"
        reason = _f_date_time(end)
        if reason is not None:
            return f"invalid end date-time: {reason}"
        return None
    reason = _f_date_time(start)
    if reason is not None:
        return f"invalid start date-time: {reason}"
    if end.startswith("P"):
        reason = _f_duration(end)
        if reason is not None:
            return f"invalid end duration: {reason}"
    else:
        reason = _f_date_time(end)
        if reason is not None:
            return f"invalid end date-time: {reason}"
    return None


def _f_uuid(s: str) -> Optional[str]:
    groups = s.split("-")
    if len(groups) != 5:
        return "must have 5 elements"
    for i, (group, size) in enumerate(zip(groups, (8, 4, 4, 4, 12))):
        if len(group.encode()) != size:
            return f"element {i + 1} must be {size} characters long"
        for ch in group:
            if ch not in "0123456789abcdefABCDEF":
                return f"non-hex character {ch!r}"
    return None


def _f_json_pointer(s: str) -> Optional[str]:
    if s == "":
        return None
    if not s.startswith("/"):
        return "not starting with /"
    for tok in s.split("/")[1:]:
        escape = False
        for ch in tok:
            if escape:
                escape = False
                if ch not in "01":
                    return "~ must be followed by 0 or 1"
                continue
            if ch == "~":
                escape = True
        if escape:
            return "~ must be followed by 0 or 1"
    return None


def _f_relative_json_pointer(s: str) -> Optional[str]:
    digits = len(s) - len(s.lstrip("0123456789"))
    if digits == 0:
        return "must start with non-negative integer"
    if digits > 1 and s.startswith("0"):
        return "starts with zero"
    s = s[digits:]
    if s == "#":
        return None
    return _f_json_pointer(s)


def _f_semver(s: str) -> Optional[str]:
    def ident_ok(ch: str) -> bool:
        return ch.isascii() and (ch.isalnum() or ch == "-")

    plus = s.find("+")
    if plus != -1:
        build = s[plus + 1:]
        if build == "":
            return "build is empty"
        for ident in build.split("."):
            if ident == "":
                return "build identifier is empty"
            for ch in ident:
                if not ident_ok(ch):
                    return f"invalid character {ch!r} in build identifier"
        s = s[:plus]
    dash = s.find("-")
    if dash != -1:
        for ident in s[dash + 1:].split("."):
            if ident == "":
                return "pre-release identifier is empty"
            for ch in ident:
                if not ident_ok(ch):
                    return f"invalid character {ch!r} in pre-release identifier"
            if ident.isdigit() and ident.isascii() and len(ident) > 1 and ident[0] == "0":
                return "pre-release numeric identifier starts with zero"
        s = s[:dash]
    versions = s.split(".")
    if len(versions) != 3:
        return "versionCore must have 3 numbers separated by dot"
    for name, version in zip(("major", "minor", "patch"), versions):
        if version == "":
            return f"{name} is empty"
        if len(version) > 1 and version[0] == "0":
            return f"{name} starts with zero"
        if not all("0" <= ch <= "9" for ch in version):
            return f"{name} contains non-digit"
    return None



# -- Go's net/url.Parse, as far as it decides success


_HEX = "0123456789abcdefABCDEF"


def _url_unescape(s: str, mode: str) -> str:
    """Go's url unescape: validates %-escapes (and host characters); returns the decoded text."""
    out = bytearray()
    raw = s.encode()
    i = 0
    while i < len(raw):
        b = raw[i]
        if b == 0x25:  # %
            chunk = raw[i:i + 3]
            if len(chunk) < 3 or chr(chunk[1]) not in _HEX or chr(chunk[2]) not in _HEX:
                text = chunk.decode(errors="replace")
                raise ValueError(f"invalid URL escape {text!r}")
            if mode == "host" and int(chr(chunk[1]), 16) < 8 and chunk != b"%25":
                raise ValueError(f"invalid URL escape {chunk.decode()!r}")
            out.append(int(chunk[1:3].decode(), 16))
            i += 3
            continue
        if mode in ("host", "zone") and b < 0x80 and _should_escape(b, mode):
            raise ValueError(f"invalid character {chr(b)!r} in host name")
        out.append(b)
        i += 1
    return out.decode(errors="replace")


def _should_escape(b: int, mode: str) -> bool:
    c = chr(b)
    if c.isascii() and c.isalnum():
        return False
    if mode in ("host", "zone") and c in "!$&'()*+,;=:[]<>\"":
        return False
    if c in "-_.~":
        return False
    if c in "$&+,/:;=?@":
        if mode == "path":
            return c == "?"
        if mode == "userinfo":
            return c in "@/?:"
        if mode == "fragment":
            return False
        return True
    if mode == "fragment" and c in "!()*":
        return False
    return True


def _url_escape_path(s: str) -> str:
    out = []
    for b in s.encode():
        if _should_escape(b, "path"):
            out.append(f"%{b:02X}")
        else:
            out.append(chr(b))
    return "".join(out)


def _valid_optional_port(port: str) -> bool:
    if port == "":
        return True
    if port[0] != ":":
        return False
    return all("0" <= ch <= "9" for ch in port[1:])


def _parse_host(host: str) -> str:
    if host.startswith("["):
        i = host.rfind("]")
        if i < 0:
            raise ValueError("missing ']' in host")
        colon_port = host[i + 1:]
        if not _valid_optional_port(colon_port):
            raise ValueError(f"invalid port {colon_port!r} after host")
        inner = host[1:i]
        zone = inner.find("%25")
        literal = inner if zone < 0 else inner[:zone]
        try:
            import ipaddress

            addr = ipaddress.ip_address(literal)
        except ValueError:
            raise ValueError(f"invalid host {literal!r}") from None
        if addr.version == 4:
            raise ValueError("invalid IP-literal")
        if zone >= 0:
            _url_unescape(host[:zone + 1], "host")
            _url_unescape(inner[zone:], "zone")
            return host
    else:
        i = host.rfind(":")
        if i != -1 and not _valid_optional_port(host[i:]):
            raise ValueError(f"invalid port {host[i:]!r} after host")
    return _url_unescape(host, "host")


_USERINFO_OK = set("-._:~!$&'()*+,;=%@")


def _go_url_parse(raw: str) -> Dict[str, str]:
    """The parts of Go's url.Parse(raw) v6 looks at; raises ValueError where Go returns an error."""
    rest, _, fragment = raw.partition("#")
    if "#" in raw:
        _url_unescape(fragment, "fragment")
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in rest):
        raise ValueError("net/url: invalid control character in URL")
    scheme = ""
    for i, ch in enumerate(rest):
        if ch.isascii() and ch.isalpha():
            continue
        if ch.isascii() and (ch.isdigit() or ch in "+-."):
            if i == 0:
                break
            continue
        if ch == ":":
            if i == 0:
                raise ValueError("missing protocol scheme")
            scheme, rest = rest[:i].lower(), rest[i + 1:]
        break
    if rest.endswith("?") and rest.count("?") == 1:
        rest = rest[:-1]
    else:
        rest = rest.partition("?")[0]
    result = {"scheme": scheme, "host": "", "rawpath": "", "opaque": ""}
    if not rest.startswith("/"):
        if scheme:
            result["opaque"] = rest
            return result
        segment = rest.partition("/")[0]
        if ":" in segment:
            raise ValueError("first path segment in URL cannot contain colon")
    if (scheme or not rest.startswith("///")) and rest.startswith("//"):
        authority, slash, path = rest[2:].partition("/")
        rest = slash + path
        at = authority.rfind("@")
        if at >= 0:
            userinfo = authority[:at]
            if not all((ch.isascii() and ch.isalnum()) or ch in _USERINFO_OK for ch in userinfo):
                raise ValueError("net/url: invalid userinfo")
            user, _, password = userinfo.partition(":")
            _url_unescape(user, "userinfo")
            _url_unescape(password, "userinfo")
            _parse_host(authority[at + 1:])
        else:
            _parse_host(authority)
        result["host"] = authority[at + 1:] if at >= 0 else authority
    path = _url_unescape(rest, "path")
    result["rawpath"] = "" if _url_escape_path(path) == rest else rest
    return result


def _hostname(host: str) -> str:
    colon = host.rfind(":")
    if colon != -1 and _valid_optional_port(host[colon:]):
        host = host[:colon]
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    return host


def _parse_url_v6(s: str) -> Dict[str, str]:
    try:
        url = _go_url_parse(s)
    except ValueError as exc:
        raise ValueError(f"parse {s!r}: {exc}") from None
    hostname = _hostname(url["host"])
    if ":" in hostname:
        if "[" not in url["host"] or "]" not in url["host"]:
            raise ValueError("ipv6 address not enclosed in brackets")
        reason = _f_ipv6(hostname)
        if reason is not None:
            raise ValueError(f"invalid ipv6 address: {reason}")
    return url


def _f_uri(s: str) -> Optional[str]:
    try:
        url = _parse_url_v6(s)
    except ValueError as exc:
        return str(exc)
    if not url["scheme"]:
        return "relative url"
    return None


def _f_uri_reference(s: str) -> Optional[str]:
    if "\\" in s:
        return "contains \\"
    try:
        _parse_url_v6(s)
    except ValueError as exc:
        return str(exc)
    return None


def _f_uri_template(s: str) -> Optional[str]:
    try:
        url = _parse_url_v6(s)
    except ValueError as exc:
        return str(exc)
    for tok in url["rawpath"].split("/"):
        try:
            tok = _url_unescape(tok, "pathsegment")
        except ValueError as exc:
            return f"percent decode failed: {exc}"
        want = True
        for ch in tok:
            if ch == "{":
                got = True
            elif ch == "}":
                got = False
            else:
                continue
            if got != want:
                return "nested curly braces"
            want = not want
        if not want:
            return "no matching closing brace"
    return None


#: Every format v6 knows except ``regex``, which needs a pattern cache (see :func:`format_checks`).
FORMATS: Mapping[str, FormatCheck] = MappingProxyType({
    "json-pointer": _f_json_pointer,
    "relative-json-pointer": _f_relative_json_pointer,
    "uuid": _f_uuid,
    "duration": _f_duration,
    "period": _f_period,
    "ipv4": _f_ipv4,
    "ipv6": _f_ipv6,
    "hostname": _f_hostname,
    "email": _f_email,
    "date": _f_date,
    "time": _f_time,
    "date-time": _f_date_time,
    "uri": _f_uri,
    "iri": _f_uri,
    "uri-reference": _f_uri_reference,
    "iri-reference": _f_uri_reference,
    "uri-template": _f_uri_template,
    "semver": _f_semver,
})


def format_checks(regexes: RegexCache, runs: Optional["Runs"] = None,
                  limits: Optional["SchemaLimits"] = None) -> Dict[str, FormatCheck]:
    """All of v6's format checks, ``regex`` (Go's ``regexp.Compile`` must accept the string) through ``regexes``.

    A ``regex`` check parses the value only (it is never matched), costs
    about what Go's parser does, and is charged to the run's regex work
    (``runs``); a value with more parts than ``limits.max_pattern_nodes``
    raises LimitExceededError.
    """
    def regex(value: str) -> Optional[str]:
        size, nodes = pattern_shape(value)
        run = runs.current() if runs is not None else None
        if limits is not None and nodes > limits.max_pattern_nodes:
            raise LimitExceededError(
                f"a format: regex value has {nodes:,} parts, more than the limit of {limits.max_pattern_nodes:,} "
                "(SchemaLimits.max_pattern_nodes)", source=run.source if run is not None else None,
                hint="shorten the value; a caller can raise SchemaLimits.max_pattern_nodes")
        if run is not None:
            # RE2 refuses nested counts beyond 1000 while parsing, so it never expands more than that per part
            work = len(value) + min(size, 1000 * nodes)
            run.charge_regex(SYNTAX_CHECK_COST * work, lambda: "checking format: regex values")
        return regexes.error(value)

    def charged(check: FormatCheck) -> FormatCheck:
        def checked(value: str) -> Optional[str]:
            run = runs.current() if runs is not None else None
            if run is not None:
                run.charge_steps(len(value) << 3)  # these parsers take about a microsecond a character
            return check(value)
        return checked

    checks: Dict[str, FormatCheck] = {"regex": regex}
    checks.update((name, charged(check)) for name, check in FORMATS.items())
    return checks


class FormatReason(ValueError):
    """Why a string is not of a format (the text v6 gives)."""


def format_checker(js: Any, checks: Mapping[str, FormatCheck]) -> Any:
    """A jsonschema ``FormatChecker`` knowing exactly ``checks`` (``js`` is the jsonschema module).

    Used for the meta-schema check and for drafts 4, 6 and 7; a failing check
    raises :class:`FormatReason` carrying v6's reason.
    """
    checker = js.FormatChecker(formats=())
    for name, check in checks.items():
        def fn(instance: Any, check: FormatCheck = check) -> bool:
            if not isinstance(instance, str):
                return True
            reason = check(instance)
            if reason is not None:
                raise FormatReason(reason)
            return True
        checker.checks(name, raises=FormatReason)(fn)
    return checker


def format_keyword(checks: Mapping[str, FormatCheck]) -> Callable[..., Iterator[Any]]:
    """The ``format`` keyword: asserts ``checks`` when the validator has a format checker (drafts 4-7)."""
    from jsonschema.exceptions import ValidationError

    def format_(validator: Any, fmt: Any, instance: Any, schema: Any) -> Iterator[Any]:
        if validator.format_checker is None or not isinstance(fmt, str):
            return
        check = checks.get(fmt)
        if check is None or not isinstance(instance, str):
            return
        reason = check(instance)
        if reason is not None:
            error = ValidationError(f"{echo(instance)} is not a valid {fmt}")
            error.cause = FormatReason(reason)
            yield error

    return format_
