"""Every kind of email the code sends is registered in ``notify.kinds``: read from the source,
every ``email_queue(kind=...)`` call is resolved to the kinds it can send."""

from __future__ import annotations

import ast
from pathlib import Path

import rapport
from rapport.changes.services import DECISIONS
from rapport.notify import kinds

SOURCE = Path(rapport.__file__).parent

# Kinds computed from a variable whose values are not written at the call: where they come from.
VARIABLE_VALUES = {("changes/services.py", "decision"): set(DECISIONS)}


def _strings(node: ast.expr) -> list[str] | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        body, orelse = _strings(node.body), _strings(node.orelse)
        return body + orelse if body is not None and orelse is not None else None
    return None


def _argument(call: ast.Call, function: ast.FunctionDef, name: str) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == name:
            return keyword.value
    positional = [a.arg for a in function.args.args]
    index = positional.index(name) if name in positional else len(call.args)
    return call.args[index] if index < len(call.args) else None


def _values_of(name: str, function: ast.FunctionDef, module: ast.Module, where: str) -> set[str]:
    """The values the parameter ``name`` of ``function`` takes at its calls in the module."""
    values: set[str] = set()
    calls = [
        node
        for node in ast.walk(module)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == function.name
    ]
    assert calls, f"{where}: {function.name} is never called, cannot resolve {name}"
    for call in calls:
        argument = _argument(call, function, name)
        assert argument is not None, f"{where}: a call of {function.name} omits {name}"
        strings = _strings(argument)
        if strings is None and isinstance(argument, ast.Name):
            strings = sorted(VARIABLE_VALUES.get((where, argument.id), ()))
        assert strings, f"{where}:{call.lineno}: cannot tell which kinds {name} holds"
        values.update(strings)
    return values


def _kinds_sent(path: Path) -> set[str]:
    module = ast.parse(path.read_text())
    where = str(path.relative_to(SOURCE))
    found: set[str] = set()
    functions = [n for n in ast.walk(module) if isinstance(n, ast.FunctionDef)]
    for function in functions:
        for call in ast.walk(function):
            if not (
                isinstance(call, ast.Call)
                and isinstance(call.func, ast.Name)
                and call.func.id == "email_queue"
            ):
                continue
            kind = next(k.value for k in call.keywords if k.arg == "kind")
            strings = _strings(kind)
            if strings is not None:
                found.update(strings)
            elif isinstance(kind, ast.Name):
                found.update(_values_of(kind.id, function, module, where))
            elif isinstance(kind, ast.JoinedStr):
                prefix = "".join(str(p.value) for p in kind.values if isinstance(p, ast.Constant))
                variable = next(p.value for p in kind.values if isinstance(p, ast.FormattedValue))
                assert isinstance(variable, ast.Name), f"{where}:{call.lineno}: kind too dynamic"
                found.update(prefix + v for v in _values_of(variable.id, function, module, where))
            elif isinstance(kind, ast.Attribute):  # kinds.DIGEST and the like
                found.add(getattr(kinds, kind.attr))
            else:
                raise AssertionError(f"{where}:{call.lineno}: cannot tell which kind is sent")
    return found


def test_every_kind_the_code_sends_is_registered() -> None:
    sent = set()
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" not in path.parts:
            sent |= _kinds_sent(path)

    assert {"status_report_published", "change_request_approve", "issue_shared"} <= sent
    assert {"baseline_submitted", "meeting_update", "meeting_invitation", kinds.DIGEST} <= sent
    unregistered = sent - set(kinds.KINDS)
    assert not unregistered, f"register these in rapport/notify/kinds.py: {sorted(unregistered)}"


def test_the_registry_holds_what_the_issue_asks() -> None:
    for code in ("member_invitation", "portal_invitation", "password_reset", "survey"):
        assert kinds.get(code).mandatory, code
    for kind in kinds.KINDS.values():
        assert str(kind.label), kind.code
        assert kind.default in kinds.Delivery
    members = {k.code for k in kinds.choosable(kinds.Audience.MEMBERS)}
    contacts = {k.code for k in kinds.choosable(kinds.Audience.CONTACTS)}
    assert "report_question" in members - contacts
    assert "report_answer" in contacts - members
    assert "message_posted" in members & contacts
