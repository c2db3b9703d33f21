"""Compiled templates kept from one build to the next: Jinja's bytecode cache, keyed by all that compiling reads.

Each process that renders pages compiles the templates it uses (about 0.1 s for ``lieu.html``,
``base.html`` and their partials; a quarter of a second for all of them). Jinja's
``FileSystemBytecodeCache`` keeps each compiled template in a file, keyed by the template's name and
file and checked against its source. Compiling also depends on the environment: its syntax and
options, its extensions, its filters and tests (how each is passed its arguments), the code
generator (``PageCode``) and Jinja itself. ``TemplateCache`` puts all of that in the key, so that a
change to any of them compiles the template again. ``PageCode`` compiles some included partials in
place: a template is checked against its source followed by those of the partials it includes (by
name, and those they include), so that a changed partial compiles again the templates holding it.
The pages are the same whether a template came from the cache or was compiled on the spot; Jinja
writes each entry through a temporary file renamed into place, so processes and builds may share the
folder.
"""

from __future__ import annotations

import hashlib
import logging
import re
import sys
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import Environment, FileSystemBytecodeCache, TemplateNotFound
from jinja2.bccache import Bucket

logger = logging.getLogger(__name__)

SYNTAX = ("block_start_string", "block_end_string", "variable_start_string", "variable_end_string",
          "comment_start_string", "comment_end_string", "line_statement_prefix", "line_comment_prefix",
          "trim_blocks", "lstrip_blocks", "newline_sequence", "keep_trailing_newline", "optimized", "is_async")


class TemplateCache(FileSystemBytecodeCache):
    """Jinja's bytecode cache in ``folder`` (made if needed), for the templates of ``env``."""

    def __init__(self, folder: Path, env: Environment) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        super().__init__(str(folder), "%s.jinja")
        self.env = env

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        key = (compiling(self.env), name, filename, autoescapes(self.env, name))
        return hashlib.sha256(repr(key).encode("utf-8")).hexdigest()

    def get_bucket(self, environment: Environment, name: str, filename: str | None, source: str) -> Bucket:
        return super().get_bucket(environment, name, filename, with_included(environment, source))

    def dump_bytecode(self, bucket: Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError as exc:  # a full or read-only disk: the template is compiled again next time
            logger.debug("modèle compilé non gardé : %s", exc)


def template_cache(folder: Path | None, env: Environment) -> TemplateCache | None:
    """The cache in ``folder``, or None (no folder set, or one that cannot be made: templates are compiled)."""
    if folder is None:
        return None
    try:
        return TemplateCache(folder, env)
    except OSError as exc:
        logger.warning("%s : dossier impossible à créer (%s), les modèles seront compilés à chaque construction",
                       folder, exc.strerror)
        return None


def included_names(env: Environment, source: str) -> list[str]:
    """The templates ``source`` includes by a name written in it (``PageCode`` compiles in place only those)."""
    start = re.escape(env.block_start_string)
    return [name for _, name in re.findall(start + r"[-+]?\s*include\s*\(?\s*([\"'])(.+?)\1", source)]


def with_included(env: Environment, source: str, seen: frozenset[str] = frozenset()) -> str:
    """``source`` followed by the sources of the templates it includes by name, and of those they include: what
    its compiled code may hold (a partial missing, or included twice, is left out)."""
    parts = [source]
    for name in included_names(env, source):
        if name in seen:
            continue
        seen |= {name}
        try:
            parts.append(with_included(env, env.loader.get_source(env, name)[0], seen))
        except TemplateNotFound:
            continue
    return "\0".join(parts)


def autoescapes(env: Environment, name: str | None) -> bool:
    """Whether ``env`` escapes the values of the template ``name``."""
    return bool(env.autoescape(name) if callable(env.autoescape) else env.autoescape)


def compiling(env: Environment) -> tuple[Any, ...]:
    """What compiling a template with ``env`` depends on, besides the template's name and source."""
    generator = env.code_generator_class
    return (
        jinja2.__version__, generator.__module__, generator.__qualname__, _module_digest(generator.__module__),
        tuple(getattr(env, option) for option in SYNTAX),
        tuple(sorted(env.extensions)),
        env.policies.get("compiler.ascii_str"),
        env.finalize is not None and passed(env.finalize),
        tuple(sorted((name, passed(f)) for name, f in env.filters.items())),
        tuple(sorted((name, passed(f)) for name, f in env.tests.items())),
    )


def passed(function: Any) -> str:
    """What Jinja passes ``function`` first (context, eval context, environment), as compiling reads it."""
    passed = getattr(function, "jinja_pass_arg", None)
    return getattr(passed, "name", "") if passed is not None else ""


@cache
def _module_digest(module: str) -> str:
    """A digest of the source of ``module`` (the code generator's), or of its name when it has no file."""
    file = getattr(sys.modules.get(module), "__file__", None)
    data = Path(file).read_bytes() if file else module.encode("utf-8")
    return hashlib.sha256(data).hexdigest()
