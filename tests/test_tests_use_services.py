"""Tests build every state through the services, never by writing it: a state written by hand
skips the transition's guards and side effects (a withdrawn application leaving its agenda item
open went unseen that way). This test reads the tests' sources and names every direct write."""

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent

# Fields of an application that only the workflow, the submission or the importer writes.
STATE_FIELDS = frozenset({"status", "run_status", "submitted", "submitted_at", "reference_number"})
# What makes an application row: a factory call, a factory trait, a helper that passes its
# arguments on to the factory, or the model's own constructors.
APPLICATION_MAKERS = frozenset({"ApplicationFactory", "Application", "Trait", "submitted_application"})
APPLICATION_MANAGER_METHODS = frozenset({"create", "get_or_create", "update_or_create", "bulk_create"})


def _name(node: ast.expr) -> str:
    """``Application.objects.create`` for that expression, ``""`` for anything not a dotted name."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _name(node.value)
        return f"{base}.{node.attr}" if base else ""
    return ""


def _makes_an_application(call: ast.Call) -> bool:
    name = _name(call.func)
    if name.split(".")[-1] in APPLICATION_MAKERS:
        return True
    parts = name.split(".")
    return len(parts) == 3 and parts[0] == "Application" and parts[2] in APPLICATION_MANAGER_METHODS


def direct_state_writes(source: str, filename: str = "<test>") -> list[str]:
    """Every place in ``source`` that writes a workflow-owned state instead of calling a service."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        where = f"{filename}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Call):
            keywords = {k.arg for k in node.keywords if k.arg}
            if isinstance(node.func, ast.Attribute) and node.func.attr == "update" and "status" in keywords:
                found.append(f"{where}: .update(status=…)")
            elif isinstance(node.func, ast.Attribute) and node.func.attr == "update" and "run_status" in keywords:
                found.append(f"{where}: .update(run_status=…)")
            elif _makes_an_application(node) and keywords & STATE_FIELDS:
                fields = ", ".join(sorted(keywords & STATE_FIELDS))
                found.append(f"{where}: {_name(node.func)}({fields}=…)")
            elif (
                _name(node.func) == "setattr"
                and len(node.args) >= 2
                and isinstance(node.args[1], ast.Constant)
                and node.args[1].value in {"status", "run_status"}
            ):
                found.append(f"{where}: setattr(…, {node.args[1].value!r}, …)")
        elif isinstance(node, ast.ClassDef) and node.name.endswith("Factory"):
            for statement in node.body:
                if isinstance(statement, ast.Assign | ast.AnnAssign):
                    targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
                    found += [
                        f"{filename}:{statement.lineno}: {node.name}.{target.id} = …"
                        for target in targets
                        if isinstance(target, ast.Name) and target.id in {"status", "run_status"}
                    ]
        elif isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            found += [
                f"{where}: .{element.attr} = …"
                for target in targets
                for element in ast.walk(target)
                if isinstance(element, ast.Attribute) and element.attr in {"status", "run_status"}
            ]
    return found


def test_no_test_writes_a_state_directly():
    found = [
        problem
        for path in sorted(TESTS.rglob("*.py"))
        for problem in direct_state_writes(path.read_text(encoding="utf-8"), str(path.relative_to(TESTS.parent)))
    ]
    assert found == [], "reach these states through the services:\n" + "\n".join(found)


@pytest.mark.parametrize(
    "source",
    [
        "Application.objects.filter(pk=1).update(status=Status.APPROVED)",
        "application.budget_years.update(run_status='ongoing')",
        "ApplicationFactory(call=call, status='withdrawn')",
        "ApplicationFactory(call=call, submitted=True)",
        "Application.objects.create(call=call, source='import', status=Status.APPROVED)",
        "Application.objects.bulk_create([Application(call=call, status=Status.COMPLETE)])",
        "Application(call=call, reference_number='SIM 2026/0001', submitted_at=now)",
        "factories.ApplicationFactory(run_status='ongoing')",
        "hidden.status = status\nhidden.save()",
        "granted.status, granted.ends_on = Status.APPROVED, ends_on",
        "setattr(application, 'status', Status.AT_RUN)",
        "submitted_application(call=call, working_group=group, status=Status.COMPLETE)",
        "class Params:\n    submitted = factory.Trait(status=Status.SUBMITTED)",
        "class ApplicationFactory(factory.django.DjangoModelFactory):\n    status = Status.DRAFT",
    ],
)
def test_it_finds_each_kind_of_direct_write(source):
    assert len(direct_state_writes(source)) == 1


@pytest.mark.parametrize(
    "source",
    [
        "services.application_submit(application=application, by=leader)",
        "ApplicationFactory(call=call, working_group=group, title='Utkast')",
        "registered(demo, title='Klar', state=Status.COMPLETE)",
        "inbox(client, status='withdrawn')",
        "Application.objects.filter(pk=1).update(starts_on=day, ends_on=day)",
        "assert application.status == Status.SUBMITTED",
        "data.update({'status': 'approved'})",
        "class MeetingFactory(factory.django.DjangoModelFactory):\n    place = 'Vänerparken'",
    ],
)
def test_it_leaves_writes_through_the_services_alone(source):
    assert direct_state_writes(source) == []
