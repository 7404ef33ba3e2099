"""The dependency graph for graph tools: GraphML (yEd, Gephi) and DOT (Graphviz).

Both take the networkx graph of :func:`tpm.schedule.network.schedule_graph`: milestones as
nodes with their title, team, status, dates, float and whether they are critical, late or
near-critical; links as edges with type, lag and whether they drive a critical path.

- GraphML is written by networkx's own writer (``networkx.generate_graphml``), so every
  attribute is typed (string, double, boolean) as yEd and Gephi expect. XML 1.0 cannot hold
  most control characters: they become U+FFFD in the text (tab and newline stay).
- DOT is written here: networkx's ``write_dot`` needs pydot or pygraphviz, which tpm does not
  depend on. Every id and value is a quoted DOT string (``"`` and ``\\`` escaped, line breaks
  as ``\\n``), so no plan text can end a statement or inject an attribute.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import networkx as nx

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_safe(value: Any) -> Any:
    return _XML_INVALID.sub("\ufffd", value) if isinstance(value, str) else value


def render_graphml(graph: nx.DiGraph[str]) -> str:
    """The graph as GraphML text (networkx's writer), attributes typed."""
    import networkx as nx

    safe: nx.DiGraph[str] = nx.DiGraph()
    safe.graph.update({k: _xml_safe(v) for k, v in graph.graph.items()})
    safe.add_nodes_from(
        (_xml_safe(n), {k: _xml_safe(v) for k, v in data.items()})
        for n, data in graph.nodes(data=True)
    )
    safe.add_edges_from(
        (_xml_safe(a), _xml_safe(b), {k: _xml_safe(v) for k, v in data.items()})
        for a, b, data in graph.edges(data=True)
    )
    return "\n".join(nx.generate_graphml(safe, prettyprint=True)) + "\n"


def quote(value: object) -> str:
    """A DOT double-quoted string: quotes and backslashes escaped, line breaks as ``\\n``."""
    if isinstance(value, bool):
        value = "true" if value else "false"
    elif isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    return '"' + text + '"'


def _attrs(data: dict[str, Any]) -> str:
    return ", ".join(f"{key}={quote(value)}" for key, value in data.items())


def render_dot(graph: nx.DiGraph[str]) -> str:
    """The graph as a Graphviz DOT digraph: left to right, critical work drawn in red."""
    lines = [f"digraph {quote(graph.graph.get('program', 'plan'))} {{"]
    head = {"rankdir": "LR", **graph.graph}
    lines.append(f"  graph [{_attrs(head)}];")
    lines.append('  node [shape="box", style="rounded"];')
    for node, data in graph.nodes(data=True):
        shown = dict(data)
        title = str(data.get("title", ""))
        shown["label"] = f"{node}\n{title}\n{data.get('start')} to {data.get('finish')}"
        if data.get("critical"):
            shown.update(color="red", penwidth=2)
        elif data.get("late"):
            shown.update(color="orange")
        if data.get("status") == "done":
            shown.update(style="rounded,dashed")
        lines.append(f"  {quote(node)} [{_attrs(shown)}];")
    for a, b, data in graph.edges(data=True):
        shown = dict(data)
        if data.get("driving"):
            shown.update(color="red", penwidth=2)
        lines.append(f"  {quote(a)} -> {quote(b)} [{_attrs(shown)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"
