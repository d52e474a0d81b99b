"""Which statuses and error codes each API operation can answer with, read from the code.

The OpenAPI document lists them per operation (`core.schema.add_error_envelope`), so a client sees
every `code` it must handle and the fuzzer checks each status it gets. Nothing is declared by
hand: an `ApplicationError("some_code", ..., status=409)` anywhere a view's code can reach is
listed under that view's operation the moment it is written.

How. Every module of ours is parsed once (`ast`). Each function's raise sites are the error
constructions in its body (`ApplicationError(...)`, `ServiceUnavailable(...)`, DRF's and
Django's exceptions, `get_object_or_404`, a serializer's `is_valid(raise_exception=True)`),
with their literal code, status and message; its callees are the calls whose target resolves
statically to another function or class of ours (a module attribute, an imported name,
`self.method`, `Class.method`). An operation's errors are the raise sites reachable from its
handler (`get`, `post`, ...) and the hooks DRF calls around it, plus what the framework adds
by the view's settings: 401 where a token is read, 429 where a throttle is set, the body's
400/413/415, 404 where the path has parameters, 503 everywhere.

What it cannot see (a call through a variable, a code computed at run time) is caught the
other way: the test suite records every error envelope it receives with the operation that
sent it, and fails when one is not listed (tests/core/test_error_contract.py).
"""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Our packages: every module below them but migrations is read.
PACKAGES = (
    "accounts",
    "authoring",
    "background",
    "core",
    "exports",
    "media_app",
    "messages_app",
    "moderation",
    "realtime",
    "walls",
    "webclient",
    "wechat",
)

APPLICATION_ERROR = "core.errors.ApplicationError"
SERVICE_UNAVAILABLE = "core.errors.ServiceUnavailable"

# Exceptions of ours that carry a code and a status (code, message, status) to a door that
# turns them into an ApplicationError: the relaying function's own site is not "unknown".
RELAYED = {"media_app.processing.MediaRejected": "media_app.services._rejected"}

# Exceptions of the frameworks, as the envelope renders them (core.errors._render).
FRAMEWORK_ERRORS: dict[str, tuple[int, str]] = {
    "django.http.Http404": (404, "not_found"),
    "django.http.response.Http404": (404, "not_found"),
    "django.shortcuts.get_object_or_404": (404, "not_found"),
    "rest_framework.generics.get_object_or_404": (404, "not_found"),
    "django.core.exceptions.PermissionDenied": (403, "permission_denied"),
    "django.core.exceptions.ValidationError": (400, "validation_error"),
    "django.core.exceptions.RequestDataTooBig": (413, "payload_too_large"),
    "rest_framework.exceptions.NotFound": (404, "not_found"),
    "rest_framework.exceptions.PermissionDenied": (403, "permission_denied"),
    "rest_framework.exceptions.ValidationError": (400, "validation_error"),
    "rest_framework.serializers.ValidationError": (400, "validation_error"),
    "rest_framework.exceptions.ParseError": (400, "parse_error"),
    "rest_framework.exceptions.NotAuthenticated": (401, "not_authenticated"),
    "rest_framework.exceptions.AuthenticationFailed": (401, "not_authenticated"),
    "rest_framework.exceptions.Throttled": (429, "throttled"),
    "rest_framework.exceptions.UnsupportedMediaType": (415, "unsupported_media_type"),
}

# What DRF calls on a view besides the handler of the request's method.
VIEW_HOOKS = (
    "initial",
    "get_queryset",
    "get_object",
    "get_serializer",
    "get_serializer_class",
    "get_throttles",
    "get_permissions",
    "paginate_queryset",
    "list",
    "create",
    "retrieve",
    "update",
    "partial_update",
    "destroy",
    "perform_create",
    "perform_update",
    "perform_destroy",
)

# Messages of the errors the framework answers with, for the descriptions.
FRAMEWORK_MESSAGES = {
    "not_authenticated": "No access token, or one that is not valid.",
    "token_expired": "The access token has expired: refresh it and try again.",
    "throttled": "Too many requests: wait the seconds of `Retry-After`.",
    "parse_error": "The body is not valid JSON (or is nested too deep).",
    "unsupported_media_type": "The body's Content-Type is not one this operation reads.",
    "payload_too_large": "The body is larger than this operation takes.",
    "not_found": "Not found, or not yours to see.",
    "validation_error": "Invalid input: `fields` names each field's problems.",
    "bad_request": "A request we cannot read (a NUL character in its URL).",
    "not_acceptable": "The Accept header admits no type this operation answers with (JSON).",
    "permission_denied": "You may not do this.",
    "service_unavailable": "A service we depend on is unavailable: try again soon.",
}


