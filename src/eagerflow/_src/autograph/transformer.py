"""The source transformation: a function's `ast` rewritten so control flow calls `operators`.

Passes, in order, on one function definition (nested definitions get their own):
1. `return` inside `if`/`while`/`for` becomes `do_return`/`retval` assignments; statements
   after one that may have returned run under `if not do_return:`; inside loops a return
   also breaks.
2. `break`/`continue` become flag assignments; later statements run under `if not flag:`;
   a loop with a break gets the flag as an extra test (`while not flag and test`), its
   `else:` runs under `if not flag:`.
3. `and`/`or`/`not` become `ag__.and_`/`or_`/`not_` (lazy operands), `a if c else b`
   becomes `ag__.if_exp`, calls become
   `ag__.converted_call(f, args, kwargs)` (so called functions are converted too).
4. `if`/`while`/`for` become local functions over the variables they assign plus one call
   of `ag__.if_stmt`/`while_stmt`/`for_stmt`, which picks Python or graph control flow by
   the condition's type at run time. Each call carries, per variable, whether it is used
   outside the statement (TF's errors for variables defined on one branch only or first
   inside a loop are raised only for those).
"""
from __future__ import annotations

import ast
import itertools
from typing import Iterable

AG = "ag__"
_FN = "ag__fn_"  # prefix of generated local functions (never state)
_RETURN_FLAG = "ag__do_return"
_RETVAL = "ag__retval"
# Calls left as written: they read the calling frame.
_FRAME_BUILTINS = frozenset({"super", "locals", "globals", "vars", "eval", "exec", "dir"})
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef, ast.ListComp,
           ast.SetComp, ast.DictComp, ast.GeneratorExp)


def _name(id_: str, store: bool = False) -> ast.Name:
    return ast.Name(id=id_, ctx=ast.Store() if store else ast.Load())


def _attr(name: str) -> ast.Attribute:
    return ast.Attribute(value=_name(AG), attr=name, ctx=ast.Load())


def _assign(target: str, value: ast.expr) -> ast.Assign:
    return ast.Assign(targets=[_name(target, True)], value=value, lineno=0)


def _walk_scope(node: ast.AST) -> Iterable[ast.AST]:
    """Nodes of `node`'s body, not descending into nested scopes (their names are theirs)."""
    stack = list(ast.iter_child_nodes(node))
    while stack:
        n = stack.pop()
        yield n
        if isinstance(n, _SCOPES):
            continue
        stack.extend(ast.iter_child_nodes(n))


def _contains(nodes: list, kinds: tuple, stop_at_loops: bool = False) -> bool:
    for stmt in nodes:
        for n in itertools.chain([stmt], _walk_scope(stmt)):
            if isinstance(n, kinds):
                return True
    return False


def _contains_in_loop_body(nodes: list, kinds: tuple) -> bool:
    """`kinds` in `nodes`, not counting those inside nested loops or scopes."""
    stack = list(nodes)
    while stack:
        n = stack.pop()
        if isinstance(n, kinds):
            return True
        if isinstance(n, (ast.While, ast.For, *_SCOPES)):
            if isinstance(n, (ast.While, ast.For)):
                stack.extend(n.orelse)
            continue
        stack.extend(ast.iter_child_nodes(n))
    return False


def assigned_names(stmts: list) -> list[str]:
    """Names bound by `stmts` in their own scope, in first-seen order."""
    seen: dict[str, None] = {}
    for stmt in stmts:
        for n in itertools.chain([stmt], _walk_scope(stmt)):
            if isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del)):
                seen.setdefault(n.id)
            elif isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                seen.setdefault(n.name)
            elif isinstance(n, (ast.Import, ast.ImportFrom)):
                for alias in n.names:
                    seen.setdefault((alias.asname or alias.name).split(".")[0])
    # Nested scopes' own names are theirs; a def's name belongs to this scope (added above).
    return [name for name in seen if not name.startswith(_FN)]


def _declared(fn: ast.AST) -> dict[str, type]:
    """Names `fn` declares `global` or `nonlocal` -> that statement's class."""
    out: dict[str, type] = {}
    for n in _walk_scope(fn):
        if isinstance(n, (ast.Global, ast.Nonlocal)):
            for name in n.names:
                out[name] = type(n)
    return out


