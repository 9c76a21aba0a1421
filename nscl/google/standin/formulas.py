"""Formulas in the Google Sheets stand-in: parsed in the spreadsheet's locale, evaluated.

Google Sheets reads a formula written through the API (``formulaValue``, a
``USER_ENTERED`` value, a custom rule of data validation or conditional formatting) in
the spreadsheet's locale at that moment: in ``en_US`` arguments are separated by ","
and decimals written with "."; in a locale with a decimal comma (``vi_VN``, ``de_DE``
…) arguments are separated by ";" and "1,5" is a number. A formula that does not parse
is kept as typed and shows ``#ERROR!``. The stand-in stores a parsed formula in the
en_US form and shows it in the locale current when it is read.

Supported: numbers, strings, TRUE/FALSE, A1 references and ranges (``$`` absolute
parts, optional ``Sheet!`` or ``'Sheet name'!`` prefix), + - * / ^ & = <> < > <= >=,
unary minus, IF and the functions in :data:`FUNCTIONS`. Anything else gives ``#NAME?``
(an unknown function) — a documented gap of the stand-in, not Google's behaviour.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from nscl.a1 import a1, column_index

__all__ = [
    "COMMA_DECIMAL_LOCALES",
    "FUNCTIONS",
    "FormulaError",
    "ParsedFormula",
    "Token",
    "evaluate",
    "parse_formula",
]

# Locales whose decimal separator is a comma (so ";" separates arguments).
COMMA_DECIMAL_LOCALES = frozenset({
    "vi_VN", "de_DE", "fr_FR", "es_ES", "it_IT", "pt_BR", "pt_PT", "ru_RU", "id_ID",
    "nl_NL", "pl_PL", "tr_TR", "cs_CZ", "da_DK", "sv_SE", "nb_NO", "fi_FI", "uk_UA",
})


def separators(locale: str) -> tuple[str, str]:
    """(argument separator, decimal separator) of ``locale``."""
    return (";", ",") if locale in COMMA_DECIMAL_LOCALES else (",", ".")


class FormulaError(Exception):
    """A spreadsheet error value: ``#ERROR!`` (parse), ``#NAME?``, ``#DIV/0!`` …"""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FormulaError) and other.code == self.code

    def __hash__(self) -> int:
        return hash(self.code)


@dataclass(frozen=True)
class Token:
    """One token; ``text`` is in the en_US form (numbers with ".", args with ",")."""

    kind: str  # num str bool ref func op lp rp sep
    text: str


_REF = re.compile(
    r"(?:(?:'((?:[^']|'')+)'|([A-Za-z_][A-Za-z0-9_.]*))!)?"
    r"(\$?[A-Za-z]{1,3}\$?[0-9]+)(?::(\$?[A-Za-z]{1,3}\$?[0-9]+))?"
)
_FUNC = re.compile(r"([A-Za-z][A-Za-z0-9_.]*)\s*\(")
_BOOL = re.compile(r"(TRUE|FALSE)(?![A-Za-z0-9_(])", re.IGNORECASE)
_OPS = ("<>", "<=", ">=", "+", "-", "*", "/", "^", "&", "=", "<", ">", "%")


def tokenize(text: str, locale: str) -> list[Token]:
    """Tokens of ``text`` (without its leading "="); :class:`FormulaError` ``#ERROR!``
    when it does not read in ``locale``."""
    arg_sep, dec_sep = separators(locale)
    number = re.compile(r"[0-9]+(?:" + re.escape(dec_sep) + r"[0-9]*)?(?:[eE][+-]?[0-9]+)?"
                        r"|" + re.escape(dec_sep) + r"[0-9]+")
    tokens: list[Token] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        if ch == '"':
            j = i + 1
            out = []
            while True:
                if j >= len(text):
                    raise FormulaError("#ERROR!")
                if text[j] == '"':
                    if j + 1 < len(text) and text[j + 1] == '"':
                        out.append('"')
                        j += 2
                        continue
                    break
                out.append(text[j])
                j += 1
            tokens.append(Token("str", "".join(out)))
            i = j + 1
            continue
        if ch == "(":
            tokens.append(Token("lp", "("))
            i += 1
            continue
        if ch == ")":
            tokens.append(Token("rp", ")"))
            i += 1
            continue
        if ch == arg_sep:
            tokens.append(Token("sep", ","))
            i += 1
            continue
        m = _FUNC.match(text, i)
        if m:
            tokens.append(Token("func", m.group(1).upper()))
            tokens.append(Token("lp", "("))
            i = m.end()
            continue
        m = _BOOL.match(text, i)
        if m:
            tokens.append(Token("bool", m.group(1).upper()))
            i = m.end()
            continue
        m = _REF.match(text, i)
        if m and m.group(3):
            tokens.append(Token("ref", m.group(0)))
            i = m.end()
            continue
        m = number.match(text, i)
        if m:
            tokens.append(Token("num", m.group(0).replace(dec_sep, ".")))
            i = m.end()
            continue
        for op in _OPS:
            if text.startswith(op, i):
                tokens.append(Token("op", op))
                i += len(op)
                break
        else:
            raise FormulaError("#ERROR!")
    return tokens


