"""Where the headers and helper sources for building extensions are."""

import glob
import os

from . import platform_support
from ._native import _PACKAGE_DIR, _REPO_DIR

__all__ = ["INCLUDE_ENV_VAR", "include_candidates", "include_dir", "cflags", "ldflags", "helper_sources",
           "data_dir"]

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


def source_dir():
    """The folder of the helper sources compiled into extensions (src/runtime, beside include/ in
    the package and in the repository; with HPYSHIM_INCLUDE, beside that folder)."""
    path = os.path.join(os.path.dirname(include_dir()), "src", "runtime")
    if not os.path.isdir(path):
        raise RuntimeError("the helper sources are missing: %s is not a directory" % path)
    return path


def cflags(abi=None):
    """The -I flag of the headers; with an ABI, its define (and Python's headers where it needs them)."""
    flags = ["-I" + include_dir()]
    if abi is not None:
        import sysconfig
        flags.append("-DHPY_ABI_" + abi.upper())
        if abi != "universal":
            flags.append("-I" + sysconfig.get_paths()["include"])
    return flags


def ldflags():
    """How a C host links the runtime library found by the launcher."""
    from ._native import find_library
    libdir = os.path.dirname(find_library())
    return platform_support.runtime_link_flags(libdir)


def data_dir(which):
    """The folder of hpyshim.pc ('pkgconfigdir') or of the CMake package ('cmakedir') inside the
    installed package; a checkout has them only after ``./build.sh install PREFIX``."""
    rel = {"pkgconfigdir": ("lib", "pkgconfig"), "cmakedir": ("lib", "cmake", "HPyShim")}[which]
    path = os.path.join(_PACKAGE_DIR, *rel)
    if not os.path.isdir(path):
        raise RuntimeError("%s does not exist: the pkg-config and CMake files come with the installed "
                           "wheel, or with ./build.sh install PREFIX (then use PREFIX/%s)"
                           % (path, "/".join(rel)))
    return path


def helper_sources(abi="universal"):
    """C files an extension compiles in, sorted: the shared helpers, plus in CPython ABI mode the
    runtime that universal extensions find in libhpy (module and type creation, trackers...)."""
    sources = sorted(glob.glob(os.path.join(source_dir(), "*.c")))
    if abi == "cpython":
        sources += sorted(glob.glob(os.path.join(source_dir(), "cpython", "*.c")))
    return sources