# --- pass 1: returns ------------------------------------------------------------------------
class _ReturnLowering:
    def __init__(self) -> None:
        self.used = False

    def lower_function(self, fn: ast.FunctionDef) -> None:
        nested = any(isinstance(n, ast.Return) for stmt in fn.body if not isinstance(stmt, ast.Return)
                     for n in _walk_scope(stmt))
        if not nested:
            return
        self.used = True
        body = self._block(fn.body, in_loop=False)
        fn.body = [_assign(_RETURN_FLAG, ast.Constant(False)),
                   _assign(_RETVAL, ast.Call(func=_attr("UndefinedReturnValue"), args=[], keywords=[])),
                   *body,
                   ast.Return(value=ast.Call(func=_attr("retval"), args=[_name(_RETVAL)], keywords=[]))]

    def _block(self, stmts: list, in_loop: bool) -> list:
        out: list = []
        for i, stmt in enumerate(stmts):
            if isinstance(stmt, ast.Return):
                out.append(_assign(_RETURN_FLAG, ast.Constant(True)))
                out.append(_assign(_RETVAL, stmt.value or ast.Constant(None)))
                if in_loop:
                    out.append(ast.Break())
                return out
            may_return = _contains([stmt], (ast.Return,))
            rest = stmts[i + 1:]
            if isinstance(stmt, ast.If) and rest and _always_returns(stmt.body):
                # `if c: return a` then more: the rest is the else branch (no flag needed).
                stmt.orelse = stmt.orelse + rest
                rest = []
            elif isinstance(stmt, ast.If) and rest and stmt.orelse and _always_returns(stmt.orelse):
                stmt.body = stmt.body + rest
                rest = []
            if isinstance(stmt, ast.If) and may_return:
                stmt.body = self._block(stmt.body, in_loop)
                stmt.orelse = self._block(stmt.orelse, in_loop)
            elif isinstance(stmt, (ast.While, ast.For)) and may_return:
                stmt.body = self._block(stmt.body, True)
                stmt.orelse = self._block(stmt.orelse, in_loop)
            elif isinstance(stmt, (ast.With, ast.Try)) and may_return:
                stmt.body = self._block(stmt.body, in_loop)
            out.append(stmt)
            if isinstance(stmt, ast.If) and not rest and i + 1 < len(stmts):
                return out
            if may_return and rest:
                guarded = self._block(rest, in_loop)
                if in_loop:
                    # A return inside a nested loop broke that loop only: break this one too.
                    out.append(ast.If(test=_name(_RETURN_FLAG), body=[ast.Break()], orelse=[]))
                out.append(ast.If(test=ast.UnaryOp(op=ast.Not(), operand=_name(_RETURN_FLAG)),
                                  body=guarded, orelse=[]))
                return out
            if may_return and in_loop and isinstance(stmt, (ast.While, ast.For)):
                out.append(ast.If(test=_name(_RETURN_FLAG), body=[ast.Break()], orelse=[]))
        return out


def _always_returns(stmts: list) -> bool:
    if not stmts:
        return False
    last = stmts[-1]
    if isinstance(last, ast.Return):
        return True
    return isinstance(last, ast.If) and _always_returns(last.body) and _always_returns(last.orelse)


# --- pass 2: break / continue -----------------------------------------------------------------
class _JumpLowering(ast.NodeTransformer):
    def __init__(self) -> None:
        self.counter = itertools.count()

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        self.generic_visit(node)
        return node

    def _loop(self, node: ast.AST) -> list:
        self.generic_visit(node)  # inner loops first
        has_break = _contains_in_loop_body(node.body, (ast.Break,))
        has_continue = _contains_in_loop_body(node.body, (ast.Continue,))
        prefix: list = []
        n = next(self.counter)
        if has_continue:
            flag = f"ag__continue_{n}"
            node.body = [_assign(flag, ast.Constant(False)), *self._guard(node.body, flag, ast.Continue)]
        if has_break:
            flag = f"ag__break_{n}"
            prefix.append(_assign(flag, ast.Constant(False)))
            node.body = self._guard(node.body, flag, ast.Break)
            not_flag = ast.UnaryOp(op=ast.Not(), operand=_name(flag))
            if isinstance(node, ast.While):
                node.test = ast.BoolOp(op=ast.And(), values=[not_flag, node.test])
            else:  # kept beside the tree (pass 3 does not see it): converted here
                node.ag_extra_test = ast.Call(func=_attr("not_"), args=[_name(flag)], keywords=[])
            orelse, node.orelse = node.orelse, []
            suffix = [ast.If(test=ast.UnaryOp(op=ast.Not(), operand=_name(flag)), body=orelse, orelse=[])] \
                if orelse else []
            return [*prefix, node, *suffix]
        orelse, node.orelse = node.orelse, []
        return [node, *orelse]

    visit_While = _loop
    visit_For = _loop

    def _guard(self, stmts: list, flag: str, kind: type) -> list:
        """`stmts` with `kind` statements replaced by `flag = True` and what follows guarded."""
        out: list = []
        for i, stmt in enumerate(stmts):
            if isinstance(stmt, kind):
                out.append(_assign(flag, ast.Constant(True)))
                return out
            jumps = _contains_in_loop_body([stmt], (kind,))
            if jumps:
                if isinstance(stmt, ast.If):
                    stmt.body = self._guard(stmt.body, flag, kind)
                    stmt.orelse = self._guard(stmt.orelse, flag, kind)
                elif isinstance(stmt, (ast.With, ast.Try)):
                    stmt.body = self._guard(stmt.body, flag, kind)
            out.append(stmt)
            rest = stmts[i + 1:]
            if jumps and rest:
                out.append(ast.If(test=ast.UnaryOp(op=ast.Not(), operand=_name(flag)),
                                  body=self._guard(rest, flag, kind), orelse=[]))
                return out
        return out