@dataclass(frozen=True)
class Raise:
    """One error a function can raise: status, code, and its message when literal."""

    status: int
    code: str
    message: str = ""
    where: str = ""


@dataclass
class Function:
    name: str  # module.qualname
    module: Module
    node: ast.FunctionDef | ast.AsyncFunctionDef
    owner: str | None  # the class's qualified name, for self.method
    raises: list[Raise] = field(default_factory=list)
    calls: set[str] = field(default_factory=set)
    # Error constructions whose code is not a literal: reported, since nothing lists them.
    unknown: list[str] = field(default_factory=list)
    # Local names known to hold an instance of a class of ours: `keyset.response(...)`.
    locals: dict[str, str] = field(default_factory=dict)


@dataclass
class Module:
    name: str
    path: Path
    where: str  # the path relative to the root, for messages
    tree: ast.Module
    imports: dict[str, str] = field(default_factory=dict)
    defined: set[str] = field(default_factory=set)


@dataclass
class Class:
    name: str
    module: Module
    bases: list[str]
    methods: dict[str, str]
    attributes: dict[str, ast.expr]


class Index:
    """Every module of ours, its functions and classes, resolved once per process."""

    def __init__(self, root: Path = ROOT, packages: Iterable[str] = PACKAGES) -> None:
        self.modules: dict[str, Module] = {}
        self.functions: dict[str, Function] = {}
        self.classes: dict[str, Class] = {}
        for package in packages:
            for path in sorted((root / package).rglob("*.py")):
                relative = path.relative_to(root).with_suffix("")
                if "migrations" in relative.parts:
                    continue
                parts = list(relative.parts)
                if parts[-1] == "__init__":
                    parts.pop()
                name = ".".join(parts)
                tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
                self.modules[name] = Module(name, path, str(path.relative_to(root)), tree)
        for module in self.modules.values():
            self._read_module(module)
        for function in self.functions.values():
            self._read_function(function)

    # --- names ------------------------------------------------------------------------------

    def _read_module(self, module: Module) -> None:
        is_package = module.path.name == "__init__.py"
        package = module.name if is_package else module.name.rpartition(".")[0]
        for node in ast.walk(module.tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        module.imports[alias.asname] = alias.name
                    else:
                        head = alias.name.partition(".")[0]
                        module.imports[head] = head
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")
                    anchor = anchor[: len(anchor) - (node.level - 1)] if node.level > 1 else anchor
                    base = ".".join([*anchor, base] if base else anchor)
                for alias in node.names:
                    module.imports[alias.asname or alias.name] = f"{base}.{alias.name}"
        for node in module.tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                name = f"{module.name}.{node.name}"
                module.defined.add(node.name)
                self.functions[name] = Function(name, module, node, None)
            elif isinstance(node, ast.ClassDef):
                self._read_class(module, node, module.name)

    def _read_class(self, module: Module, node: ast.ClassDef, prefix: str) -> None:
        qualified = f"{prefix}.{node.name}"
        if prefix == module.name:
            module.defined.add(node.name)
        methods: dict[str, str] = {}
        attributes: dict[str, ast.expr] = {}
        for item in node.body:
            if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                methods[item.name] = f"{qualified}.{item.name}"
                self.functions[methods[item.name]] = Function(
                    methods[item.name], module, item, qualified
                )
            elif isinstance(item, ast.Assign):
                for target in item.targets:
                    if isinstance(target, ast.Name):
                        attributes[target.id] = item.value
            elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                if item.value is not None:
                    attributes[item.target.id] = item.value
            elif isinstance(item, ast.ClassDef):
                self._read_class(module, item, qualified)
        bases = [self._dotted(module, base) or "" for base in node.bases]
        self.classes[qualified] = Class(qualified, module, bases, methods, attributes)

    def _dotted(self, module: Module, node: ast.expr) -> str | None:
        """The qualified name an expression of names and attributes stands for."""
        if isinstance(node, ast.Name):
            if node.id in module.imports:
                return self.canonical(module.imports[node.id])
            if node.id in module.defined:
                return f"{module.name}.{node.id}"
            return None
        if isinstance(node, ast.Attribute):
            base = self._dotted(module, node.value)
            return self.canonical(f"{base}.{node.attr}") if base else None
        return None

    @functools.cache  # noqa: B019 - one Index per process
    def canonical(self, name: str) -> str:
        """`name` with re-exports followed: `walls.services.gettext` is Django's gettext."""
        parts = name.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            module = self.modules.get(".".join(parts[:cut]))
            if module is None:
                continue
            head, rest = parts[cut], parts[cut + 1 :]
            if head in module.imports and head not in module.defined:
                return self.canonical(".".join([module.imports[head], *rest]))
            return name
        return name

    # --- what a function does ---------------------------------------------------------------

    def _read_function(self, function: Function) -> None:
        module = function.module
        function.locals = self._local_classes(function)
        for node in _walk_own(function.node):
            if isinstance(node, ast.Raise) and isinstance(node.exc, (ast.Name, ast.Attribute)):
                target = self._dotted(module, node.exc)
                if target:
                    self._error_site(function, target, None, node)
            if not isinstance(node, ast.Call):
                continue
            if _raises_on_invalid(node):
                function.raises.append(Raise(400, "validation_error", where=_where(function, node)))
                continue
            target = self._call_target(function, node.func)
            if target is None:
                continue
            if self._error_site(function, target, node, node):
                continue
            if target in self.functions:
                function.calls.add(target)
            elif target in self.classes:  # constructing it runs these
                for method in ("__init__", "__post_init__"):
                    found = self.method_of(target, method)
                    if found:
                        function.calls.add(found)
            else:
                owner, _, method = target.rpartition(".")
                if owner in self.classes:
                    found = self.method_of(owner, method)
                    if found:
                        function.calls.add(found)

    def _local_classes(self, function: Function) -> dict[str, str]:
        """Parameters annotated with a class of ours, and names assigned an instance of one
        (`x = Class(...)`, or `x = f(...)` where `f` is annotated to return one)."""
        module, found = function.module, {}
        arguments = function.node.args
        for argument in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]:
            cls = self._class_named(module, argument.annotation)
            if cls:
                found[argument.arg] = cls
        for node in _walk_own(function.node):
            if not (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)):
                continue
            names = [target.id for target in node.targets if isinstance(target, ast.Name)]
            target = self._dotted(module, node.value.func)
            if not names or not target:
                continue
            cls = target if target in self.classes else None
            if cls is None and target in self.functions:
                cls = self._class_named(
                    self.functions[target].module, self.functions[target].node.returns
                )
            if cls:
                found.update(dict.fromkeys(names, cls))
        return found

    def _class_named(self, module: Module, annotation: ast.expr | None) -> str | None:
        if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
            try:
                annotation = ast.parse(annotation.value, mode="eval").body
            except SyntaxError:
                return None
        if annotation is None:
            return None
        name = self._dotted(module, annotation)
        return name if name in self.classes else None

    def _call_target(self, function: Function, func: ast.expr) -> str | None:
        if (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id in function.locals
        ):
            return self.method_of(function.locals[func.value.id], func.attr)
        if (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id in ("self", "cls")
            and function.owner
        ):
            return self.method_of(function.owner, func.attr)
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            # A method or a function of the same module called by its bare name is `Name`;
            # `Name.attr` may also be a class's method.
            if func.value.id in function.module.defined:
                owner = f"{function.module.name}.{func.value.id}"
                if owner in self.classes:
                    return self.method_of(owner, func.attr) or f"{owner}.{func.attr}"
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Call):
            made = self._dotted(function.module, func.value.func)
            if made in self.classes:  # `Class(...).method(...)`
                return self.method_of(made, func.attr)
        if (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Call)
            and isinstance(func.value.func, ast.Name)
            and func.value.func.id == "super"
            and function.owner
        ):
            for base in self.classes[function.owner].bases:
                found = self.method_of(base, func.attr)
                if found:
                    return found
            return None
        return self._dotted(function.module, func)

    def method_of(self, owner: str, method: str) -> str | None:
        """`owner.method`, looked up through the bases of ours."""
        seen: set[str] = set()
        queue = [owner]
        while queue:
            name = queue.pop(0)
            if name in seen or name not in self.classes:
                continue
            seen.add(name)
            found = self.classes[name].methods.get(method)
            if found:
                return found
            queue.extend(self.classes[name].bases)
        return None

    def _error_site(
        self, function: Function, target: str, call: ast.Call | None, node: ast.AST
    ) -> bool:
        """Records `target(...)` as a raise site if it builds an error; says whether it did."""
        where = _where(function, node)
        code: str | None
        message: str
        if target in FRAMEWORK_ERRORS:
            status, code = FRAMEWORK_ERRORS[target]
            message = (_literal_text(call.args[0]) if call is not None and call.args else "") or ""
            function.raises.append(Raise(status, code, message, where))
            return True
        if target in RELAYED and call is not None:
            code = _literal_str(call.args[0]) if call.args else None
            message = (_literal_text(call.args[1]) if len(call.args) > 1 else "") or ""
            status = 400
            for value in [*call.args[2:3], *(k.value for k in call.keywords if k.arg == "status")]:
                if isinstance(value, ast.Constant) and isinstance(value.value, int):
                    status = value.value
            if code is None:
                function.unknown.append(where)
            else:
                function.raises.append(Raise(status, code, message, where))
            return True
        if not self.is_error_class(target):
            return False
        if call is None:  # `raise SomeError` without arguments: its class's defaults
            status, code = self._class_defaults(target)
            if code:
                function.raises.append(Raise(status, code, "", where))
            else:
                function.unknown.append(where)
            return True
        status, code = self._class_defaults(target)
        message = ""
        positional = list(call.args)
        if target == APPLICATION_ERROR or (
            self._applies_code_first(target) and target != SERVICE_UNAVAILABLE
        ):
            if positional:
                code = _literal_str(positional.pop(0))
            if positional:
                message = _literal_text(positional.pop(0)) or ""
        elif positional:
            message = _literal_text(positional.pop(0)) or ""
        for keyword in call.keywords:
            if keyword.arg == "code":
                code = _literal_str(keyword.value)
            elif keyword.arg == "status":
                value = keyword.value
                if isinstance(value, ast.Constant) and isinstance(value.value, int):
                    status = value.value
                else:
                    code = None  # a status chosen at run time: nothing to list
            elif keyword.arg == "message":
                message = _literal_text(keyword.value) or message
        if not message and call.args[1:2] and isinstance(call.args[1], ast.Name):
            message = _assigned_text(function, call.args[1].id)
        if code is not None:
            function.raises.append(Raise(status, code, message, where))
        elif function.name not in RELAYED.values():
            function.unknown.append(where)
        return True

    def is_error_class(self, name: str) -> bool:
        if name == APPLICATION_ERROR:
            return True
        known = self.classes.get(name)
        return known is not None and any(self.is_error_class(base) for base in known.bases)

    def _applies_code_first(self, name: str) -> bool:
        """Whether the class keeps ApplicationError's (code, message) signature."""
        while name != APPLICATION_ERROR:
            known = self.classes[name]
            if "__init__" in known.methods:
                return False
            name = next(base for base in known.bases if self.is_error_class(base))
        return True

    def _class_defaults(self, name: str) -> tuple[int, str | None]:
        status, code = 400, None
        if name == SERVICE_UNAVAILABLE:
            return 503, "service_unavailable"
        while name in self.classes:
            known = self.classes[name]
            value = known.attributes.get("status_code")
            if isinstance(value, ast.Constant) and isinstance(value.value, int):
                status = value.value
                break
            name = next((base for base in known.bases if self.is_error_class(base)), "")
        return status, code

    # --- reach ------------------------------------------------------------------------------

    def reachable(self, entries: Iterable[str]) -> Iterator[Function]:
        seen: set[str] = set()
        stack = [entry for entry in entries if entry in self.functions]
        while stack:
            name = stack.pop()
            if name in seen:
                continue
            seen.add(name)
            function = self.functions[name]
            yield function
            stack.extend(sorted(function.calls - seen, reverse=True))