def render(tokens: list[Token], locale: str) -> str:
    """The formula text (with "=") as a person in ``locale`` sees it."""
    arg_sep, dec_sep = separators(locale)
    out = []
    for tok in tokens:
        if tok.kind == "str":
            out.append('"' + tok.text.replace('"', '""') + '"')
        elif tok.kind == "num":
            out.append(tok.text.replace(".", dec_sep))
        elif tok.kind == "sep":
            out.append(arg_sep)
        else:
            out.append(tok.text)
    return "=" + "".join(out)


# ---- parsing ------------------------------------------------------------------------
def _cell(text: str) -> tuple[int, int, bool, bool]:
    m = re.fullmatch(r"(\$?)([A-Za-z]{1,3})(\$?)([0-9]+)", text)
    assert m
    return int(m.group(4)) - 1, column_index(m.group(2)), bool(m.group(3)), bool(m.group(1))



Node = tuple[Any, ...]


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> Token:
        tok = self.peek()
        if tok is None:
            raise FormulaError("#ERROR!")
        self.pos += 1
        return tok

    def parse(self) -> Node:
        node = self.compare()
        if self.peek() is not None:
            raise FormulaError("#ERROR!")
        return node

    def _binary(self, ops: tuple[str, ...], inner: Callable[[], Node]) -> Node:
        node = inner()
        while (tok := self.peek()) is not None and tok.kind == "op" and tok.text in ops:
            self.take()
            node = ("binop", tok.text, node, inner())
        return node

    def compare(self) -> Node:
        return self._binary(("=", "<>", "<", ">", "<=", ">="), self.concat)

    def concat(self) -> Node:
        return self._binary(("&",), self.additive)

    def additive(self) -> Node:
        return self._binary(("+", "-"), self.term)

    def term(self) -> Node:
        return self._binary(("*", "/"), self.power)

    def power(self) -> Node:
        return self._binary(("^",), self.unary)

    def unary(self) -> Node:
        tok = self.peek()
        if tok is not None and tok.kind == "op" and tok.text in ("-", "+"):
            self.take()
            return ("unop", tok.text, self.unary())
        node = self.primary()
        while (tok := self.peek()) is not None and tok.kind == "op" and tok.text == "%":
            self.take()
            node = ("binop", "/", node, ("num", 100.0))
        return node

    def primary(self) -> Node:
        tok = self.take()
        if tok.kind == "num":
            return ("num", float(tok.text))
        if tok.kind == "str":
            return ("str", tok.text)
        if tok.kind == "bool":
            return ("bool", tok.text == "TRUE")
        if tok.kind == "ref":
            return _ref_node(tok.text)
        if tok.kind == "lp":
            node = self.compare()
            if self.take().kind != "rp":
                raise FormulaError("#ERROR!")
            return node
        if tok.kind == "func":
            self.take()  # "("
            args: list[Node] = []
            if (nxt := self.peek()) is not None and nxt.kind == "rp":
                self.take()
                return ("call", tok.text, args)
            while True:
                args.append(self.compare())
                nxt = self.take()
                if nxt.kind == "rp":
                    return ("call", tok.text, args)
                if nxt.kind != "sep":
                    raise FormulaError("#ERROR!")
        raise FormulaError("#ERROR!")


