"""No two of rmdesk's modules import each other, directly or round a longer loop, counting
imports made only for type checking and imports inside functions (grimp, as import-linter reads
them), except the loops written down here with their reason."""

from __future__ import annotations

import grimp

#: loops that may stay, each with why
ALLOWED = {
    # access records a refusal in the audit trail, which is itself guarded by access: the one
    # lazy import, inside the function that records (services/common/access.py)
    frozenset({"rmdesk.services.common.access", "rmdesk.services.common.audit"}),
}


def import_loops(graph: grimp.ImportGraph) -> list[frozenset[str]]:
    """The groups of modules that reach each other by imports (Tarjan's strongly connected
    components of more than one module)."""
    modules = sorted(graph.modules)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    loops: list[frozenset[str]] = []

    for root in modules:  # iterative, so that a deep chain of imports is no recursion limit
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            module, targets = work[-1]
            for target in targets:
                if target not in graph.modules:
                    continue
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append(
                        (target, iter(sorted(graph.find_modules_directly_imported_by(target))))
                    )
                    break
                if target in on_stack:
                    low[module] = min(low[module], index[target])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[module])
                if low[module] == index[module]:
                    group = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.add(member)
                        if member == module:
                            break
                    if len(group) > 1:
                        loops.append(frozenset(group))
    return loops


def test_the_finder_finds_a_loop_made_only_for_type_checking() -> None:
    graph = grimp.ImportGraph()
    for module in ("p", "p.view", "p.actions", "p.other"):
        graph.add_module(module)
    graph.add_import(importer="p.view", imported="p.actions")
    graph.add_import(importer="p.actions", imported="p.view")  # as under TYPE_CHECKING
    graph.add_import(importer="p.other", imported="p.view")
    assert import_loops(graph) == [frozenset({"p.view", "p.actions"})]


def test_no_module_of_rmdesk_imports_itself_round_a_loop() -> None:
    graph = grimp.build_graph("rmdesk", cache_dir=None)
    assert "rmdesk.views.planner.view" not in graph.find_modules_directly_imported_by(
        "rmdesk.views.planner.actions"
    )
    assert [sorted(loop) for loop in import_loops(graph) if loop not in ALLOWED] == []
