"""tpm export --format graphml / dot: the dependency graph with the schedule as attributes.

GraphML is read back with networkx's own reader (what Gephi and yEd parse); DOT is read back
with a strict little parser of the subset tpm writes, so a hostile title that broke out of
its quoted string would fail the test.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from report_plans import HOSTILE_TITLES, hostile_plan

from tpm.check.load import load_plan
from tpm.plan.model import Plan
from tpm.schedule.network import schedule_graph
from tpm.schedule.result import Schedule
from tpm.schedule.scheduler import schedule

RunCli = Any
_STRING = r'"(?:[^"\\]|\\.)*"'
_ATTR = rf"(\w+)=({_STRING})"
_NODE = re.compile(rf"^  ({_STRING}) \[((?:{_ATTR}(?:, )?)*)\];$")
_EDGE = re.compile(rf"^  ({_STRING}) -> ({_STRING}) \[((?:{_ATTR}(?:, )?)*)\];$")


def _unquote(text: str) -> str:
    body = text[1:-1]
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), body)


def parse_dot(text: str) -> tuple[dict[str, dict[str, str]], list[tuple[str, str, dict[str, str]]]]:
    """Nodes and edges of the DOT tpm writes; any other line fails."""
    lines = text.splitlines()
    assert lines[0].startswith("digraph ") and lines[-1] == "}"
    nodes: dict[str, dict[str, str]] = {}
    edges: list[tuple[str, str, dict[str, str]]] = []
    for line in lines[1:-1]:
        if line.startswith(("  graph [", "  node [")):
            continue
        if m := _EDGE.match(line):
            attrs = {k: _unquote(v) for k, v in re.findall(_ATTR, m.group(3))}
            edges.append((_unquote(m.group(1)), _unquote(m.group(2)), attrs))
        elif m := _NODE.match(line):
            nodes[_unquote(m.group(1))] = {k: _unquote(v) for k, v in re.findall(_ATTR, m.group(2))}
        else:
            raise AssertionError(f"not a statement tpm writes: {line!r}")
    return nodes, edges


def _example(example_plan: Path) -> tuple[Plan, Schedule]:
    plan = load_plan(example_plan).plan
    assert plan is not None and plan.program.as_of is not None
    return plan, schedule(plan, plan.program.as_of)


def test_graphml_reads_back_with_every_attribute(run_cli: RunCli, example_plan: Path) -> None:
    _plan, sched = _example(example_plan)
    code, out, _err = run_cli("export", example_plan, "--format", "graphml")
    assert code == 0
    g = nx.read_graphml(io.BytesIO(out.encode("utf-8")))
    assert list(g.nodes) == list(sched.milestones)
    assert g.number_of_edges() == sum(len(p) for p in sched.graph.preds)
    for ident, m in sched.milestones.items():
        data = g.nodes[ident]
        assert (data["title"], data["team"], data["status"]) == (m.title, m.team, m.status)
        assert (data["start"], data["finish"]) == (str(m.start), str(m.finish))
        assert data["critical"] is (ident in sched.critical)
        assert data["late"] is (ident in sched.late)
        if m.status == "done":
            assert "total_float" not in data
        else:
            assert data["total_float"] == pytest.approx(m.total_float)
    driving = {(a, b) for a, b, d in g.edges(data=True) if d["driving"]}
    on_path = {(p[k], p[k + 1]) for p in sched.critical_paths for k in range(len(p) - 1)}
    assert driving == on_path
    assert g.graph["finish"] == str(sched.finish)


def test_dot_draws_the_critical_path_in_red_and_lists_every_link(
    run_cli: RunCli, example_plan: Path
) -> None:
    _plan, sched = _example(example_plan)
    code, out, _err = run_cli("export", example_plan, "--format", "dot")
    assert code == 0
    nodes, edges = parse_dot(out)
    assert list(nodes) == list(sched.milestones)
    red = {n for n, a in nodes.items() if a.get("color") == "red"}
    assert red == set(sched.critical)
    assert nodes["mobile-release"]["late"] == "true"
    assert nodes["mobile-release"]["critical"] == "false"
    assert len(edges) == sum(len(p) for p in sched.graph.preds)
    assert ("bnpl-legal", "bnpl") in {(a, b) for a, b, d in edges if d["driving"] == "true"}


def test_hostile_titles_stay_inside_their_strings(tmp_path: Path, run_cli: RunCli) -> None:
    path = tmp_path / "hostile.toml"
    path.write_text(hostile_plan(), encoding="utf-8")
    code, dot, _err = run_cli("export", path, "--format", "dot")
    assert code == 0
    nodes, _edges = parse_dot(dot)
    titles = [nodes[f"m{i}"]["title"] for i in range(len(HOSTILE_TITLES))]
    assert titles == [t.replace("\r\n", "\n") for t in HOSTILE_TITLES]
    code, graphml, _err = run_cli("export", path, "--format", "graphml")
    assert code == 0
    g = nx.read_graphml(io.BytesIO(graphml.encode("utf-8")))
    assert [g.nodes[f"m{i}"]["title"] for i in range(len(HOSTILE_TITLES))] == [
        t.replace("\r\n", "\n").replace("\r", "\n") for t in HOSTILE_TITLES
    ]


def test_control_characters_cannot_make_the_graphml_invalid() -> None:
    from schedule_helpers import MONDAY, ms, plan_of

    from tpm.render.export.graph import render_graphml

    plan = plan_of(ms("a", 1, title="bell\x07 and nul\x00"), ms("b", 1, "a"))
    text = render_graphml(schedule_graph(schedule(plan, MONDAY)))
    g = nx.read_graphml(io.BytesIO(text.encode("utf-8")))
    assert g.nodes["a"]["title"] == "bell\ufffd and nul\ufffd"