# --- pass 3: expressions ------------------------------------------------------------------------
class _ExpressionConversion(ast.NodeTransformer):
    def visit_BoolOp(self, node: ast.BoolOp) -> ast.AST:
        self.generic_visit(node)
        fn = "and_" if isinstance(node.op, ast.And) else "or_"
        result = node.values[-1]
        for value in reversed(node.values[:-1]):
            result = ast.Call(func=_attr(fn), args=[_thunk(value), _thunk(result)], keywords=[])
        return result

    def visit_IfExp(self, node: ast.IfExp) -> ast.AST:
        self.generic_visit(node)
        return ast.Call(func=_attr("if_exp"), args=[node.test, _thunk(node.body), _thunk(node.orelse)],
                        keywords=[])

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.op, ast.Not):
            return ast.Call(func=_attr("not_"), args=[node.operand], keywords=[])
        return node

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        func = node.func
        if isinstance(func, ast.Name) and (func.id in _FRAME_BUILTINS or func.id.startswith(AG)):
            return node
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == AG:
            return node
        args = ast.Tuple(elts=node.args, ctx=ast.Load())
        keys: list = []
        values: list = []
        for kw in node.keywords:
            keys.append(None if kw.arg is None else ast.Constant(kw.arg))
            values.append(kw.value)
        kwargs = ast.Dict(keys=keys, values=values) if keys else ast.Constant(None)
        return ast.Call(func=_attr("converted_call"), args=[func, args, kwargs], keywords=[])

    def visit_Lambda(self, node: ast.Lambda) -> ast.AST:
        return node  # lambdas stay as written (TF converts them; eagerflow calls them as-is)


def _thunk(expr: ast.expr) -> ast.Lambda:
    return ast.Lambda(args=ast.arguments(posonlyargs=[], args=[], vararg=None, kwonlyargs=[],
                                         kw_defaults=[], kwarg=None, defaults=[]), body=expr)


# --- pass 4: statements -------------------------------------------------------------------------
def _loads_outside(fn: ast.AST) -> dict[int, set[str]]:
    """For each if/while/for node of `fn`'s scope: the names loaded in `fn` outside it."""
    loads: list[tuple[ast.Name, set[int]]] = []
    owners: dict[int, set[int]] = {}

    def walk(node: ast.AST, enclosing: tuple) -> None:
        for child in ast.iter_child_nodes(node):
            inner = enclosing
            if isinstance(child, (ast.If, ast.While, ast.For)):
                inner = enclosing + (id(child),)
                owners[id(child)] = set()
            if isinstance(child, ast.Name) and isinstance(child.ctx, ast.Load):
                loads.append((child, set(inner)))
            walk(child, inner)

    walk(fn, ())
    result: dict[int, set[str]] = {}
    for key in owners:
        result[key] = {name.id for name, inside in loads if key not in inside}
    return result


