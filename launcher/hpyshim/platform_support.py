"""What differs by operating system, in one place: the runtime library's file name, the .NET runtime
identifier it is published for, extension file suffixes, the default compilers and their flags, and
whether the platform is supported at all.

Only Linux is tested. macOS names are filled in so that a port starts from them; Windows is refused
(see UNSUPPORTED_WINDOWS) until a Windows run is actually tested. The repository's build driver
(build.py, behind build.sh and build.ps1) loads this file directly, so it imports only the stdlib.
"""

import os
import sys

__all__ = ["UNSUPPORTED_WINDOWS", "current_system", "is_windows", "unsupported_reason", "library_name",
           "runtime_identifier", "extension_suffix", "c_compilers", "cxx_compilers", "shared_flags",
           "runtime_link_flags"]

# Kept word for word in build.ps1 (which must stop before it even looks for Python); a test checks.
UNSUPPORTED_WINDOWS = (
    "HPy Shim does not support Windows yet: the runtime finds CPython's C API and loads extensions "
    "through the POSIX dynamic loader (dlopen, dlsym, dladdr), its native fast path uses mmap and is "
    "built with gcc and ar, and extensions are built as gcc shared objects; none of this has a tested "
    "Windows counterpart. Linux (x64, arm64) is the tested platform; see README.md, 'Platforms'.")


def current_system():
    """'Linux', 'Darwin', 'Windows' (Cygwin and MSYS too), or sys.platform. From sys.platform, not the
    platform module: `import hpyshim` must stay cheap (the launcher's start-up test counts imports)."""
    if sys.platform in ("win32", "cygwin", "msys"):
        return "Windows"
    if sys.platform == "darwin":
        return "Darwin"
    if sys.platform.startswith("linux"):
        return "Linux"
    return sys.platform


def current_machine():
    if hasattr(os, "uname"):
        return os.uname().machine
    import platform   # Windows: no uname
    return platform.machine()


def is_windows(system=None):
    system = system or current_system()
    return system == "Windows" or system.startswith(("CYGWIN", "MSYS", "MINGW"))


def unsupported_reason(system=None):
    """Why this OS cannot run HPy Shim, or None."""
    return UNSUPPORTED_WINDOWS if is_windows(system) else None


def library_name(system=None):
    """The runtime library's file name."""
    system = system or current_system()
    if is_windows(system):
        return "hpy.dll"
    if system == "Darwin":
        return "libhpy.dylib"
    return "libhpy.so"


_ARCHITECTURES = {"x86_64": "x64", "amd64": "x64", "aarch64": "arm64", "arm64": "arm64"}


def runtime_identifier(system=None, machine=None):
    """The .NET runtime identifier the library is published for: linux-x64, linux-arm64, osx-arm64..."""
    system = system or current_system()
    machine = (machine or current_machine()).lower()
    arch = _ARCHITECTURES.get(machine)
    if arch is None:
        raise RuntimeError("unsupported processor architecture %r (expected x86_64 or aarch64)" % machine)
    if is_windows(system):
        return "win-" + arch
    if system == "Darwin":
        return "osx-" + arch
    if system == "Linux":
        return "linux-" + arch
    raise RuntimeError("unsupported operating system %r (HPy Shim is tested on Linux)" % system)


def extension_suffix(abi_tag, platform_name=None):
    """The file suffix of a universal extension, e.g. '.hpy0.so' (Windows: '.hpy0.pyd')."""
    windows = (platform_name or sys.platform) == "win32"
    return ".%s.%s" % (abi_tag, "pyd" if windows else "so")


def c_compilers():
    """The C compilers tried in order when $CC is not set."""
    return ("gcc", "cc")


def cxx_compilers():
    """The C++ compilers tried in order when $CXX is not set."""
    return ("g++", "c++")


def shared_flags():
    """Compiler flags of code that goes into a shared library (gcc/clang spelling)."""
    return ["-O2", "-fPIC"]


def runtime_link_flags(libdir):
    """How a C host links the runtime library in `libdir` (and finds it again when it runs)."""
    return ["-L" + libdir, "-Wl,-rpath," + libdir, "-lhpy"]