def _walk_own(node: ast.AST) -> Iterator[ast.AST]:
    """The nodes of a function's body, nested functions and lambdas included (they run as
    part of it, mostly), nested classes not."""
    stack = list(ast.iter_child_nodes(node))
    while stack:
        item = stack.pop()
        if isinstance(item, ast.ClassDef):
            continue
        yield item
        stack.extend(ast.iter_child_nodes(item))


def _raises_on_invalid(call: ast.Call) -> bool:
    """`serializer.is_valid(raise_exception=True)`."""
    return (
        isinstance(call.func, ast.Attribute)
        and call.func.attr == "is_valid"
        and any(
            keyword.arg == "raise_exception"
            and isinstance(keyword.value, ast.Constant)
            and keyword.value.value is True
            for keyword in call.keywords
        )
    )


def _literal_str(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _literal_text(node: ast.expr) -> str | None:
    """A message: a literal, or the literal inside gettext(...), _(...), or `... % {...}`."""
    if isinstance(node, ast.BinOp):
        return _literal_text(node.left)
    if isinstance(node, ast.Call) and node.args:
        return _literal_text(node.args[0])
    return _literal_str(node)


def _assigned_text(function: Function, name: str) -> str:
    """The literal message a function assigns to `name` (the first such assignment)."""
    for node in _walk_own(function.node):
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == name for target in node.targets
        ):
            text = _literal_text(node.value)
            if text:
                return text
    return ""


