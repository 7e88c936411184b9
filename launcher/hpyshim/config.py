"""Where the headers and helper sources for building extensions are."""

import glob
import os

from ._native import _PACKAGE_DIR, _REPO_DIR

__all__ = ["INCLUDE_ENV_VAR", "include_candidates", "include_dir", "cflags", "helper_sources"]

INCLUDE_ENV_VAR = "HPYSHIM_INCLUDE"


def include_candidates():
    places = []
    env = os.environ.get(INCLUDE_ENV_VAR)
    if env:
        places.append(("$" + INCLUDE_ENV_VAR, os.path.abspath(env)))
    places.append(("inside the package", os.path.join(_PACKAGE_DIR, "include")))
    places.append(("repository", os.path.join(_REPO_DIR, "include")))
    return places


def include_dir():
    """The directory holding hpy.h; RuntimeError listing the places searched."""
    places = include_candidates()
    if os.environ.get(INCLUDE_ENV_VAR):
        path = places[0][1]
        if os.path.isdir(path):
            return path
        raise RuntimeError("%s is set, but %s is not a directory" % (INCLUDE_ENV_VAR, path))
    for _, path in places:
        if os.path.isdir(path):
            return path
    raise RuntimeError("cannot find the HPy Shim include directory; searched:\n%s\n"
                       "Set %s to it."
                       % ("\n".join("  %s (%s)" % (p, what) for what, p in places),
                          INCLUDE_ENV_VAR))


def cflags():
    return ["-I" + include_dir()]


def helper_sources(abi="universal"):
    """C files an extension compiles in, sorted: the shared helpers, plus in CPython ABI mode the
    runtime that universal extensions find in libhpy (module and type creation, trackers...)."""
    sources = sorted(glob.glob(os.path.join(include_dir(), "runtime", "*.c")))
    if abi == "cpython":
        sources += sorted(glob.glob(os.path.join(include_dir(), "runtime", "cpython", "*.c")))
    return sources