class _StatementConversion:
    def __init__(self) -> None:
        self.counter = itertools.count()

    def convert_function(self, fn: ast.FunctionDef) -> None:
        declared = _declared(fn)
        live = _loads_outside(fn)
        outer, self._scope_declared = getattr(self, "_scope_declared", {}), declared
        fn.body = self._block(fn.body, declared, live)
        self._scope_declared = outer

    def _block(self, stmts: list, declared: set, live: dict) -> list:
        out: list = []
        for stmt in stmts:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self.convert_function(stmt)
                out.append(stmt)
            elif isinstance(stmt, ast.If):
                stmt.body = self._block(stmt.body, declared, live)
                stmt.orelse = self._block(stmt.orelse, declared, live)
                out.extend(self._if(stmt, declared, live.get(id(stmt), set())))
            elif isinstance(stmt, ast.While):
                stmt.ag_first_reads = _first_reads(stmt.body)
                stmt.body = self._block(stmt.body, declared, live)
                out.extend(self._while(stmt, declared, live.get(id(stmt), set())))
            elif isinstance(stmt, ast.For):
                stmt.ag_first_reads = _first_reads(stmt.body)
                stmt.body = self._block(stmt.body, declared, live)
                out.extend(self._for(stmt, declared, live.get(id(stmt), set())))
            elif isinstance(stmt, (ast.With, ast.AsyncWith)):
                stmt.body = self._block(stmt.body, declared, live)
                out.append(stmt)
            elif isinstance(stmt, ast.Try):
                stmt.body = self._block(stmt.body, declared, live)
                for handler in stmt.handlers:
                    handler.body = self._block(handler.body, declared, live)
                stmt.orelse = self._block(stmt.orelse, declared, live)
                stmt.finalbody = self._block(stmt.finalbody, declared, live)
                out.append(stmt)
            else:
                out.append(stmt)
        return out

    @staticmethod
    def _state(names: list) -> tuple:
        loads = ast.Tuple(elts=[ast.Call(func=_attr("ld"), args=[_thunk(_name(n)), ast.Constant(n)],
                                         keywords=[]) for n in names], ctx=ast.Load())
        labels = ast.Tuple(elts=[ast.Constant(n) for n in names], ctx=ast.Load())
        return loads, labels

    def _def(self, name: str, params: list, body: list, returns: list | None) -> ast.FunctionDef:
        declared = getattr(self, "_scope_declared", {})
        # Global/nonlocal names the statement assigns keep their declaration in the new function.
        redeclare = [n for n in assigned_names(body) if n in declared]
        body = [kind(names=[n]) for n in redeclare for kind in [declared[n]]] + (list(body) or [ast.Pass()])
        if returns is not None:
            body.append(ast.Return(value=ast.Tuple(elts=[_name(n) for n in returns], ctx=ast.Load())))
        return ast.FunctionDef(
            name=name, args=ast.arguments(posonlyargs=[], args=[ast.arg(arg=p) for p in params],
                                          vararg=None, kwonlyargs=[], kw_defaults=[], kwarg=None,
                                          defaults=[]),
            body=body, decorator_list=[], returns=None, type_comment=None, type_params=[])

    def _call(self, fn: str, args: list, names: list) -> ast.stmt:
        call = ast.Call(func=_attr(fn), args=args, keywords=[])
        if not names:
            return ast.Expr(value=call)
        return ast.Assign(targets=[ast.Tuple(elts=[_name(n, True) for n in names], ctx=ast.Store())],
                          value=call, lineno=0)

    def _names(self, stmts: list, declared: set) -> list:
        return [n for n in assigned_names(stmts) if n not in declared]

    def _if(self, node: ast.If, declared: set, live: set) -> list:
        n = next(self.counter)
        names = self._names(node.body + node.orelse, declared)
        state, labels = self._state(names)
        live_mask = ast.Tuple(elts=[ast.Constant(x in live or x in (_RETVAL, _RETURN_FLAG)) for x in names],
                              ctx=ast.Load())
        true_fn = self._def(f"{_FN}if_true_{n}", names, node.body, names)
        false_fn = self._def(f"{_FN}if_false_{n}", names, node.orelse, names)
        call = self._call("if_stmt", [node.test, _name(true_fn.name), _name(false_fn.name), state, labels,
                                      live_mask], names)
        return [true_fn, false_fn, call]

    @staticmethod
    def _loop_options(node: ast.AST) -> ast.expr:
        """`set_loop_options(...)` statements of the loop body, taken out of it: a thunk the
        loop calls before it starts (their arguments name variables defined before the loop)."""
        found = []
        kept = []
        for stmt in node.body:
            call = stmt.value if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) else None
            func = call.args[0] if call is not None and isinstance(call.func, ast.Attribute) \
                and call.func.attr == "converted_call" and call.args else None
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if name == "set_loop_options":
                found.append(call)
            else:
                kept.append(stmt)
        if not found:
            return ast.Constant(None)
        node.body = kept
        return _thunk(found[-1])

    def _while(self, node: ast.While, declared: set, live: set) -> list:
        n = next(self.counter)
        options = self._loop_options(node)
        names = self._names(node.body, declared)
        reads = {x.id for x in ast.walk(node.test) if isinstance(x, ast.Name)}
        state, labels = self._state(names)
        live_mask = ast.Tuple(elts=[ast.Constant((1 if x in live else 0)
                                                 | (2 if x in reads or x in node.ag_first_reads else 0))
                                    for x in names], ctx=ast.Load())
        test_fn = self._def(f"{_FN}while_test_{n}", names, [ast.Return(value=node.test)], None)
        body_fn = self._def(f"{_FN}while_body_{n}", names, node.body, names)
        call = self._call("while_stmt", [_name(test_fn.name), _name(body_fn.name), state, labels, live_mask,
                                         options], names)
        return [test_fn, body_fn, call]

    def _for(self, node: ast.For, declared: set, live: set) -> list:
        n = next(self.counter)
        options = self._loop_options(node)
        target_names = self._names([ast.Assign(targets=[node.target], value=ast.Constant(None))], declared)
        names = [x for x in self._names(node.body, declared) if x not in target_names]
        names = target_names + names
        state, labels = self._state(names)
        extra = getattr(node, "ag_extra_test", None)
        live_mask = ast.Tuple(elts=[ast.Constant((1 if x in live or x.startswith("ag__break") else 0)
                                                 | (2 if x in node.ag_first_reads else 0))
                                    for x in names], ctx=ast.Load())
        item = f"ag__item_{n}"
        body = [ast.Assign(targets=[node.target], value=_name(item), lineno=0), *node.body]
        body_fn = self._def(f"{_FN}for_body_{n}", [item, *names], body, names)
        out = [body_fn]
        if extra is not None:
            extra_fn = self._def(f"{_FN}for_test_{n}", names, [ast.Return(value=extra)], None)
            out.append(extra_fn)
            extra_ref: ast.expr = _name(extra_fn.name)
        else:
            extra_ref = ast.Constant(None)
        out.append(self._call("for_stmt", [node.iter, extra_ref, _name(body_fn.name), state, labels, live_mask,
                                           options], names))
        return out