def _where(function: Function, node: ast.AST) -> str:
    return f"{function.module.where}:{getattr(node, 'lineno', 0)}"


@functools.cache
def index() -> Index:
    return Index()


# --- operations ------------------------------------------------------------------------------


@dataclass
class Answers:
    """What one operation can answer with besides success: status → code → message."""

    errors: dict[int, dict[str, str]] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)

    def add(self, status: int, code: str, message: str = "") -> None:
        codes = self.errors.setdefault(status, {})
        if not codes.get(code):
            # A framework code keeps its general meaning; its raise sites' messages vary.
            text = FRAMEWORK_MESSAGES.get(code) or message
            codes[code] = re.sub(r"%\((\w+)\)[sd]", r"<\1>", " ".join(text.split()))


def _qualified(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _ours(cls: type) -> bool:
    return cls.__module__.partition(".")[0] in PACKAGES


def answers_of(view_class: type, method: str, *, path_parameters: bool, body: bool) -> Answers:
    """The errors `method` on `view_class` can answer with (see the module's docstring)."""
    return _answers_of(view_class, method.lower(), path_parameters, body)


@functools.cache
def _answers_of(view_class: type, method: str, path_parameters: bool, body: bool) -> Answers:
    found = index()
    answers = Answers()
    entries: list[str] = []
    for name in (method, *VIEW_HOOKS):
        for cls in view_class.__mro__:
            if _ours(cls) and name in cls.__dict__:
                entries.append(f"{_qualified(cls)}.{name}")
                break
    helpers: list[type] = []
    for attribute in ("authentication_classes", "permission_classes", "throttle_classes"):
        helpers.extend(cls for cls in getattr(view_class, attribute, ()) or () if _ours(cls))
    pagination = getattr(view_class, "pagination_class", None)
    if pagination is not None and _ours(pagination) and method == "get":
        helpers.append(pagination)
    for helper in helpers:
        for cls in helper.__mro__:
            if _ours(cls):
                for name, value in vars(cls).items():
                    if callable(value) and not name.startswith("__"):
                        entries.append(f"{_qualified(cls)}.{name}")
    for function in found.reachable(entries):
        for site in function.raises:
            answers.add(site.status, site.code, site.message)
        answers.unknown.extend(function.unknown)

    if getattr(view_class, "authentication_classes", ()):
        # A token is read whenever one is sent, even where none is required.
        answers.add(401, "not_authenticated")
        answers.add(401, "token_expired")
    if getattr(view_class, "throttle_classes", ()) or any(
        entry.endswith(".get_throttles") for entry in entries
    ):
        answers.add(429, "throttled")
    # core.middleware.RefuseNulMiddleware, and Django's SuspiciousOperation: any request.
    answers.add(400, "bad_request")
    # Content negotiation (core.renderers.ContentNegotiation): an Accept without JSON.
    answers.add(406, "not_acceptable")
    if body:
        answers.add(400, "parse_error")
        answers.add(413, "payload_too_large")
        answers.add(415, "unsupported_media_type")
    if path_parameters:
        answers.add(404, "not_found")
    answers.add(503, "service_unavailable")
    return answers
