"""Compiling an HPy extension into ``NAME.hpy0.so`` with the system C compiler."""

import os
import shlex
import shutil
import subprocess
import sys
import sysconfig

from . import config
from .finder import HYBRID_SUFFIX, UNIVERSAL_SUFFIX

__all__ = ["ABIS", "BuildError", "compiler_command", "build_command",
           "build_extension"]

ABIS = ("universal", "hybrid", "cpython")


class BuildError(Exception):
    """The build could not run or the compiler failed."""


def compiler_command():
    """The compiler as an argument list: $CC, else gcc, else cc."""
    cc = os.environ.get("CC", "").strip()
    if cc:
        return shlex.split(cc)
    for name in ("gcc", "cc"):
        found = shutil.which(name)
        if found:
            return [found]
    raise BuildError("no C compiler found: set CC, or install gcc or cc")


def output_path(name, outdir, abi="universal"):
    # HPy's names: CPython ABI mode and hybrid builds are for the running interpreter only.
    suffix = {"cpython": sysconfig.get_config_var("EXT_SUFFIX"),
              "hybrid": HYBRID_SUFFIX}.get(abi, UNIVERSAL_SUFFIX)
    return os.path.join(outdir, name + suffix)


def check_abi(abi):
    if abi not in ABIS:
        raise BuildError("unknown ABI %r (expected one of: %s)" % (abi, ", ".join(ABIS)))


def build_command(name, sources, abi="universal", outdir=".", extra_flags=()):
    """The compiler command line for the build, and the output path."""
    check_abi(abi)
    if not name.isidentifier():
        raise BuildError("module name %r is not a valid identifier" % name)
    cmd = compiler_command()
    cmd += ["-O2", "-fPIC", "-shared"]
    if abi == "hybrid":
        # Hybrid code may use the C API next to HPy, so it needs Python's headers.
        cmd += ["-DHPY_ABI_HYBRID", "-I" + sysconfig.get_paths()["include"]]
    elif abi == "cpython":
        cmd += ["-DHPY_ABI_CPYTHON", "-I" + sysconfig.get_paths()["include"]]
    else:
        cmd += ["-DHPY_ABI_UNIVERSAL"]
    cmd += config.cflags()
    cmd += list(extra_flags)
    cmd += [os.path.abspath(s) for s in sources]
    cmd += config.helper_sources(abi)
    out = output_path(name, outdir, abi)
    # libm explicitly: extensions may use it and must not rely on the host having loaded it.
    cmd += ["-lm", "-o", out]
    return cmd, out


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
    cmd, out = build_command(name, sources, abi, outdir, extra_flags)
    os.makedirs(outdir, exist_ok=True)
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
    return out
