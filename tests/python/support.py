"""Shared helpers of the Python tests (not a test module itself).

Environment:
  HPYSHIM_LIBRARY  the runtime library (default: the launcher's own search)
  HPYSHIM_SAMPLES  the folder with the sample extensions (default: <repo>/out/cext-samples,
                   or its cpython/ subfolder in CPython ABI mode)
  HPYSHIM_TEST_ABI universal (default): the samples are NAME.hpy0.so loaded through libhpy;
                   cpython: the same sources built in CPython ABI mode, NAME<EXT_SUFFIX>
  HPYSHIM_TEST_MODE universal (default), trace or debug: the mode the sample suites import the
                   samples in
  CC               C compiler for the extensions built at test time (default gcc, else cc)
"""

import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile

REPO_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LAUNCHER_DIR = os.path.join(REPO_DIR, "launcher")

# Relative settings would break in subprocesses that run in a temp directory.
for _var in ("HPYSHIM_LIBRARY", "HPYSHIM_SAMPLES", "HPYSHIM_INCLUDE"):
    if os.environ.get(_var):
        os.environ[_var] = os.path.abspath(os.environ[_var])

# The tests choose modes themselves; one inherited from the caller would change every result.
os.environ.pop("HPY", None)

# HPYSHIM_TEST_MODE=trace or debug runs the sample suites with their modules imported in that
# mode (the finder reads HPY at each import); universal by default.
MODE = os.environ.get("HPYSHIM_TEST_MODE") or "universal"
if MODE != "universal":
    os.environ["HPY"] = MODE

if LAUNCHER_DIR not in [os.path.abspath(p) for p in sys.path if p]:
    sys.path.insert(0, LAUNCHER_DIR)

SUBPROCESS_TIMEOUT = 300


class MissingPrerequisite(AssertionError):
    """A tool or file the tests need is absent: a failure, never a skip."""


if MODE not in ("universal", "trace", "debug"):
    raise MissingPrerequisite("HPYSHIM_TEST_MODE must be universal, trace or debug, not %r" % MODE)

ABI = os.environ.get("HPYSHIM_TEST_ABI") or "universal"
if ABI not in ("universal", "cpython"):
    raise MissingPrerequisite("HPYSHIM_TEST_ABI must be universal or cpython, not %r" % ABI)


