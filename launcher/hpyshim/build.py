"""Compiling an HPy extension into ``NAME.hpy0.so`` with the system C compiler.

C++ sources (.cpp, .cc, .cxx, .C) are compiled with the C++ compiler ($CXX, else g++, else c++)
and the extension is then linked by it, so that it carries the C++ runtime it needs."""

import os
import shlex
import shutil
import subprocess
import sys
import sysconfig
import tempfile

from . import config, platform_support
from .finder import HYBRID_SUFFIX, UNIVERSAL_SUFFIX

__all__ = ["ABIS", "CXX_SUFFIXES", "BuildError", "compiler_command", "cxx_compiler_command",
           "build_command", "build_commands", "build_extension"]

ABIS = ("universal", "hybrid", "cpython")
CXX_SUFFIXES = (".cpp", ".cc", ".cxx", ".C", ".c++")


class BuildError(Exception):
    """The build could not run or the compiler failed."""


def compiler_command():
    """The compiler as an argument list: $CC, else gcc, else cc."""
    cc = os.environ.get("CC", "").strip()
    if cc:
        return shlex.split(cc)
    for name in platform_support.c_compilers():
        found = shutil.which(name)
        if found:
            return [found]
    raise BuildError("no C compiler found: set CC, or install gcc or cc")


def cxx_compiler_command():
    """The C++ compiler as an argument list: $CXX, else g++, else c++."""
    cxx = os.environ.get("CXX", "").strip()
    if cxx:
        return shlex.split(cxx)
    for name in platform_support.cxx_compilers():
        found = shutil.which(name)
        if found:
            return [found]
    raise BuildError("no C++ compiler found for the C++ sources: set CXX, or install g++ or c++")


def is_cxx(source):
    return source.endswith(CXX_SUFFIXES)


def output_path(name, outdir, abi="universal"):
    # HPy's names: CPython ABI mode and hybrid builds are for the running interpreter only.
    suffix = {"cpython": sysconfig.get_config_var("EXT_SUFFIX"),
              "hybrid": HYBRID_SUFFIX}.get(abi, UNIVERSAL_SUFFIX)
    return os.path.join(outdir, name + suffix)


def check_abi(abi):
    if abi not in ABIS:
        raise BuildError("unknown ABI %r (expected one of: %s)" % (abi, ", ".join(ABIS)))


def _flags(abi):
    if abi == "hybrid":
        # Hybrid code may use the C API next to HPy, so it needs Python's headers.
        flags = ["-DHPY_ABI_HYBRID", "-I" + sysconfig.get_paths()["include"]]
    elif abi == "cpython":
        flags = ["-DHPY_ABI_CPYTHON", "-I" + sysconfig.get_paths()["include"]]
    else:
        flags = ["-DHPY_ABI_UNIVERSAL"]
    return flags + config.cflags()


def _check_name(name, abi):
    check_abi(abi)
    if not name.isidentifier():
        raise BuildError("module name %r is not a valid identifier" % name)


def build_command(name, sources, abi="universal", outdir=".", extra_flags=()):
    """The compiler command line of a build of C sources, and the output path."""
    _check_name(name, abi)
    cmd = compiler_command()
    cmd += platform_support.shared_flags() + ["-shared"]
    cmd += _flags(abi)
    cmd += list(extra_flags)
    cmd += [os.path.abspath(s) for s in sources]
    cmd += config.helper_sources(abi)
    out = output_path(name, outdir, abi)
    # libm explicitly: extensions may use it and must not rely on the host having loaded it.
    cmd += ["-lm", "-o", out]
    return cmd, out


def build_commands(name, sources, abi="universal", outdir=".", extra_flags=(), objdir=None):
    """The commands of a build, and the output path. Only C: one compile-and-link command.
    With C++ sources: each source compiled to an object in `objdir` (C with the C compiler, C++
    with the C++ compiler), then linked by the C++ compiler."""
    if not any(is_cxx(s) for s in sources):
        cmd, out = build_command(name, sources, abi, outdir, extra_flags)
        return [cmd], out
    _check_name(name, abi)
    if objdir is None:
        raise BuildError("a build with C++ sources needs a folder for its objects")
    cc, cxx = compiler_command(), cxx_compiler_command()
    flags = platform_support.shared_flags() + _flags(abi) + list(extra_flags)
    commands, objects = [], []
    all_sources = [os.path.abspath(s) for s in sources] + config.helper_sources(abi)
    for i, src in enumerate(all_sources):
        obj = os.path.join(objdir, "%d-%s.o" % (i, os.path.basename(src)))
        commands.append((cxx if is_cxx(src) else cc) + ["-c"] + flags + [src, "-o", obj])
        objects.append(obj)
    out = output_path(name, outdir, abi)
    commands.append(cxx + ["-shared"] + objects + ["-lm", "-o", out])
    return commands, out


def build_extension(name, sources, abi="universal", outdir=".", extra_flags=(), verbose=False):
    """Compile `sources` into `outdir`/NAME.hpy0.so (hybrid: NAME.hpy0-cp3XY.so) and return its path.

    The compiler's own output goes to this process's stdout/stderr.
    """
    check_abi(abi)
    if not sources:
        raise BuildError("no source files given")
    missing = [s for s in sources if not os.path.isfile(s)]
    if missing:
        raise BuildError("source file not found: %s" % ", ".join(missing))
    os.makedirs(outdir, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="hpyshim-build-") as objdir:
        commands, out = build_commands(name, sources, abi, outdir, extra_flags, objdir)
        for cmd in commands:
            _run(name, cmd, verbose)
    return out


def _run(name, cmd, verbose):
    if verbose:
        print(" ".join(shlex.quote(c) for c in cmd))
        sys.stdout.flush()
    try:
        rc = subprocess.call(cmd)
    except OSError as e:
        raise BuildError("cannot run the compiler %s: %s" % (cmd[0], e)) from e
    if rc != 0:
        raise BuildError("compilation of %s failed (compiler exit status %d); command:\n  %s"
                         % (name, rc, " ".join(shlex.quote(c) for c in cmd)))
