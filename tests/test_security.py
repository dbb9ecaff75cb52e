"""Problem files are untrusted data.

* No ``eval``/``exec``/``compile``, no ``pickle``/``marshal``/``yaml``, no shell, and no dynamic
  import whose module name could come from a file, anywhere in ``optimizer/`` or ``solvers/``
  (an AST scan); the loader and everything it imports use none of these, nor ``importlib``.
* Constraint expressions go through the safe parser: code in them is refused with a located
  error, and nothing runs.
* CSV tables named in a problem resolve only inside the problem's folder (symlinks included).
* Sizes are bounded by default, and the flags that raise a bound do raise it.
"""

from __future__ import annotations

import ast
import builtins
import json
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT

from optimizer.cli import cli
from optimizer.errors import InputError
from optimizer.spec import load

PACKAGES = ("optimizer", "solvers")
FORBIDDEN_MODULES = {
    "pickle",
    "_pickle",
    "cPickle",
    "marshal",
    "shelve",
    "dill",
    "cloudpickle",
    "jsonpickle",
    "yaml",
    "ruamel",
    "runpy",
    "code",
    "codeop",
}
FORBIDDEN_CALLS = {"eval", "exec", "__import__", "execfile", "input", "breakpoint"}
FORBIDDEN_ATTRS = {("os", "system"), ("os", "popen"), ("os", "execv"), ("os", "execl")}
# importlib.import_module with a non-literal name: only here, and each takes its names from a
# table in the code (the lazy CLI commands, the lazy public API, report sections by name)
DYNAMIC_IMPORTS = {
    ("optimizer/cli.py", "get_command"),
    ("optimizer/__init__.py", "__getattr__"),
    ("optimizer/report/build.py", "_module"),
}


def sources(*packages: str) -> dict[str, ast.Module]:
    out = {}
    for pkg in packages:
        for path in sorted((ROOT / pkg).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            out[rel] = ast.parse(path.read_text(encoding="utf-8"), rel)
    return out


def enclosing_functions(tree: ast.Module) -> dict[ast.AST, str]:
    owner: dict[ast.AST, str] = {}
    for fn in ast.walk(tree):
        if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
            for node in ast.walk(fn):  # outer functions come first: the innermost one wins
                owner[node] = fn.name
    return owner


def defines(tree: ast.Module, name: str) -> bool:
    return any(
        isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n.name == name for n in tree.body
    )


def violations(rel: str, tree: ast.Module, *, allow_importlib: bool = True) -> list[str]:
    out = []
    owner = enclosing_functions(tree)
    for node in ast.walk(tree):
        where = f"{rel}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.append(node.module)
            if isinstance(node, ast.ImportFrom) and node.module == "importlib":
                names = [f"importlib.{a.name}" for a in node.names]
            for name in names:
                top = name.split(".")[0]
                if top in FORBIDDEN_MODULES:
                    out.append(f"{where}: imports {name}")
                # importlib.resources reads package data (the bundled problems): no import
                if top == "importlib" and name != "importlib.resources" and not allow_importlib:
                    out.append(f"{where}: imports {name}")
        if not isinstance(node, ast.Call):
            continue
        f = node.func
        if isinstance(f, ast.Name):
            if f.id in FORBIDDEN_CALLS:
                out.append(f"{where}: calls {f.id}()")
            if f.id == "compile" and not defines(tree, "compile"):  # the builtin, not api.compile
                out.append(f"{where}: calls the builtin compile()")
        if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name):
            if (f.value.id, f.attr) in FORBIDDEN_ATTRS:
                out.append(f"{where}: calls {f.value.id}.{f.attr}()")
            computed = not (node.args and isinstance(node.args[0], ast.Constant))
            allowed = allow_importlib and (rel, owner.get(node, "")) in DYNAMIC_IMPORTS
            if f.attr == "import_module" and computed and not allowed:
                out.append(f"{where}: importlib.import_module with a computed name")
        for kw in node.keywords:
            if kw.arg == "shell" and not (
                isinstance(kw.value, ast.Constant) and kw.value.value is False
            ):
                out.append(f"{where}: runs a shell")
    return out


def test_no_code_execution_or_unsafe_deserialisation_anywhere():
    found = [v for rel, tree in sources(*PACKAGES).items() for v in violations(rel, tree)]
    assert found == []


def test_the_scan_would_see_them():
    bad = textwrap.dedent(
        """
        import pickle, yaml
        from marshal import loads
        import importlib
        def f(doc, name):
            eval(doc["x"])
            exec("1")
            __import__(name)
            compile("1", "<x>", "eval")
            importlib.import_module(name)
            os.system("ls")
            subprocess.run(doc["cmd"], shell=True)
        """
    )
    found = violations("x.py", ast.parse(bad))
    assert len(found) == 10, found
    # the builtin ``compile`` is allowed only where a module defines its own ``compile``
    assert violations("x.py", ast.parse("def compile(x):\n    return x\ncompile(1)\n")) == []


