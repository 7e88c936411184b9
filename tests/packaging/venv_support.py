"""Fresh venvs of the running CPython with HPy Shim's wheels installed offline (not a test module).

Environment:
  HPYSHIM_DIST     folder of the wheels (default <repo>/out/dist, written by ./build.sh)
  HPYSHIM_SAMPLES  the sample extensions, for the C hosts (default <repo>/out/cext-samples)
pip comes from the interpreter (ensurepip), setuptools from the interpreter's own wheel where it has
one, wheel from /usr/share/python-wheels (Debian's python3-wheel-whl, which ./build.sh test installs
when missing); PIP_NO_INDEX: no network.
"""

import glob
import importlib.util
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import textwrap

REPO_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DIST = os.path.abspath(os.environ.get("HPYSHIM_DIST") or os.path.join(REPO_DIR, "out", "dist"))
SAMPLES = os.path.abspath(os.environ.get("HPYSHIM_SAMPLES") or os.path.join(REPO_DIR, "out", "cext-samples"))
PYTHON_WHEELS = "/usr/share/python-wheels"
TIMEOUT = 600


def tests_module(name):
    """A module of tests/ shared with tests/python (e.g. misuse_snippets), loaded from its file."""
    spec = importlib.util.spec_from_file_location(name, os.path.join(REPO_DIR, "tests", name + ".py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class MissingPrerequisite(AssertionError):
    """A file or tool the tests need is absent: a failure, never a skip."""


def wheel(name):
    found = glob.glob(os.path.join(DIST, "%s-*.whl" % name))
    if len(found) != 1:
        raise MissingPrerequisite("expected one %s wheel in %s (run ./build.sh), found %r" % (name, DIST, found))
    return found[0]


def wheels_module():
    """packaging/wheels.py (its RECORD check)."""
    spec = importlib.util.spec_from_file_location("hpyshim_wheels", os.path.join(REPO_DIR, "packaging", "wheels.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def clean_env(**extra):
    """This process's environment without anything that would let a venv find the checkout."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTHON", "HPYSHIM_", "PIP_", "HPY")) and
           k not in ("VIRTUAL_ENV", "SETUPTOOLS_USE_DISTUTILS", "_PYTHON_HOST_PLATFORM")}
    env.update({"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": DIST,
                "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_WARN_SCRIPT_LOCATION": "1"})
    env.update(extra)
    return env


def describe(proc):
    return "command %r exited %s\n--- stdout\n%s\n--- stderr\n%s" % (
        proc.args, proc.returncode, proc.stdout[-6000:], proc.stderr[-6000:])


def setuptools_wheel():
    """This interpreter's own setuptools wheel (ensurepip's up to 3.11; 3.12+ keep one for their
    tests), else Debian's. Debian's is patched for Debian's Python (its install commands need an
    install_layout option other interpreters lack), so it is the last resort."""
    stdlib = sysconfig.get_paths()["stdlib"]
    for pattern in ("ensurepip/_bundled/setuptools-*.whl", "test/wheeldata/setuptools-*.whl",
                    "test/setuptools-*.whl"):
        found = sorted(glob.glob(os.path.join(stdlib, pattern)))
        if found:
            return found[-1]
    found = glob.glob(os.path.join(PYTHON_WHEELS, "setuptools-*.whl"))
    if not found:
        raise MissingPrerequisite("no setuptools wheel for %s" % sys.executable)
    return found[0]


class Venv:
    """A venv of sys.executable in `root`, with pip, setuptools and wheel, offline."""

    def __init__(self, root):
        wheel_whl = glob.glob(os.path.join(PYTHON_WHEELS, "wheel-*.whl"))
        if not wheel_whl:
            raise MissingPrerequisite("no wheel package in %s: apt-get install python3-wheel-whl"
                                      % PYTHON_WHEELS)
        self.root = root
        subprocess.run([sys.executable, "-m", "venv", root], check=True, env=clean_env(),
                       timeout=TIMEOUT, stdout=subprocess.DEVNULL)
        self.python = os.path.join(root, "bin", "python")
        self.pip("install", "-q", setuptools_wheel(), wheel_whl[0])

    def run(self, *args, cwd=None, env=None, check=True, tool=None):
        cmd = [tool or self.python] + list(args)
        proc = subprocess.run(cmd, cwd=cwd or self.root, env=clean_env(**(env or {})),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True,
                              timeout=TIMEOUT)
        if check and proc.returncode != 0:
            raise AssertionError(describe(proc))
        return proc

    def pip(self, *args, **kw):
        return self.run("-m", "pip", *args, **kw)

    def site_packages(self):
        return self.run("-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").stdout.strip()


def pytest_dir(parent):
    """A folder to put on PYTHONPATH for pytest (tests/pytest_deps.py)."""
    spec = importlib.util.spec_from_file_location("pytest_deps", os.path.join(REPO_DIR, "tests", "pytest_deps.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.pytest_dir(parent)


def temp_dir():
    return tempfile.mkdtemp(prefix="hpyshim-pkg-")


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(textwrap.dedent(text).lstrip())


C_MODULE = """
    #include "hpy.h"

    HPyDef_METH(add, "add", HPyFunc_VARARGS)
    static HPy add_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
    {
        long a, b;
        if (!HPyArg_Parse(ctx, NULL, args, nargs, "ll", &a, &b))
            return HPy_NULL;
        return HPyLong_FromLong(ctx, a + b);
    }

    static HPyDef *defines[] = { &add, NULL };
    static HPyModuleDef moduledef = { .doc = "NAME: " HPY_ABI, .defines = defines };
    HPy_MODINIT(NAME, moduledef)
"""

# Uses the C++ runtime (strings, vectors, exceptions): it loads only if linked with it.
CXX_MODULE = """
    #include "hpy.h"
    #include <stdexcept>
    #include <string>
    #include <vector>

    HPyDef_METH(join, "join", HPyFunc_O)
    static HPy join_impl(HPyContext *ctx, HPy self, HPy arg)
    {
        std::vector<std::string> parts{"c++", HPyUnicode_AsUTF8AndSize(ctx, arg, NULL)};
        std::string out;
        try {
            for (const auto &p : parts) out += p + "/";
            throw std::runtime_error(out);
        } catch (const std::exception &e) {
            return HPyUnicode_FromString(ctx, e.what());
        }
    }

    static HPyDef *defines[] = { &join, NULL };
    static HPyModuleDef moduledef = { .doc = "NAME: " HPY_ABI, .defines = defines };
    HPy_MODINIT(NAME, moduledef)
"""


def c_module(name):
    return C_MODULE.replace("NAME", name)


def cxx_module(name):
    return CXX_MODULE.replace("NAME", name)


def project(root, prefix, setup_extra=""):
    """A setuptools project with a C module, a C++ module and a dotted submodule:
    PREFIXc, PREFIXcxx and PREFIXpkg.sub."""
    write(os.path.join(root, prefix + "c.c"), c_module(prefix + "c"))
    write(os.path.join(root, prefix + "cxx.cpp"), cxx_module(prefix + "cxx"))
    write(os.path.join(root, prefix + "pkg", "__init__.py"), "")
    write(os.path.join(root, prefix + "pkg", "sub.c"), c_module("sub"))
    write(os.path.join(root, "setup.py"), """
        from setuptools import setup, Extension
        setup(name="{p}project", version="1.0", packages=["{p}pkg"],
              hpy_ext_modules=[Extension("{p}c", ["{p}c.c"]), Extension("{p}cxx", ["{p}cxx.cpp"]),
                               Extension("{p}pkg.sub", ["{p}pkg/sub.c"])],{extra}
        )
    """.format(p=prefix, extra=setup_extra))
    return root


def import_check(prefix):
    """Python code that imports the three modules of `project` and prints what they say, one line each."""
    return textwrap.dedent("""
        import {p}c, {p}cxx, {p}pkg.sub
        print({p}c.__doc__, {p}c.add(40, 2))
        print({p}cxx.__doc__, {p}cxx.join("x"))
        print({p}pkg.sub.__doc__, {p}pkg.sub.__name__, {p}pkg.sub.add(1, 2))
    """).format(p=prefix)


def expected_lines(prefix, abi):
    return ["%sc: %s 42" % (prefix, abi), "%scxx: %s c++/x/" % (prefix, abi),
            "sub: %s %spkg.sub 3" % (abi, prefix)]


def libpython():
    """The shared libpython of this CPython, or None when it has only a static one."""
    name = sysconfig.get_config_var("LDLIBRARY") or ""
    path = os.path.join(sysconfig.get_config_var("LIBDIR") or "", name)
    shared = name.endswith(".so") or ".so." in name
    return path if shared and os.path.exists(path) else None


def rmtree(path):
    shutil.rmtree(path, ignore_errors=True)
