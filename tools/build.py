#!/usr/bin/env python3
"""HPy Shim's build driver: the one implementation behind ./build.sh and ./build.ps1 (both only
forward their arguments here), so the two front ends cannot drift. Standard library only; Python 3.8+.

    build.sh|build.ps1 [--dry-run] [--verbose] [COMMAND [ARGS...]]

A command is one function registered with @command; --commands lists them, --dry-run prints the
steps a command would run (commands, copies, folders) without running them, --verbose also prints
what each step builds (file names), which is left out by default. Environment: PYTHON (the
interpreter that builds and runs the samples, default python3), HPYSHIM_OUT (the output folder,
default out/, relative to the repository root; `run` then loads the library from it),
HPYSHIM_SAMPLE_PYTHONS (the CPythons the CPython ABI samples are built for; default every pyenv
3.8+ and PYTHON), HPYSHIM_BUILD_SCRIPT (the front end's name,
for messages).
"""

import glob
import importlib.util
import os
import shlex
import shutil
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _load_platform_support():
    # By path, not `import hpyshim`: the package's __init__ is the launcher, not needed to build.
    path = os.path.join(ROOT, "launcher", "hpyshim", "platform_support.py")
    spec = importlib.util.spec_from_file_location("hpyshim_platform_support", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


platform_support = _load_platform_support()


class Failed(Exception):
    """A step failed; the driver exits with `code` (that of the failed tool, as `set -e` would)."""

    def __init__(self, code, message=None):
        super().__init__(message)
        self.code = code
        self.message = message


class UsageError(Failed):
    def __init__(self, message):
        super().__init__(2, message)


class Build:
    """The paths and settings of one run, and the primitive steps (each honours --dry-run)."""

    def __init__(self, dry_run=False, verbose=False):
        self.dry_run = dry_run
        self.verbose = verbose
        self.script = os.environ.get("HPYSHIM_BUILD_SCRIPT") or "tools/build.py"
        self.python = os.environ.get("PYTHON") or "python3"
        self.default_out = not os.environ.get("HPYSHIM_OUT")
        # Relative to the repository root, like every relative path given to the driver.
        self.out = os.path.normpath(os.path.join(ROOT, os.environ.get("HPYSHIM_OUT") or "out"))
        self.rid = platform_support.runtime_identifier()
        self.lib_name = platform_support.library_name()
        self.lib = os.path.join(self.out, "lib", self.lib_name)

    def say(self, text):
        print(text, flush=True)

    def run(self, argv, env=None, quiet=False, failure_code=None):
        """Runs a tool from the repository root; a non-zero exit stops the build with its code
        (or `failure_code`)."""
        if self.dry_run:
            prefix = "".join("%s=%s " % (k, shlex.quote(v)) for k, v in sorted((env or {}).items()))
            self.say("$ " + prefix + " ".join(shlex.quote(a) for a in argv) + (" >/dev/null" if quiet else ""))
            return
        full_env = dict(os.environ, **(env or {}))
        try:
            code = subprocess.call(argv, cwd=ROOT, env=full_env,
                                   stdout=subprocess.DEVNULL if quiet else None)
        except OSError as e:
            raise Failed(127, "%s: cannot run %s: %s" % (self.script, argv[0], e.strerror))
        if code != 0:
            raise Failed(failure_code or (code if code > 0 else 128 - code))

    def capture(self, argv, env=None):
        """The stdout of a query (run in --dry-run too: it changes nothing)."""
        try:
            return subprocess.check_output(argv, cwd=ROOT, env=dict(os.environ, **(env or {})),
                                           universal_newlines=True).strip()
        except (OSError, subprocess.CalledProcessError) as e:
            raise Failed(1, "%s: %s failed: %s" % (self.script, argv[0], e))

    def require(self, *paths):
        missing = [p for p in paths if not os.path.exists(os.path.join(ROOT, p))]
        if missing and not self.dry_run:
            raise Failed(1, "%s: %s missing" % (self.script, ", ".join(missing)))

    def mkdir(self, path):
        if self.dry_run:
            self.say("$ mkdir -p " + shlex.quote(path))
        else:
            os.makedirs(path, exist_ok=True)

    def install_file(self, source, target):
        """Copies to a new file renamed over the old one: processes still running with the old one
        keep it intact."""
        if self.dry_run:
            self.say("$ cp %s %s.new && mv -f %s.new %s" % (source, target, target, target))
            return
        shutil.copyfile(source, target + ".new")
        shutil.copymode(source, target + ".new")
        os.replace(target + ".new", target)

    def launcher_env(self, *extra_paths):
        env = {"PYTHONPATH": os.pathsep.join((os.path.join(ROOT, "launcher"),) + extra_paths)}
        if not self.default_out:
            env["HPYSHIM_LIBRARY"] = self.lib
        return env


COMMANDS = {}


def command(name, args="", summary=""):
    """Registers `function(build, argv)` as COMMAND `name`; `args` documents its arguments."""
    def register(function):
        COMMANDS[name] = (function, args, summary)
        return function
    return register


def no_arguments(b, name, argv):
    if argv:
        raise UsageError("usage: %s %s (takes no arguments)" % (b.script, name))


# ---- steps -------------------------------------------------------------------------------------

def build_library(b):
    b.say("== libhpy (NativeAOT, %s; about a minute)" % b.rid)
    publish = ["dotnet", "publish", "Shim/Shim.csproj", "-c", "Release", "-r", b.rid,
               "-o", os.path.join(b.out, "publish"), "-nologo", "-v", "quiet"]
    stop = threading.Event()

    def tick():
        # A line every 15 s, so a quiet minute-long publish is visibly alive.
        seconds = 0
        while not stop.wait(15):
            seconds += 15
            b.say("   ... still publishing libhpy (%d s)" % seconds)

    ticker = None if b.dry_run else threading.Thread(target=tick, daemon=True)
    if ticker:
        ticker.start()
    try:
        b.run(publish, failure_code=1)
    finally:
        stop.set()
    b.mkdir(os.path.join(b.out, "lib"))
    b.install_file(os.path.join(b.out, "publish", b.lib_name), b.lib)


def cpythons(b):
    """Every CPython 3.8+ that pyenv has, and the default python: CPython ABI builds are per version.
    HPYSHIM_SAMPLE_PYTHONS (interpreters, space-separated) replaces the list, for a quicker build."""
    chosen = os.environ.get("HPYSHIM_SAMPLE_PYTHONS")
    if chosen:
        return chosen.split()
    root = os.environ.get("PYENV_ROOT") or os.path.join(os.path.expanduser("~"), ".pyenv")
    found = []
    for directory in sorted(glob.glob(os.path.join(root, "versions", "3.*"))):
        parts = os.path.basename(directory).split(".")
        if os.path.isdir(directory) and len(parts) > 1 and parts[1].isdigit() and int(parts[1]) >= 8:
            found.append(os.path.join(directory, "bin", "python3." + parts[1]))
    default = shutil.which(b.python)
    if default:
        found.append(default)
    return found


def samples():
    """(name, sources, abi) of every sample; a sample that also uses the legacy C API says so in its
    abi file."""
    result = []
    base = os.path.join(ROOT, "cext-samples")
    for name in sorted(os.listdir(base)):
        directory = os.path.join(base, name)
        if not os.path.isdir(directory):
            continue
        abi_file = os.path.join(directory, "abi")
        abi = open(abi_file).read().strip() if os.path.isfile(abi_file) else "universal"
        sources = sorted(os.path.relpath(s, ROOT) for s in glob.glob(os.path.join(directory, "*.c")))
        result.append((name, sources, abi))
    return sorted(result)


def build_samples(b):
    b.say("== samples (universal ABI: one build for every CPython; hybrid ones: one per CPython)")
    universal_dir = os.path.join(b.out, "cext-samples")
    b.mkdir(universal_dir)
    for name, sources, abi in samples():
        # NAME.hpy0-cp3XY.so, as hpy.devel names it: a hybrid build uses one CPython's C API.
        for python in cpythons(b) if abi == "hybrid" else [b.python]:
            b.run([python, "-m", "hpyshim", "build", name] + sources + ["--abi", abi, "-o", universal_dir],
                  env=b.launcher_env(), quiet=not b.verbose)
    b.say("== samples (CPython ABI: one build per CPython)")
    cpython_dir = os.path.join(universal_dir, "cpython")
    b.mkdir(cpython_dir)
    for python in cpythons(b):
        for name, sources, _ in samples():
            b.run([python, "-m", "hpyshim", "build", name] + sources + ["--abi", "cpython", "-o", cpython_dir],
                  env=b.launcher_env(), quiet=True)
    if b.dry_run:
        return
    built = [e for e in os.listdir(universal_dir) if e.endswith(".so")]
    cpython_built = sorted(os.listdir(cpython_dir))
    if b.verbose:
        for entry in cpython_built:
            b.say(entry)
    b.say("   %d HPy builds in %s, %d CPython ABI builds in %s"
          % (len(built), os.path.relpath(universal_dir, ROOT), len(cpython_built), os.path.relpath(cpython_dir, ROOT)))


def build_wheels(b):
    b.say("== wheels (out/dist)")
    dist = os.path.join(b.out, "dist")
    b.run([b.python, "packaging/wheels.py", "wheels", "--lib", b.lib, "--out", dist], quiet=not b.verbose)
    if not b.dry_run and not b.verbose:
        for wheel in sorted(os.listdir(dist)):
            b.say("   " + wheel)


def apt_install(b, packages):
    """Debian packages the project needs, installed when missing (CI starts from a bare machine)."""
    if not packages or not shutil.which("apt-get"):
        return
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    b.say("== installing " + " ".join(packages))
    try:
        b.run(sudo + ["apt-get", "update", "-qq"])
    except Failed:
        pass
    b.run(sudo + ["apt-get", "install", "-y", "-qq"] + packages)


def ensure_test_packages(b):
    """The Python packages the packaging tests' venvs install offline (pip, setuptools, wheel), pytest
    (with what it needs on CPython 3.8 to 3.10) for the tests that run it (tests/pytest_deps.py), and
    the arm64 cross compiler and qemu that test the arm64 thunk encoder (Shim.Tests/ThunkTests.cs)."""
    missing = ["python3-%s-whl" % pkg for pkg in ("pip", "setuptools", "wheel")
               if not glob.glob("/usr/share/python-wheels/%s-*.whl" % pkg)]
    missing += ["python3-%s" % pkg for pkg in ("pytest", "exceptiongroup", "tomli")
                if not os.path.isdir("/usr/lib/python3/dist-packages/%s" % pkg)]
    if not shutil.which("aarch64-linux-gnu-gcc"):
        missing.append("gcc-aarch64-linux-gnu")
    if not shutil.which("qemu-aarch64"):
        missing.append("qemu-user")
    apt_install(b, missing)


def ensure_valgrind(b):
    """memcheck and its tests run the C harnesses under valgrind."""
    apt_install(b, [] if shutil.which("valgrind") else ["valgrind"])


def ensure_bench_tools(b, argv):
    """strace counts the benchmark's system calls per op (its default run); valgrind counts
    instructions (--callgrind)."""
    missing = [] if shutil.which("strace") else ["strace"]
    if ("--callgrind" in argv or "--all" in argv) and not shutil.which("valgrind"):
        missing.append("valgrind")
    apt_install(b, missing)


def ensure_powershell(b):
    """PowerShell from the repository's tool manifest (.config/dotnet-tools.json): the tests run
    build.ps1 with it."""
    b.say("== PowerShell (dotnet tool restore, for the tests of build.ps1)")
    b.run(["dotnet", "tool", "restore"], quiet=True)


def build_all(b):
    build_library(b)
    build_samples(b)
    build_wheels(b)


# ---- commands ----------------------------------------------------------------------------------

@command("build", "", "publish the library (NativeAOT) to out/lib, build the samples to out/cext-samples "
                      "and write the wheels to out/dist (hpyshim, and the hpy 0.9.0 compatibility one)")
def cmd_build(b, argv):
    no_arguments(b, "build", argv)
    build_all(b)


@command("test", "", "build, then run every test (dotnet test: managed, C harness, Python on every CPython, "
                     "both build scripts); a CPython listed in HPYSHIM_REQUIRE_PYTHONS, e.g. \"3.8 3.13\", "
                     "must be installed")
def cmd_test(b, argv):
    no_arguments(b, "test", argv)
    build_all(b)
    ensure_test_packages(b)
    ensure_valgrind(b)
    ensure_powershell(b)
    counts = os.path.join(b.out, "tests", "counts")
    if not b.dry_run:
        shutil.rmtree(counts, ignore_errors=True)
    try:
        b.run(["dotnet", "test", "Shim.Tests/Shim.Tests.csproj", "-nologo", "--logger", "console;verbosity=normal"])
    finally:
        # Each xunit test of a Python or C suite records that suite's own count (passed failed).
        # A dry run reports none: the files there belong to a real run, perhaps still going.
        files = [] if b.dry_run else sorted(glob.glob(os.path.join(counts, "*.txt")))
        if files:
            passed = failed = 0
            for name in files:
                for line in open(name):
                    fields = line.split()
                    if len(fields) >= 2:
                        passed, failed = passed + int(fields[0]), failed + int(fields[1])
            b.say("Python and C suites (all CPythons and modes): %d passed, %d failed" % (passed, failed))


@command("install", "PREFIX", "build the library, then install it for C hosts: PREFIX/lib/libhpy.so, "
                              "PREFIX/include/hpyshim, PREFIX/lib/pkgconfig/hpyshim.pc, PREFIX/lib/cmake/HPyShim")
def cmd_install(b, argv):
    if len(argv) != 1:
        raise UsageError("usage: %s install PREFIX" % b.script)
    build_library(b)
    b.run([b.python, "packaging/wheels.py", "install", argv[0], "--lib", b.lib])


@command("run", "", "build, then run the samples point and simple through the launcher")
def cmd_run(b, argv):
    no_arguments(b, "run", argv)
    build_all(b)
    env = b.launcher_env(os.path.join(b.out, "cext-samples"))
    for sample in ("point", "simple"):
        b.say("== %s sample through the launcher" % sample)
        b.run([b.python, "-m", "hpyshim", "run", "cext-samples/%s/example.py" % sample], env=env)


@command("bench", "[ARGS]", "build, then run the benchmark (bench/run.sh: the microbenchmarks, then the "
                            "realistic workloads; ARGS go to it)")
def cmd_bench(b, argv):
    ensure_bench_tools(b, argv)
    build_all(b)
    b.run(["bench/run.sh"] + argv, env={"PYTHON": b.python})


@command("conformance", "[ARGS]", "build, then run HPy 0.9.0's own test suite on HPy Shim "
                                  "(HPY_SRC=checkout of HPy 0.9.0; ARGS go to conformance/run.py)")
def cmd_conformance(b, argv):
    build_library(b)
    build_wheels(b)  # test/hpy_devel installs them
    b.run([b.python, "conformance/run.py"] + argv)


@command("fuzz", "", "fuzz the argument parsers and HPy_BuildValue (libFuzzer; FUZZ_SECONDS, default 120; "
                    "crashes go to out/fuzz/)")
def cmd_fuzz(b, argv):
    """The helpers that parse formats, compiled in CPython ABI mode against the newest pyenv CPython."""
    no_arguments(b, "fuzz", argv)
    b.require("tests/fuzz/helpers_fuzz.c", "tests/regressions/fuzz")
    apt_install(b, [] if shutil.which("clang-14") else ["clang-14"])
    # os.walk, like find, does not follow the symbolic links that make the llvm tree a cycle.
    if not any(f.startswith("libclang_rt.fuzzer-") and f.endswith(".a")
               for _, _, files in os.walk("/usr/lib/llvm-14") for f in files):
        apt_install(b, ["libclang-rt-14-dev"])
    pythons = [p for p in cpythons(b) if not p.startswith("/usr")]
    if not pythons:
        raise Failed(1, "%s: fuzz needs a pyenv CPython (with libpython)" % b.script)
    python = pythons[-1]
    fuzz_dir = os.path.join(b.out, "fuzz")
    b.mkdir(os.path.join(fuzz_dir, "corpus"))
    python_flags = b.capture([python, "-c", "import sysconfig as s; d = s.get_config_var('LIBDIR'); "
                              "print('-I%s -L%s -Wl,-rpath,%s -lpython%s' % (s.get_paths()['include'], d, d, "
                              "s.get_config_var('LDVERSION')))"])
    helpers = b.capture([python, "-c", "from hpyshim import config; print(' '.join(config.helper_sources('cpython')))"],
                        env=b.launcher_env())
    target = os.path.join(fuzz_dir, "helpers_fuzz")
    b.run(["clang-14", "-g", "-O1", "-fsanitize=fuzzer,address,undefined", "-fno-sanitize-recover=undefined",
           "-DHPY_ABI_CPYTHON", "-Iinclude", "-Isrc/runtime"] + python_flags.split() + ["tests/fuzz/helpers_fuzz.c"]
          + helpers.split() + ["-o", target])
    seconds = os.environ.get("FUZZ_SECONDS") or "120"
    b.say("== fuzzing for %s s; crashes go to out/fuzz/ (keep each as tests/regressions/fuzz/NAME)" % seconds)
    b.run([target, "-max_total_time=" + seconds, "-max_len=256", "-artifact_prefix=" + fuzz_dir + os.sep,
           os.path.join(fuzz_dir, "corpus"), "tests/regressions/fuzz"], env={"ASAN_OPTIONS": "detect_leaks=0"})


@command("memcheck", "", "build, then run the C harnesses under valgrind memcheck")
def cmd_memcheck(b, argv):
    no_arguments(b, "memcheck", argv)
    b.require("tests/valgrind/memcheck.sh")
    build_all(b)
    ensure_valgrind(b)
    b.run(["tests/valgrind/memcheck.sh", b.out])


@command("generate", "", "rewrite the generated files from api/hpy_context.api")
def cmd_generate(b, argv):
    no_arguments(b, "generate", argv)
    b.run(["dotnet", "run", "--project", "generator", "--", "--root", ROOT])


# ---- main --------------------------------------------------------------------------------------

def usage(script):
    lines = ["usage: %s [--dry-run] [--verbose] [COMMAND [ARGS]]   (default command: build)" % script]
    for name, (_, args, summary) in COMMANDS.items():
        lines.append("  %-24s %s" % ((name + " " + args).strip(), summary))
    return "\n".join(lines)


def main(argv):
    script = os.environ.get("HPYSHIM_BUILD_SCRIPT") or "tools/build.py"
    reason = platform_support.unsupported_reason()
    if reason:
        print(reason, file=sys.stderr)
        return 1
    if argv[:1] == ["--commands"]:
        print("\n".join(COMMANDS))
        return 0
    if argv[:1] in (["-h"], ["--help"], ["help"]):
        print(usage(script))
        return 0
    dry_run = verbose = False
    while argv[:1] in (["--dry-run"], ["--verbose"]):
        dry_run = dry_run or argv[0] == "--dry-run"
        verbose = verbose or argv[0] == "--verbose"
        argv = argv[1:]
    name, args = (argv[0], argv[1:]) if argv else ("build", [])
    if name not in COMMANDS:
        print(usage(script), file=sys.stderr)
        return 2
    # Relative paths in arguments (install PREFIX, bench and conformance options) are relative to the
    # repository root, whichever folder the front end was started from.
    os.chdir(ROOT)
    os.environ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1"
    os.environ["DOTNET_NOLOGO"] = "1"
    try:
        started = time.monotonic()
        COMMANDS[name][0](Build(dry_run, verbose), args)
        if not dry_run:
            print("== %s done in %.0f s" % (name, time.monotonic() - started), flush=True)
    except Failed as e:
        if e.message:
            print(e.message, file=sys.stderr)
        return e.code
    except RuntimeError as e:  # an OS or architecture platform_support does not know
        print("%s: %s" % (script, e), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into e.g. head, which stopped reading
        sys.stderr.close()
        return 141
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