def tests_module(name):
    """A module of tests/ shared by the suites of tests/python and tests/packaging (e.g.
    misuse_snippets, pytest_deps), loaded from its file."""
    import importlib.util
    spec = importlib.util.spec_from_file_location(name, os.path.join(REPO_DIR, "tests", name + ".py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def assert_loaded_in_test_mode(testcase, call):
    """`call()` runs HPy code of a sample: the trace counts it exactly in trace mode, and it
    opens (and closes) debug handles exactly in debug mode."""
    if ABI == "cpython":
        return  # an ordinary extension: no HPy context, no modes
    from hpyshim import debug, trace
    before = sum(trace.get_call_counts().values())
    generation = debug.new_generation()
    call()
    traced = sum(trace.get_call_counts().values()) > before
    debugged = len(debug.get_closed_handles(generation)) > 0
    testcase.assertEqual((traced, debugged), (MODE == "trace", MODE == "debug"),
                         "the sample is not loaded in %s mode" % MODE)
    testcase.assertEqual(debug.get_open_handles(generation), [], "the call leaked handles")


# Samples whose folder's abi file says hybrid: hpy.devel's name for this CPython's build.
HYBRID_SAMPLES = ("hybrid",)


def sample_file_name(name):
    if ABI == "cpython":
        return name + sysconfig.get_config_var("EXT_SUFFIX")
    if name in HYBRID_SAMPLES:
        from hpyshim.finder import HYBRID_SUFFIX
        return name + HYBRID_SUFFIX
    return name + ".hpy0.so"


def samples_dir():
    default = os.path.join(REPO_DIR, "out", "cext-samples", *(["cpython"] if ABI == "cpython" else []))
    path = os.environ.get("HPYSHIM_SAMPLES") or default
    for name in (sample_file_name("simple"), sample_file_name("point")):
        if not os.path.isfile(os.path.join(path, name)):
            raise MissingPrerequisite(
                "sample extension %s not found in %s; build the samples and set "
                "HPYSHIM_SAMPLES to their folder" % (name, path))
    return path


def sample(name):
    return os.path.join(samples_dir(), sample_file_name(name))


def add_samples_to_path():
    path = samples_dir()
    if path not in sys.path:
        sys.path.insert(0, path)
    return path


def compiler():
    """The C compiler the launcher would use, as an argument list; MissingPrerequisite if none."""
    from hpyshim import build
    try:
        return build.compiler_command()
    except build.BuildError as e:
        raise MissingPrerequisite("these tests compile C code: %s" % e)


def compile_shared(c_source, out_path, extra=()):
    """Compile the C text `c_source` into the shared library `out_path`."""
    src = out_path + ".c"
    with open(src, "w") as f:
        f.write(c_source)
    cmd = compiler() + ["-O0", "-fPIC", "-shared", src, "-o", out_path] + list(extra)
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, timeout=SUBPROCESS_TIMEOUT)
    if proc.returncode != 0:
        raise AssertionError("test helper compilation failed: %s\n%s"
                             % (" ".join(cmd), proc.stdout))
    return out_path


def make_temp_dir(testcase):
    """A temp directory removed when `testcase` ends."""
    path = tempfile.mkdtemp(prefix="hpyshim-test-")
    testcase.addCleanup(shutil.rmtree, path, True)
    return path


def subprocess_env(extra=None, pythonpath=()):
    """os.environ plus the launcher (and `pythonpath`) on PYTHONPATH, minus HPY."""
    env = dict(os.environ)
    env.pop("HPY", None)
    paths = list(pythonpath) + [LAUNCHER_DIR]
    if env.get("PYTHONPATH"):
        paths += [os.path.abspath(p) for p in env["PYTHONPATH"].split(os.pathsep) if p]
    env["PYTHONPATH"] = os.pathsep.join(paths)
    env["PYTHONIOENCODING"] = "utf-8"
    if extra:
        for k, v in extra.items():
            if v is None:
                env.pop(k, None)
            else:
                env[k] = v
    return env


def run_python(args, env=None, cwd=None, pythonpath=()):
    """Run `sys.executable ARGS` and return the CompletedProcess (text output)."""
    return subprocess.run([sys.executable] + list(args), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True,
                          env=subprocess_env(env, pythonpath), cwd=cwd,
                          timeout=SUBPROCESS_TIMEOUT)


def describe(proc):
    """Everything about a finished subprocess, for assertion messages."""
    return "exit status %s\n--- stdout ---\n%s\n--- stderr ---\n%s" % (
        proc.returncode, proc.stdout, proc.stderr)


# Calls per refcount check, and the growth tolerated (caches, not per-call leaks).
REFCOUNT_CALLS = 1000
REFCOUNT_SLACK = 5


class RefcountMixin:
    """assertNoRefGrowth: `action` may not leave references to `obj` behind (beyond caches)."""

    def assertNoRefGrowth(self, obj, action):
        action()  # warm up one-time caches
        before = sys.getrefcount(obj)
        for _ in range(REFCOUNT_CALLS):
            action()
        after = sys.getrefcount(obj)
        self.assertLessEqual(after - before, REFCOUNT_SLACK, "refcount grew from %d to %d over %d calls"
                             % (before, after, REFCOUNT_CALLS))


class TempExtension:
    """An HPy extension built from a test's C source into a folder of its own, once, on first
    use (`path()`); `remove()` (a test module's tearDownModule) deletes the folder."""

    def __init__(self, name, source):
        self.name, self.source, self.dir = name, source, None

    def path(self):
        if self.dir is None:
            from hpyshim import build
            compiler()
            self.dir = tempfile.mkdtemp(prefix="hpyshim-%s-" % self.name)
            src = os.path.join(self.dir, self.name + ".c")
            with open(src, "w") as f:
                f.write(self.source)
            build.build_extension(self.name, [src], outdir=self.dir)
        return os.path.join(self.dir, self.name + ".hpy0.so")

    def remove(self):
        if self.dir is not None:
            shutil.rmtree(self.dir, ignore_errors=True)