def _ref_node(text: str) -> Node:
    m = _REF.fullmatch(text)
    assert m
    sheet = m.group(1).replace("''", "'") if m.group(1) else m.group(2)
    r1, c1, _, _ = _cell(m.group(3))
    if m.group(4):
        r2, c2, _, _ = _cell(m.group(4))
        return ("range", sheet, min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2))
    return ("ref", sheet, r1, c1)


@dataclass(frozen=True)
class ParsedFormula:
    """A formula that parsed: its tokens (en_US form) and syntax tree."""

    tokens: tuple[Token, ...]
    tree: Node

    def text(self, locale: str = "en_US") -> str:
        """The formula as shown in ``locale``."""
        return render(list(self.tokens), locale)

    def shifted(self, rows: int, cols: int) -> ParsedFormula:
        """The formula copied ``rows`` down and ``cols`` right (relative parts move)."""
        out = []
        for tok in self.tokens:
            if tok.kind != "ref":
                out.append(tok)
                continue
            m = _REF.fullmatch(tok.text)
            assert m
            prefix = tok.text[: m.start(3)]
            parts = [_shift_cell(m.group(3), rows, cols)]
            if m.group(4):
                parts.append(_shift_cell(m.group(4), rows, cols))
            out.append(Token("ref", prefix + ":".join(parts)))
        return parse_tokens(out)


def _shift_cell(text: str, rows: int, cols: int) -> str:
    row, col, row_abs, col_abs = _cell(text)
    row = row if row_abs else row + rows
    col = col if col_abs else col + cols
    if row < 0 or col < 0:
        raise FormulaError("#REF!")
    return a1(row, col, row_abs=row_abs, col_abs=col_abs)


def parse_tokens(tokens: list[Token]) -> ParsedFormula:
    """Parse tokens already in the en_US form."""
    return ParsedFormula(tuple(tokens), _Parser(tokens).parse())


def parse_formula(text: str, locale: str) -> ParsedFormula:
    """Parse ``text`` (with its leading "=") as typed in ``locale``;
    :class:`FormulaError` ``#ERROR!`` when it does not parse."""
    if not text.startswith("="):
        raise FormulaError("#ERROR!")
    return parse_tokens(tokenize(text[1:], locale))


# ---- evaluation -----------------------------------------------------------------------
Value = Any  # float | str | bool | None (empty) | FormulaError
Lookup = Callable[[str | None, int, int], Value]


def _flatten(values: Iterator[Value] | list[Value]) -> Iterator[Value]:
    for v in values:
        if isinstance(v, list):
            yield from _flatten(v)
        else:
            yield v


def _num(v: Value) -> float:
    if isinstance(v, FormulaError):
        raise v
    if v is None or v == "":
        return 0.0
    if isinstance(v, bool):
        return 1.0 if v else 0.0
    if isinstance(v, int | float):
        return float(v)
    try:
        return float(str(v))
    except ValueError:
        raise FormulaError("#VALUE!") from None


def _truth(v: Value) -> bool:
    if isinstance(v, FormulaError):
        raise v
    if isinstance(v, str):
        if v.upper() in ("TRUE", "FALSE"):
            return v.upper() == "TRUE"
        if v == "":
            return False
        raise FormulaError("#VALUE!")
    return bool(_num(v))


def _text(v: Value) -> str:
    if isinstance(v, FormulaError):
        raise v
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    return str(v)


def _args(args: list[Value]) -> list[Value]:
    return list(_flatten(args))


def _countable(v: Value) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


