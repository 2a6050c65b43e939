"""``layerlint layers``: the layer each module was given, and the layer-to-layer
import map with the violating edges marked (as text or a Mermaid flowchart).

This is how a user checks the classification before trusting the gate. Modules
and import targets are classified exactly as the rules do (``FileContext.layer``,
``FileContext.import_targets``); only first-party targets are part of the map
(a relative import is always first-party). A first-party module outside every
layer appears as ``(none)``. An import is a violation when LL101 or LL102 flags it
(:func:`violation`, but for LL102's silence in a shared module or one declaring
endpoints), and an
edge when one of its imports is (tests/test_layermap.py checks that the map and the
rules agree). Suppressions (``noqa``, per-file-ignores,
selection) do not hide an edge: the map shows the architecture as written.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from dataclasses import dataclass, field

from layerlint.cache import read_bytes
from layerlint.context import FileContext
from layerlint.engine import decode_source
from layerlint.facts.fastapi import defines_endpoints, imported_route_code
from layerlint.layers import LAYER_NAMES, RANK, is_shared
from layerlint.parse import parse_quietly
from layerlint.runner import Overrides, discover, display, effective_settings

NONE = "(none)"


def violation(source_layer: str | None, target_layer: str | None) -> str | None:
    """The rule an import from a ``source_layer`` module of a ``target_layer`` module
    breaks (LL101 / LL102, as in rules/layers/), or None."""
    if source_layer == "routes" and target_layer == "repositories":
        return "LL101"
    if source_layer in RANK and target_layer in RANK and RANK[target_layer] < RANK[source_layer]:
        return "LL102"
    return None


@dataclass(frozen=True)
class Module:
    path: str
    module: str
    layer: str | None
    # a module of another layer that declares endpoints: route code to the layer rules, whatever
    # its name says (review 123: a `models.py` of admin views read as models by a reader)
    route_code: bool = False


@dataclass(frozen=True)
class ImportSite:
    path: str
    line: int
    source_module: str
    target_module: str
    code: str | None


@dataclass
class Edge:
    source: str  # a layer name or NONE
    target: str
    sites: list[ImportSite] = field(default_factory=list)

    @property
    def code(self) -> str | None:
        """The rule its import statements break (some may not: a module declaring endpoints)."""
        return next((site.code for site in self.sites if site.code), None)


@dataclass
class LayerMap:
    modules: list[Module] = field(default_factory=list)
    edges: dict[tuple[str, str], Edge] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    unparsed: list[str] = field(default_factory=list)  # files whose imports are missing
    files: list[str] = field(default_factory=list)  # the files mapped, as found

    def sorted_edges(self) -> list[Edge]:
        order = {name: i for i, name in enumerate((*LAYER_NAMES, NONE))}
        return sorted(self.edges.values(), key=lambda e: (order.get(e.source, 99), order.get(e.target, 99)))

    def violations(self) -> list[ImportSite]:
        sites = [site for edge in self.edges.values() for site in edge.sites if site.code]
        return sorted(sites, key=lambda s: (s.path, s.line, s.target_module))


def build(paths: list[str], overrides: Overrides) -> LayerMap:
    found = discover(paths, overrides)
    result = LayerMap(errors=list(found.errors), files=found.files)
    for path in found.files:
        shown = display(path)
        try:
            data = read_bytes(path)
        except OSError as exc:
            result.errors.append(f"{shown}: cannot read: {exc.strerror or exc}")
            continue
        try:
            source = decode_source(data)
            tree = parse_quietly(source, filename=shown)
        except (SyntaxError, ValueError, UnicodeDecodeError, LookupError, RecursionError, MemoryError):
            # its layer still comes from its name; its imports cannot be known
            source, tree = "", ast.Module(body=[], type_ignores=[])
            result.unparsed.append(shown)
        ctx = FileContext(path, source, tree, effective_settings(path, overrides), display_path=shown)
        route_code = ctx.layer not in (None, "routes") and defines_endpoints(ctx)
        result.modules.append(Module(shown, ctx.module, ctx.layer, route_code))
        source_layer = ctx.layer or NONE
        for node in ast.walk(tree):
            if not isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            relative = isinstance(node, ast.ImportFrom) and node.level > 0
            seen: set[tuple[str, str]] = set()
            for index, (target, layer) in enumerate(ctx.import_targets(node)):
                if not target or not (relative or ctx.is_first_party(target)):
                    continue
                if is_shared(target):
                    layer = None  # a shared module: any layer may import it, as the rules see it
                key = (source_layer, layer or NONE)
                if (key, target) in seen:
                    continue
                seen.add((key, target))
                code = violation(ctx.layer, layer)
                if code == "LL102" and (is_shared(ctx.module) or defines_endpoints(ctx)):
                    code = None  # a shared module, or route code whatever its name says (as LL102 sees them)
                elif code == "LL101" and imported_route_code(target, ctx):
                    code = None  # a module declaring endpoints is route code whatever its name says (as LL101 sees it)
                # (named as the rules' messages name it: `from app.repositories import
                # user_repo` imports `app.repositories.user_repo`)
                named = ctx.import_target_named(node, index, target, layer) if layer is not None else target
                edge = result.edges.setdefault(key, Edge(*key))
                edge.sites.append(ImportSite(shown, node.lineno, ctx.module, named, code))
    return result


# -- rendering --------------------------------------------------------------------------
def render_text(layer_map: LayerMap) -> str:
    out: list[str] = []
    modules = sorted(layer_map.modules, key=lambda m: m.path)
    by_layer: dict[str, list[Module]] = defaultdict(list)
    for module in modules:
        by_layer[module.layer or NONE].append(module)
    out.append(f"Modules ({len(modules)}):")
    for layer in (*LAYER_NAMES, NONE):
        for module in by_layer.get(layer, ()):
            note = "  (declares endpoints: route code to the layer rules)" if module.route_code else ""
            out.append(f"  {layer:<13} {module.module or '?':<40} {module.path}{note}")
    out.append("")
    edges = layer_map.sorted_edges()
    out.append("Layer imports (importing layer -> imported layer: import statements):")
    if not edges:
        out.append("  (no first-party imports)")
    width = max((len(e.source) + len(e.target) for e in edges), default=0) + 4
    for edge in edges:
        arrow = f"{edge.source} -> {edge.target}"
        mark = f"  VIOLATION {edge.code}" if edge.code else ""
        out.append(f"  {arrow:<{width}} {len(edge.sites):>4}{mark}")
    violations = layer_map.violations()
    out.append("")
    out.append(f"Violations ({len(violations)}):")
    for site in violations:
        out.append(f"  {site.path}:{site.line}: {site.code} {site.source_module} imports {site.target_module}")
    if layer_map.unparsed:
        out.append("")
        out.append(f"Not parsed, so their imports are missing from the map ({len(layer_map.unparsed)}):")
        out.extend(f"  {path}" for path in sorted(layer_map.unparsed))
    return "\n".join(out) + "\n"


def _node_id(name: str) -> str:
    return "nolayer" if name == NONE else name


def render_mermaid(layer_map: LayerMap) -> str:
    """A Mermaid flowchart (paste it in a ```mermaid block); violating edges in red."""
    edges = layer_map.sorted_edges()
    used = {e.source for e in edges} | {e.target for e in edges} | {m.layer or NONE for m in layer_map.modules}
    counts: dict[str, int] = defaultdict(int)
    for module in layer_map.modules:
        counts[module.layer or NONE] += 1
    out = ["flowchart TD"]
    for name in (*LAYER_NAMES, NONE):
        if name in used:
            label = "no layer" if name == NONE else name
            out.append(f'    {_node_id(name)}["{label} ({counts.get(name, 0)} modules)"]')
    red: list[int] = []
    for index, edge in enumerate(edges):
        label = f"{len(edge.sites)}"
        if edge.code:
            label += f" {edge.code}"
            red.append(index)
        arrow = "-.->" if edge.code else "-->"
        out.append(f'    {_node_id(edge.source)} {arrow}|"{label}"| {_node_id(edge.target)}')
    for index in red:
        out.append(f"    linkStyle {index} stroke:#d32f2f,stroke-width:2px,color:#d32f2f")
    return "\n".join(out) + "\n"