def loader_closure() -> set[str]:
    """The project modules the loader imports, transitively (``optimizer.spec.load`` first)."""
    trees = sources(*PACKAGES)
    by_module = {rel[:-3].replace("/", ".").removesuffix(".__init__"): rel for rel in trees}
    seen: set[str] = set()
    todo = ["optimizer.spec.load"]
    while todo:
        mod = todo.pop()
        if mod in seen or mod not in by_module:
            continue
        seen.add(mod)
        rel = by_module[mod]
        package = mod if rel.endswith("__init__.py") else mod.rsplit(".", 1)[0]
        for node in ast.walk(trees[rel]):
            if isinstance(node, ast.ImportFrom):
                base = package
                for _ in range(max(0, node.level - 1)):
                    base = base.rsplit(".", 1)[0]
                target = f"{base}.{node.module}" if node.level and node.module else node.module
                target = target or base
                todo.append(target)
                todo.extend(f"{target}.{a.name}" for a in node.names)
            elif isinstance(node, ast.Import):
                todo.extend(a.name for a in node.names)
    return seen


def test_the_loader_imports_only_the_spec_layer_and_uses_no_dynamic_import():
    closure = loader_closure()
    assert "optimizer.spec.parse" in closure and "optimizer.spec.expressions" in closure
    assert closure <= {m for m in closure if m.startswith("optimizer.spec")} | {
        "optimizer.errors"
    }, closure
    trees = sources("optimizer")
    for mod in closure:
        rel = mod.replace(".", "/") + ".py"
        if rel not in trees:
            rel = mod.replace(".", "/") + "/__init__.py"
        assert violations(rel, trees[rel], allow_importlib=False) == []


# ---- expressions --------------------------------------------------------------------------------
EXPR_PROBLEM = """
[problem]
name = "expr"
[[responses]]
id = "x"
value = 1
upper = 5
[[constraints]]
expr = {expr}
"""


@pytest.mark.parametrize(
    ("expr", "message"),
    [
        (
            "__import__('os').system('touch {marker}') <= 1",
            'at column 12: unexpected character "\'"',
        ),
        ("os.system <= 1", "at column 1: unknown name 'os.system'; allowed: x"),
        ("eval(x) <= 1", "at column 1: unknown name 'eval'; allowed: x"),
        ("x.__class__ <= 1", "at column 1: unknown name 'x.__class__'; allowed: x"),
        ("x <= 1; import os", "at column 7: unexpected character ';'"),
        ("[x for x in ()] <= 1", "at column 1: unexpected character '['"),
        ("lambda: x <= 1", "at column 7: unexpected character ':'"),
        ("x <= 1 if x else 2", "at column 8: unexpected 'if'"),
        ("x ** 99999999 <= 1", "at column 3: not linear: a power at '**'"),
        ("f'{x}' <= 1", 'at column 2: unexpected character "\'"'),
    ],
)
def test_code_in_an_expression_is_refused_and_never_run(tmp_path, expr, message):
    marker = tmp_path / "pwned"
    path = tmp_path / "expr.toml"
    path.write_text(EXPR_PROBLEM.format(expr=json.dumps(expr.replace("{marker}", str(marker)))))

    calls = []

    def forbidden(*args, **kwargs):
        calls.append(args)
        raise AssertionError("the loader evaluated something")

    load("farmer")  # every module the loader needs is imported (importing may compile source)
    saved = {name: getattr(builtins, name) for name in ("eval", "exec", "compile")}
    try:
        for name in saved:
            setattr(builtins, name, forbidden)
        with pytest.raises(InputError) as info:
            load(path)
    finally:
        for name, fn in saved.items():
            setattr(builtins, name, fn)
    assert calls == []
    assert str(info.value) == f"{path}: constraints[0].expr: {message}"
    assert not marker.exists()


# ---- file references ------------------------------------------------------------------------------
TABLE = '[problem]\nname = "t"\n[[tables]]\nfile = "{file}"\n'
ROWS = "commitment,value.base\nx,1\n"


@pytest.fixture
def folders(tmp_path):
    """``outside/secret.csv`` beside ``inner/`` (the problem's folder), and links from inside."""
    outside, inner = tmp_path / "outside", tmp_path / "inner"
    outside.mkdir()
    (inner / "sub").mkdir(parents=True)
    (outside / "secret.csv").write_text(ROWS)
    (inner / "ok.csv").write_text(ROWS)
    (inner / "sub" / "deep.csv").write_text(ROWS)
    (inner / "link-out.csv").symlink_to(outside / "secret.csv")
    (inner / "link-in.csv").symlink_to(inner / "ok.csv")
    (inner / "dir-out").symlink_to(outside, target_is_directory=True)
    return inner


def table_error(inner: Path, name: str) -> str:
    path = inner / "problem.toml"
    path.write_text(TABLE.format(file=name))
    with pytest.raises(InputError) as info:
        load(path)
    return str(info.value).removeprefix(f"{path}: ")


