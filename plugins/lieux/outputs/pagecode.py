"""How the renderer's templates compile: the same pages, with less work per page.

Jinja compiles a template to Python that yields each piece of output on its own: a constant, then
``escape(value)``, then a constant… Every piece goes up through the generators of the block, of the
parent template (``{% extends %}``) and of the page before it is joined, and every escaped value is
first made a ``Markup`` object, only to be joined into a plain string. A place page has about 140 such
pieces and 55 escaped values.

``PageCode`` is Jinja's code generator (``Environment.code_generator_class``, made for this) with
four changes, which give the same text:

- an output node (the text between two tags of control: ``{% if %}``, ``{% for %}``…) yields one
  string, its pieces joined where they are made;
- a value is escaped by ``escape_text``: markupsafe's own escaping (the same characters, the same
  entities), returned as the plain string that joining would make of it;
- ``include_shared("…")`` (six calls a place page) is called directly when the name holds the
  renderer's function, with the context Jinja's ``Context.call`` would give it (a block's variables
  included), instead of through ``Context.call``, which costs a microsecond a call to find that out;
- ``{% include "partial.html" %}`` of a partial that defines nothing (no block, macro, import or
  ``extends``) and calls nothing is compiled in place, as the body of a ``{% with %}``, where that
  gives what the include gives (``_in_place`` says when): it sees what an include sees (the page's
  variables, the local ones) and what it sets stays inside, without the new context, the template
  lookup and the generator an include makes on each page (about 10 µs a place page, for
  ``_wanted_events.html``). Its lines are reported at the include's. ``templatecache.TemplateCache``
  checks the sources of the partials a template includes with its own.

``{% set %}`` blocks, macros and calls gather their pieces as Jinja does (escaped the same way), and
a template whose autoescaping changes while it runs (``{% autoescape %}``) keeps Jinja's code. Only
the Jinja version pinned in ``requirements.txt`` is known to compile this way:
``tests/test_pagecode.py`` compares every page kind with Jinja's own compilation.
"""

from __future__ import annotations

from typing import Any

import markupsafe
from jinja2 import TemplateNotFound, meta, nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.idtracking import VAR_LOAD_PARAMETER, VAR_LOAD_RESOLVE

from .templatecache import autoescapes, included_names, passed

# markupsafe's own escaping of a str (C-accelerated), which its escape() wraps in a Markup; through escape() if a
# later markupsafe no longer has it.
_escape_inner = getattr(markupsafe, "_escape_inner", None) or (lambda text: str(markupsafe.escape(text)))