FUNCTIONS: dict[str, Callable[[list[Value]], Value]] = {
    "SUM": lambda a: sum(_num(v) for v in _args(a) if _countable(v) or isinstance(v, FormulaError)),
    "COUNT": lambda a: float(sum(1 for v in _args(a) if _countable(v))),
    "COUNTA": lambda a: float(sum(1 for v in _args(a) if v is not None)),
    "N": lambda a: _num(a[0]) if _countable(a[0]) or isinstance(a[0], bool) else 0.0,
    "AND": lambda a: all(_truth(v) for v in _args(a) if v is not None),
    "OR": lambda a: any(_truth(v) for v in _args(a) if v is not None),
    "NOT": lambda a: not _truth(a[0]),
    "ISNUMBER": lambda a: _countable(a[0]),
    "ISBLANK": lambda a: a[0] is None,
    "ISTEXT": lambda a: isinstance(a[0], str),
    "LEN": lambda a: float(len(_text(a[0]))),
    "TRIM": lambda a: " ".join(_text(a[0]).split()),
    "INT": lambda a: float(math.floor(_num(a[0]))),
    "ABS": lambda a: abs(_num(a[0])),
    "MIN": lambda a: min((_num(v) for v in _args(a) if _countable(v)), default=0.0),
    "MAX": lambda a: max((_num(v) for v in _args(a) if _countable(v)), default=0.0),
    "ROUND": lambda a: float(round(_num(a[0]), int(_num(a[1])) if len(a) > 1 else 0)),
    "TRUE": lambda a: True,
    "FALSE": lambda a: False,
}
# IF evaluates only the branch it takes (in _eval).


def _compare(op: str, a: Value, b: Value) -> bool:
    def key(v: Value) -> tuple[int, Any]:
        if v is None:
            return (0, 0.0)
        if isinstance(v, bool):
            return (2, v)
        if isinstance(v, int | float):
            return (0, float(v))
        return (1, str(v).lower())

    if a is None and isinstance(b, str):
        a = ""
    if b is None and isinstance(a, str):
        b = ""
    ka, kb = key(a), key(b)
    return {
        "=": ka == kb, "<>": ka != kb, "<": ka < kb, ">": ka > kb, "<=": ka <= kb,
        ">=": ka >= kb,
    }[op]


def evaluate(node: Node, lookup: Lookup, sheet: str | None = None) -> Value:
    """The value of ``node``; ``lookup(sheet, row, col)`` gives a cell's value (None
    when empty). Errors come back as :class:`FormulaError` values."""
    try:
        return _eval(node, lookup, sheet)
    except FormulaError as exc:
        return exc
    except (OverflowError, ValueError):
        return FormulaError("#NUM!")


def _eval(node: Node, lookup: Lookup, sheet: str | None) -> Value:
    kind = node[0]
    if kind in ("num", "str", "bool"):
        return node[1]
    if kind == "ref":
        value = lookup(node[1] or sheet, node[2], node[3])
        if isinstance(value, FormulaError):
            raise value
        return value
    if kind == "range":
        _, name, r1, c1, r2, c2 = node
        return [[lookup(name or sheet, r, c) for c in range(c1, c2 + 1)]
                for r in range(r1, r2 + 1)]
    if kind == "unop":
        value = _num(_eval(node[2], lookup, sheet))
        return -value if node[1] == "-" else value
    if kind == "binop":
        op = node[1]
        a = _eval(node[2], lookup, sheet)
        b = _eval(node[3], lookup, sheet)
        if op in ("=", "<>", "<", ">", "<=", ">="):
            for v in (a, b):
                if isinstance(v, FormulaError):
                    raise v
            return _compare(op, a, b)
        if op == "&":
            return _text(a) + _text(b)
        x, y = _num(a), _num(b)
        if op == "+":
            return x + y
        if op == "-":
            return x - y
        if op == "*":
            return x * y
        if op == "/":
            if y == 0:
                raise FormulaError("#DIV/0!")
            return x / y
        if op == "^":
            return float(x ** y)
    if kind == "call":
        name, arg_nodes = node[1], node[2]
        if name == "IF":
            cond = _eval(arg_nodes[0], lookup, sheet) if arg_nodes else None
            if len(arg_nodes) < 2:
                raise FormulaError("#N/A")
            if _truth(cond):
                return _eval(arg_nodes[1], lookup, sheet)
            return _eval(arg_nodes[2], lookup, sheet) if len(arg_nodes) > 2 else False
        func = FUNCTIONS.get(name)
        if func is None:
            raise FormulaError("#NAME?")
        args = [_eval(a, lookup, sheet) for a in arg_nodes]
        for v in _flatten(args):
            if isinstance(v, FormulaError) and name not in ("ISNUMBER", "ISBLANK", "ISTEXT"):
                raise v
        if not args and name not in ("TRUE", "FALSE"):
            raise FormulaError("#N/A")
        return func(args)
    raise FormulaError("#ERROR!")