@pytest.mark.parametrize(
    "name", ["link-out.csv", "dir-out/secret.csv", "sub/../../outside/secret.csv"]
)
def test_a_table_reached_through_a_link_or_dots_outside_the_folder_is_refused(folders, name):
    assert table_error(folders, name) == (
        f"tables[0].file: table file '{name}' must lie inside the problem's folder"
    )


def test_a_table_inside_the_folder_is_read_also_through_a_link(folders):
    for name in ("ok.csv", "link-in.csv", "sub/deep.csv", "sub/../ok.csv"):
        (folders / "problem.toml").write_text(TABLE.format(file=name))
        assert [c.id for c in load(folders / "problem.toml").commitments] == ["x"]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("~/secret.csv", "cannot read table '~/secret.csv': no such file"),  # no ~ expansion
        ("$HOME/secret.csv", "cannot read table '$HOME/secret.csv': no such file"),
        ("a\\u0000.csv", "expected a file name, got 'a\\x00.csv'"),
        (".", "table '.' is a directory, not a CSV file"),
    ],
)
def test_odd_table_names_are_refused_with_a_message(folders, name, message):
    assert table_error(folders, name) == f"tables[0].file: {message}"


# ---- sizes --------------------------------------------------------------------------------------------
def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_a_file_over_the_byte_limit_is_refused_unless_the_limit_is_raised(tmp_path):
    path = tmp_path / "huge.toml"
    with path.open("wb") as f:  # sparse: 50 MB + 1 of zeros, written in no time
        f.truncate(50 * 1024 * 1024 + 1)
    r = run("validate", str(path))
    assert r.exit_code == 2
    assert r.stderr == (
        f"error: {path}: the file is 52428801 bytes, more than the limit of 52428800 "
        "(raise it with --max-bytes)\n"
    )
    r = run("validate", str(path), "--max-bytes", "60000000")
    assert r.stderr == f"error: {path}: this is a binary file, not a TOML or JSON problem\n"


def test_a_table_over_the_byte_limit_is_refused(tmp_path):
    (tmp_path / "t.csv").write_text("commitment,value.base\n" + "x,1\n" * 100)
    path = tmp_path / "p.toml"
    path.write_text(TABLE.format(file="t.csv"))
    r = run("validate", str(path), "--max-bytes", "300")
    assert r.stderr == (
        f"error: {path}: tables[0].file: cannot read table 't.csv': the file is 422 bytes, "
        "more than the limit of 300 (raise it with --max-bytes)\n"
    )


def test_more_decision_columns_than_the_default_limit_need_the_flag(tmp_path):
    # 10,001 options with a 200-year start window: 2,000,200 columns, over the 2,000,000 default
    doc = {
        "problem": {"name": "wide", "years": [2000, 2199]},
        "commitments": [{"id": f"c{i}", "value": 1, "start": [2000, 2199]} for i in range(10_001)],
    }
    path = tmp_path / "wide.json"
    path.write_text(json.dumps(doc))
    r = run("validate", str(path))
    assert r.exit_code == 2
    assert r.stderr == (
        f"error: {path}: commitments: the problem has 2000200 decision columns, more than the "
        "limit of 2000000 (raise it with --max-columns)\n"
    )
    r = run("validate", str(path), "--max-columns", "2000200")
    assert r.exit_code == 0 and r.stdout.startswith("wide: ok (10001 commitments")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[problem]\nname = "h"\nyears = [2000, 2200]\n[[commitments]]\nid = "a"\nvalue = 1\n',
            "problem.years: a horizon of 201 years is more than the 200 allowed",
        ),
        (
            '[problem]\nname = "e"\n[[responses]]\nid = "x"\n[[constraints]]\nexpr = "'
            + "x + " * 2500
            + 'x <= 1"\n',
            "constraints[0].expr: expression longer than 10000 characters",
        ),
        (
            '[problem]\nname = "n"\ndescription = ' + "[" * 40 + "]" * 40 + "\n",
            "the document is nested more than 32 levels deep",
        ),
    ],
)
def test_fixed_bounds_on_horizon_expressions_and_nesting(tmp_path, text, message):
    path = tmp_path / "p.toml"
    path.write_text(text)
    with pytest.raises(InputError) as info:
        load(path)
    assert str(info.value) == f"{path}: {message}"


def test_the_bounds_just_inside_are_accepted(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text(
        '[problem]\nname = "h"\nyears = [2000, 2199]\n[[commitments]]\nid = "a"\nvalue = 1\n'
    )
    assert load(path).n_periods == 200
    path.write_text(
        '[problem]\nname = "e"\n[[responses]]\nid = "x"\nupper = 1\n[[constraints]]\nexpr = "'
        + "x + " * 2498
        + 'x <= 9"\n'
    )
    assert len(load(path).constraints[0].expr) == 9998