def escape_text(value: Any) -> str:
    """The text of ``markupsafe.escape(value)``, without making a ``Markup`` of it: a page joins it at once."""
    if type(value) is str:
        return _escape_inner(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return _escape_inner(str(value))


# What a partial compiled in place may not hold: a name or a scope of its own, a change of escaping, or what may
# read the context it runs in (a call may reach a function given the context, which for an include is its own).
NOT_IN_PLACE = (nodes.Extends, nodes.Block, nodes.Macro, nodes.CallBlock, nodes.Import, nodes.FromImport,
                nodes.Call, nodes.ContextReference, nodes.DerivedContextReference, nodes.EvalContextModifier)
BOUND_BEFORE = (VAR_LOAD_PARAMETER, VAR_LOAD_RESOLVE)  # how a page's variable is given a value before it is read


class PageCode(CodeGenerator):
    """Jinja's code generator, yielding one string per output node, its values escaped by ``escape_text``, calling
    ``include_shared`` directly and compiling in place the partials it includes that define and call nothing."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._inlining: list[str] = []  # the partials being compiled in place, the outermost first

    def visit_Template(self, node: nodes.Template, frame: Frame | None = None) -> None:
        self.writeline(f"from {__name__} import escape_text")
        self.writeline(f"from {__package__}.render import include_shared as shared_partial")
        super().visit_Template(node, frame)

    def visit_Call(self, node: nodes.Call, frame: Frame, forward_caller: bool = False) -> None:
        """``include_shared("…")``: ``shared_partial(context, "…")`` when the name holds it, else Jinja's call.
        In a block, the context holds the block's variables as ``Context.call`` would add them; in a loop, and for
        any other call, Jinja's code is kept."""
        if not _shared_call(node, frame, forward_caller) or self.environment.is_async or self.environment.sandboxed:
            super().visit_Call(node, frame, forward_caller=forward_caller)
            return
        context = "(context.derived(_block_vars) if _block_vars else context)" if frame.block_frame else "context"
        self.write(f"(shared_partial({context}, ")
        self.visit(node.args[0], frame)
        self.write(") if ")
        self.visit(node.node, frame)
        self.write(" is shared_partial else ")
        super().visit_Call(node, frame, forward_caller=forward_caller)
        self.write(")")

    def visit_Include(self, node: nodes.Include, frame: Frame) -> None:
        """An include compiled in place (``Scope``, as ``{% with %}``), when ``_in_place`` allows it; its filters and
        tests are looked up where it starts, under names of its own (as Jinja does for a block)."""
        body = self._in_place(node, frame)
        if body is None:
            super().visit_Include(node, frame)
            return
        self._inlining.append(node.template.value)
        outer, self.filters, self.tests = (self.filters, self.tests), {}, {}
        self.pull_dependencies(body)
        self.visit_Scope(nodes.Scope(body, lineno=node.lineno), frame)
        self.filters, self.tests = outer
        self._inlining.pop()

    def _in_place(self, node: nodes.Include, frame: Frame) -> list[nodes.Node] | None:
        """The body of the partial ``node`` includes, its lines set to the include's, when compiling it in place
        gives what the include gives: a partial named by a constant that the template cache sees
        (``templatecache.included_names``), with the page's context, escaped alike, not including itself, outside
        the output a child template ignores, holding nothing of ``NOT_IN_PLACE`` nor a filter or test given the
        context, and reading no variable of the page that may have no value yet."""
        name = node.template.value if isinstance(node.template, nodes.Const) else None
        if (not isinstance(name, str) or not node.with_context or node.ignore_missing or name in self._inlining
                or self.environment.is_async or frame.require_output_check or frame.eval_ctx.volatile
                or frame.eval_ctx.autoescape != autoescapes(self.environment, name)
                or name not in self._included()):
            return None
        try:
            source, filename, _ = self.environment.loader.get_source(self.environment, name)
        except TemplateNotFound:
            return None  # Jinja's include reports it, when the page renders
        tree = self.environment.parse(source, name, filename)
        if next(tree.find_all(NOT_IN_PLACE), None) is not None or self._reads_context(tree) or any(
                (ref := frame.symbols.find_ref(variable)) is not None and frame.symbols.find_load(ref)[0]
                not in BOUND_BEFORE for variable in meta.find_undeclared_variables(tree)):
            return None
        for child in tree.find_all(nodes.Node):
            child.lineno = node.lineno
        return tree.body

    def _included(self) -> list[str]:
        """The partials this template includes by name, as the template cache finds them in its source."""
        try:
            return included_names(self.environment, self.environment.loader.get_source(self.environment, self.name)[0])
        except (TemplateNotFound, TypeError, AttributeError):  # a template made from a string, or without a loader
            return []

    def _reads_context(self, tree: nodes.Template) -> bool:
        """Whether a filter or test of ``tree`` is given the context (missing ones count, as Jinja finds them late)."""
        used = [(self.environment.filters, f.name) for f in tree.find_all(nodes.Filter)]
        used += [(self.environment.tests, t.name) for t in tree.find_all(nodes.Test)]
        return any(name not in table or passed(table[name]) == "context" for table, name in used)

    def _output_child_pre(self, node: nodes.Expr, frame: Frame, finalize: Any) -> None:
        if frame.eval_ctx.volatile or not frame.eval_ctx.autoescape:
            super()._output_child_pre(node, frame, finalize)
            return
        self.write("escape_text(")
        if finalize.src is not None:
            self.write(finalize.src)

    def visit_Output(self, node: nodes.Output, frame: Frame) -> None:
        if frame.buffer is not None or self.environment.is_async or frame.eval_ctx.volatile or len(node.nodes) < 2:
            super().visit_Output(node, frame)
            return
        if frame.require_output_check:  # as Jinja's: outside a block of a child template, nothing is output
            if self.has_known_extends:
                return
            self.writeline("if parent_template is None:")
            self.indent()
        self.writeline("yield concat((")
        self.indent()
        finalize = self._make_finalize()
        for item in self._output_parts(node, frame, finalize):
            if isinstance(item, list):
                self.writeline(self._output_const_repr(item) + ",")
            else:
                self.newline(item)
                self._output_child_pre(item, frame, finalize)
                self.visit(item, frame)
                self._output_child_post(item, frame, finalize)
                self.write(",")
        self.outdent()
        self.writeline("))")
        if frame.require_output_check:
            self.outdent()

    def _output_parts(self, node: nodes.Output, frame: Frame, finalize: Any) -> list[Any]:
        """Jinja's own split of an output node (``visit_Output``): runs of constants (lists) and expressions."""
        body: list[Any] = []
        for child in node.nodes:
            try:
                if not (finalize.const or isinstance(child, nodes.TemplateData)):
                    raise nodes.Impossible()
                const = self._output_child_to_const(child, frame, finalize)
            except (nodes.Impossible, Exception):
                body.append(child)
                continue
            if body and isinstance(body[-1], list):
                body[-1].append(const)
            else:
                body.append([const])
        return body


def _shared_call(node: nodes.Call, frame: Frame, forward_caller: bool) -> bool:
    """Whether ``node`` is ``include_shared(one argument)`` outside a loop."""
    return (isinstance(node.node, nodes.Name) and node.node.name == "include_shared" and len(node.args) == 1
            and not (node.kwargs or node.dyn_args or node.dyn_kwargs or forward_caller or frame.loop_frame))
