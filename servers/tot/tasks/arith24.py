"""Exact arithmetic for the Game of 24: states, legal moves, a solver and an answer checker.

Numbers are `Fraction`s, so 8 / 3 stays exact; each number carries the
expression that produced it, so a finished state knows its answer. Steps are
written the way the Tree of Thoughts paper writes them:

    4 + 8 = 12 (left: 6 8 12)

A step read back from text is recomputed here, never trusted: its operands
must be numbers that are left, and its result must be what they give.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

TARGET = Fraction(24)
OPS = "+-*/"
_NUMBER = r"-?\d+(?:\.\d+)?(?:/\d+)?"
_STEP = re.compile(rf"^\s*({_NUMBER})\s*([+\-*/×x÷])\s*({_NUMBER})\s*=\s*({_NUMBER})")
_SYMBOLS = {"×": "*", "x": "*", "÷": "/"}


class StepError(ValueError):
    """A step that is not a legal move from the state it follows."""


@dataclass(frozen=True)
class Item:
    value: Fraction
    expr: str


State = tuple[Item, ...]


def fmt(value: Fraction) -> str:
    """`12`, or `2.67` for values that are not whole (the paper's style)."""
    if value.denominator == 1:
        return str(value.numerator)
    return f"{float(value):.2f}".rstrip("0").rstrip(".")


def left_of(state: State) -> str:
    return " ".join(fmt(v) for v in sorted(item.value for item in state))


def start(numbers: tuple[int, ...]) -> State:
    return tuple(Item(Fraction(n), str(n)) for n in numbers)


def _wrap(expr: str) -> str:
    return f"({expr})" if " " in expr else expr


def combine(a: Item, op: str, b: Item) -> Item | None:
    """`a op b`, or None for a division by zero."""
    if op == "+":
        value = a.value + b.value
    elif op == "-":
        value = a.value - b.value
    elif op == "*":
        value = a.value * b.value
    elif b.value == 0:
        return None
    else:
        value = a.value / b.value
    return Item(value, f"{_wrap(a.expr)} {op} {_wrap(b.expr)}")


def apply(state: State, i: int, op: str, j: int) -> tuple[str, State] | None:
    """Combine items i and j; the step text and the new state (None when illegal)."""
    made = combine(state[i], op, state[j])
    if made is None:
        return None
    rest = (*(item for k, item in enumerate(state) if k not in (i, j)), made)
    step = f"{fmt(state[i].value)} {op} {fmt(state[j].value)} = {fmt(made.value)} (left: {left_of(rest)})"
    return step, rest


def moves(state: State) -> Iterator[tuple[str, State]]:
    """Every legal next step, in a fixed order, one per distinct resulting set of numbers."""
    seen: set[tuple[Fraction, ...]] = set()
    for i in range(len(state)):
        for j in range(i + 1, len(state)):
            big, small = (i, j) if state[i].value >= state[j].value else (j, i)
            for a, op, b in (
                (i, "+", j),
                (i, "*", j),
                (big, "-", small),
                (small, "-", big),
                (big, "/", small),
                (small, "/", big),
            ):
                made = apply(state, a, op, b)
                if made is None:
                    continue
                key = tuple(sorted(item.value for item in made[1]))
                if key not in seen:
                    seen.add(key)
                    yield made


@lru_cache(maxsize=65536)
def _solvable(values: tuple[Fraction, ...]) -> bool:
    if len(values) == 1:
        return values[0] == TARGET
    for i in range(len(values)):
        for j in range(i + 1, len(values)):
            a, b = values[i], values[j]
            rest = values[:i] + values[i + 1 : j] + values[j + 1 :]
            results = {a + b, a - b, b - a, a * b}
            if b != 0:
                results.add(a / b)
            if a != 0:
                results.add(b / a)
            if any(_solvable(tuple(sorted((*rest, r)))) for r in results):
                return True
    return False


def solvable(state: State) -> bool:
    """Whether 24 can still be reached from these numbers (exhaustive, memoised)."""
    return _solvable(tuple(sorted(item.value for item in state)))


def _find(state: State, value: Fraction, used: set[int]) -> int | None:
    exact = [k for k, item in enumerate(state) if k not in used and item.value == value]
    if exact:
        return exact[0]
    # Models (and our own display) round non-whole numbers to two decimals.
    close = [k for k, item in enumerate(state) if k not in used and abs(item.value - value) < Fraction(1, 100)]
    return close[0] if close else None


def read_step(state: State, text: str) -> tuple[str, State]:
    """Read `a op b = c ...` against the state; the canonical step text and the new state.

    Raises:
        StepError: not a step, an operand that is not left, or a wrong result.
    """
    match = _STEP.match(text)
    if match is None:
        raise StepError(f"{text.strip()!r} is not a step like '4 + 8 = 12 (left: 6 8 12)'")
    a_text, op, b_text, result_text = match.groups()
    op = _SYMBOLS.get(op, op)
    i = _find(state, Fraction(a_text), set())
    j = None if i is None else _find(state, Fraction(b_text), {i})
    if i is None or j is None:
        raise StepError(f"{text.strip()!r} uses a number that is not left (left: {left_of(state)})")
    made = apply(state, i, op, j)
    if made is None:
        raise StepError(f"{text.strip()!r} divides by zero")
    claimed = Fraction(result_text)
    actual = made[1][-1].value
    if abs(claimed - actual) >= Fraction(1, 100):
        raise StepError(f"{text.strip()!r} is wrong: {a_text} {op} {b_text} = {fmt(actual)}")
    return made


def _evaluate(node: ast.expr) -> Fraction:
    if isinstance(node, ast.Constant) and isinstance(node.value, int) and not isinstance(node.value, bool):
        return Fraction(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -_evaluate(node.operand)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub | ast.Mult | ast.Div):
        left, right = _evaluate(node.left), _evaluate(node.right)
        if isinstance(node.op, ast.Add):
            return left + right
        if isinstance(node.op, ast.Sub):
            return left - right
        if isinstance(node.op, ast.Mult):
            return left * right
        if right == 0:
            raise ZeroDivisionError
        return left / right
    raise ValueError("not plain arithmetic")


def check_expression(numbers: tuple[int, ...], expression: str) -> bool:
    """Whether `expression` (optionally `... = 24`) uses each number exactly once and makes 24."""
    text = expression.strip().split("=")[0].replace("×", "*").replace("÷", "/")
    if sorted(int(n) for n in re.findall(r"\d+", text)) != sorted(numbers) or re.search(r"\d\.\d", text):
        return False
    try:
        return _evaluate(ast.parse(text, mode="eval").body) == TARGET
    except (SyntaxError, ValueError, ZeroDivisionError, RecursionError):
        return False