def _first_reads(stmts: list) -> set[str]:
    return {x for x in assigned_names(stmts) if _read_first(x, stmts)}


def _read_first(name: str, stmts: list) -> bool:
    """Whether the loop body may read `name` before assigning it (so it carries a value)."""
    assigned_yet = False
    for stmt in stmts:
        for n in itertools.chain([stmt], _walk_scope(stmt)):
            if isinstance(n, ast.Name) and n.id == name:
                if isinstance(n.ctx, ast.Load) and not assigned_yet:
                    return True
        if isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Name) and stmt.target.id == name:
            return True
        if _assigns(stmt, name):
            assigned_yet = True
    return False


def _assigns(stmt: ast.stmt, name: str) -> bool:
    """Whether `stmt` surely binds `name` (both branches of an `if`; a `with` or `try` body)."""
    if isinstance(stmt, ast.If):
        return _assigns_all(stmt.body, name) and _assigns_all(stmt.orelse, name)
    if isinstance(stmt, (ast.With, ast.AsyncWith)):
        bound = assigned_names([ast.Assign(targets=[item.optional_vars], value=ast.Constant(None))
                                for item in stmt.items if item.optional_vars is not None])
        return name in bound or _assigns_all(stmt.body, name)
    if isinstance(stmt, (ast.While, ast.For, ast.Try)):
        return False
    return name in assigned_names([stmt])


def _assigns_all(stmts: list, name: str) -> bool:
    return any(_assigns(stmt, name) for stmt in stmts)


def transform(fn: ast.FunctionDef) -> ast.FunctionDef:
    """Rewrites `fn` (an `ast.FunctionDef`, decorators removed) in place; returns it."""
    for node in [fn, *[n for n in ast.walk(fn) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
                       and n is not fn]]:
        _ReturnLowering().lower_function(node)
    _JumpLowering().visit(fn)
    _ExpressionConversion().visit(fn)
    _StatementConversion().convert_function(fn)
    ast.fix_missing_locations(fn)
    return fn
