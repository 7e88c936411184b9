#!/usr/bin/env python3
"""HPy Shim's build driver: the one implementation behind ./build.sh and ./build.ps1 (both only
forward their arguments here), so the two front ends cannot drift. Standard library only; Python 3.8+.

    build.sh|build.ps1 [--dry-run] [--verbose] [--target RID] [COMMAND [ARGS...]]

A command is one function registered with @command; --commands lists them, --dry-run prints the
steps a command would run (commands, copies, folders) without running them, --verbose also prints
what each step builds (file names), which is left out by default. --target linux-arm64 builds for
arm64 on an x64 machine (into OUT/linux-arm64; see CROSS_TARGETS); `test` builds and tests both
without it. Environment: PYTHON (the
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


# Builds for another processor than this machine's: (this machine, target) -> how. The data plane,
# the samples and the wheel's helper library are compiled with Debian's cross gcc (`triplet`-gcc),
# NativeAOT links with clang (Shim/Shim.csproj), and the target's CPython is Debian's own build,
# unpacked from its packages into OUT/RID/sysroot and run under qemu-user (OUT/RID/bin/python3.X,
# which is what builds the samples, so they get that CPython's headers and file names).
CROSS_TARGETS = {
    ("linux-x64", "linux-arm64"): {
        "triplet": "aarch64-linux-gnu",
        "debian_arch": "arm64",
        "qemu": "qemu-aarch64",
        "wheel_platform": "linux_aarch64",
        "python": "python3.11",
        # This machine's build of the same CPython release, whose results the target's must match.
        "twin_python": "/usr/bin/python3.11",
        # The interpreter, its headers (libpython3.11-dev), libpython (the C harnesses load it),
        # and the shared libraries they and the standard library's extension modules load.
        "packages": ["python3.11-minimal", "libpython3.11-minimal", "libpython3.11-stdlib", "python3.11",
                     "libpython3.11", "libpython3.11-dev", "libc6", "libgcc-s1", "libexpat1", "zlib1g",
                     "libffi8", "libssl3", "libbz2-1.0", "liblzma5", "libcrypt1", "libuuid1",
                     "libsqlite3-0", "libncursesw6", "libtinfo6", "libreadline8", "libdb5.3", "libnsl2",
                     "libtirpc3", "libgssapi-krb5-2", "libkrb5-3", "libk5crypto3", "libkrb5support0",
                     "libkeyutils1", "libcom-err2"],
    },
}


class Build:
    """The paths and settings of one run, and the primitive steps (each honours --dry-run)."""

    def __init__(self, dry_run=False, verbose=False, target=None):
        self.dry_run = dry_run
        self.verbose = verbose
        self.script = os.environ.get("HPYSHIM_BUILD_SCRIPT") or "tools/build.py"
        self.python = os.environ.get("PYTHON") or "python3"
        self.host_python = self.python   # runs the build's own scripts; self.python is the target's
        self.default_out = not os.environ.get("HPYSHIM_OUT")
        # Relative to the repository root, like every relative path given to the driver.
        self.out = os.path.normpath(os.path.join(ROOT, os.environ.get("HPYSHIM_OUT") or "out"))
        self.host_rid = platform_support.runtime_identifier()
        self.rid = target or self.host_rid
        self.lib_name = platform_support.library_name()
        self.cross = None
        if self.rid != self.host_rid:
            self.cross = CROSS_TARGETS.get((self.host_rid, self.rid))
            if self.cross is None:
                raise UsageError("%s: cannot build for %s on %s (cross builds: %s)" % (
                    self.script, self.rid, self.host_rid,
                    ", ".join("%s on %s" % (t, h) for h, t in CROSS_TARGETS) or "none"))
            # Beside the host's build, never over it.
            self.out = os.path.join(self.out, self.rid)
            self.default_out = False
            self.sysroot = os.path.join(self.out, "sysroot")
            self.python = os.path.join(self.out, "bin", self.cross["python"])
            self.cc = os.path.join(self.out, "bin", "cc")
        self.lib = os.path.join(self.out, "lib", self.lib_name)

    def for_target(self, rid):
        """The same run's settings for another target."""
        return Build(self.dry_run, self.verbose, rid)

    def say(self, text):
        print(text, flush=True)

    def run(self, argv, env=None, quiet=False, failure_code=None, cwd=None):
        """Runs a tool from the repository root (or `cwd`); a non-zero exit stops the build with its
        code (or `failure_code`)."""
        if self.dry_run:
            prefix = "".join("%s=%s " % (k, shlex.quote(v)) for k, v in sorted((env or {}).items()))
            prefix = ("cd %s && " % shlex.quote(cwd) if cwd else "") + prefix
            self.say("$ " + prefix + " ".join(shlex.quote(a) for a in argv) + (" >/dev/null" if quiet else ""))
            return
        full_env = dict(os.environ, **(env or {}))
        try:
            code = subprocess.call(argv, cwd=cwd or ROOT, env=full_env,
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

    def write_file(self, path, text, executable=False):
        if self.dry_run:
            self.say("$ write %s%s" % (path, " (executable)" if executable else ""))
            return
        with open(path + ".new", "w") as f:
            f.write(text)
        os.chmod(path + ".new", 0o755 if executable else 0o644)
        os.replace(path + ".new", path)

    def launcher_env(self, *extra_paths):
        env = {"PYTHONPATH": os.pathsep.join((os.path.join(ROOT, "launcher"),) + extra_paths)}
        if not self.default_out:
            env["HPYSHIM_LIBRARY"] = self.lib
        if self.cross:
            env["CC"] = self.cc
        return env


COMMANDS = {}


def command(name, args="", summary="", cross=True):
    """Registers `function(build, argv)` as COMMAND `name`; `args` documents its arguments; `cross`
    says whether it takes --target."""
    def register(function):
        COMMANDS[name] = (function, args, summary, cross)
        return function
    return register


def no_arguments(b, name, argv):
    if argv:
        raise UsageError("usage: %s %s (takes no arguments)" % (b.script, name))


# ---- steps -------------------------------------------------------------------------------------

def build_library(b):
    if b.cross:
        ensure_cross_toolchain(b)
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
    HPYSHIM_SAMPLE_PYTHONS (interpreters, space-separated) replaces the list, for a quicker build.
    A cross build has one: the target's CPython, under qemu."""
    if b.cross:
        return [b.python]
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
    if b.cross:
        ensure_sysroot(b)
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
    dist = os.path.join(b.out, "dist")
    b.say("== wheels (%s)" % os.path.relpath(dist, ROOT))
    if b.cross:
        triplet = b.cross["triplet"]
        b.run([b.host_python, "packaging/wheels.py", "wheels", "--lib", b.lib, "--out", dist,
               "--platform", b.cross["wheel_platform"]],
              env={"CC": triplet + "-gcc", "AR": triplet + "-ar"}, quiet=not b.verbose)
    else:
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
    (with what it needs on CPython 3.8 to 3.10) for the tests that run it (tests/pytest_deps.py), the
    arm64 cross compiler and qemu that test the arm64 thunk encoder (Shim.Tests/ThunkTests.cs), and
    the x64 twin of the cross targets' CPython."""
    missing = ["python3-%s-whl" % pkg for pkg in ("pip", "setuptools", "wheel")
               if not glob.glob("/usr/share/python-wheels/%s-*.whl" % pkg)]
    missing += ["python3-%s" % pkg for pkg in ("pytest", "exceptiongroup", "tomli")
                if not os.path.isdir("/usr/lib/python3/dist-packages/%s" % pkg)]
    if not shutil.which("aarch64-linux-gnu-gcc"):
        missing.append("gcc-aarch64-linux-gnu")
    if not shutil.which("qemu-aarch64"):
        missing.append("qemu-user")
    # The x64 twin of each cross target's CPython (Debian's CPython 3.11): CrossTargetTests compares
    # the target's results with this one's.
    if cross_targets(b) or b.cross:
        if not os.path.isfile("/usr/bin/python3.11"):
            missing.append("python3.11")
        if not glob.glob("/usr/lib/*-linux-gnu/libpython3.11.so.1.0"):
            missing.append("libpython3.11")
    apt_install(b, missing)


def ensure_cross_toolchain(b):
    """Debian's cross compiler and C library, clang (the NativeAOT cross link) and qemu-user."""
    triplet = b.cross["triplet"]
    missing = [] if shutil.which(triplet + "-gcc") else ["gcc-" + triplet]
    if not os.path.isfile("/usr/%s/include/stdio.h" % triplet):
        missing.append("libc6-dev-%s-cross" % b.cross["debian_arch"])
    if not shutil.which("clang-14"):
        missing.append("clang-14")
    if not shutil.which(b.cross["qemu"]):
        missing.append("qemu-user")
    apt_install(b, missing)


def ensure_sysroot(b):
    """The target's CPython: Debian's packages of it (and of the libraries it loads), unpacked into
    OUT/RID/sysroot; OUT/RID/bin/python3.X runs it under qemu, OUT/RID/bin/cc is the cross compiler
    that finds its headers. Unpacked again only when the package list changes."""
    arch = b.cross["debian_arch"]
    packages = ["%s:%s" % (p, arch) for p in b.cross["packages"]]
    stamp = os.path.join(b.sysroot, ".packages")
    python_name = b.cross["python"]
    wanted = "\n".join(packages) + "\n"
    fresh = (os.path.isfile(stamp) and open(stamp).read() == wanted
             and os.path.isfile(os.path.join(b.sysroot, "usr", "bin", python_name)))
    if not fresh:
        if not (shutil.which("apt-get") and shutil.which("dpkg")):
            raise Failed(1, "%s: the %s CPython comes from Debian's %s packages: this needs apt-get and dpkg"
                         % (b.script, b.rid, arch))
        b.say("== %s CPython (Debian's %s packages, unpacked into %s)" % (b.rid, arch, os.path.relpath(b.sysroot, ROOT)))
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        if arch not in b.capture(["dpkg", "--print-foreign-architectures"]).split():
            b.run(sudo + ["dpkg", "--add-architecture", arch])
        b.run(sudo + ["apt-get", "update", "-qq"])
        debs = os.path.join(b.out, "debs")
        if not b.dry_run:
            shutil.rmtree(debs, ignore_errors=True)
            shutil.rmtree(b.sysroot, ignore_errors=True)
        b.mkdir(debs)
        # Unsandboxed: the download goes into a folder of ours, which apt's own user may not write.
        b.run(["apt-get", "download", "-qq", "-o", "APT::Sandbox::User=root"] + packages, cwd=debs)
        b.mkdir(b.sysroot)
        for deb in [] if b.dry_run else sorted(glob.glob(os.path.join(debs, "*.deb"))):
            b.run(["dpkg", "-x", deb, b.sysroot])
        if not b.dry_run:
            shutil.rmtree(debs)
        b.write_file(stamp, wanted)
    bin_dir = os.path.join(b.out, "bin")
    b.mkdir(bin_dir)
    usr = os.path.join(b.sysroot, "usr")
    # qemu resolves the guest's absolute paths in the sysroot first, then on this machine. The .NET
    # GC reserves 256 GB of address space at start, which costs qemu-user 3.6 s per process (it
    # tracks every page of a mapping): 4 GB here, under qemu only, is plenty for the tests.
    b.write_file(os.path.join(bin_dir, "run"),
                 "#!/bin/sh\n# Runs a %s program under qemu (written by tools/build.py)\n"
                 "DOTNET_GCRegionRange=100000000 exec %s -L %s \"$@\"\n"
                 % (b.rid, b.cross["qemu"], shlex.quote(b.sysroot)), executable=True)
    # PYTHONHOME (a path of this machine) makes sysconfig's include folder one the cross compiler
    # can read; argv[0] is this script, so that sys.executable starts qemu again in the tests'
    # child processes.
    b.write_file(b.python, "#!/bin/sh\n# %s's CPython under qemu (written by tools/build.py)\n"
                 "PYTHONHOME=%s exec \"$(dirname \"$0\")/run\" -0 \"$0\" %s \"$@\"\n"
                 % (b.rid, shlex.quote(usr), shlex.quote(os.path.join(usr, "bin", python_name))),
                 executable=True)
    # Python.h includes the multiarch <TRIPLET/python3.X/pyconfig.h>, which is in the sysroot's
    # /usr/include: searched after the cross compiler's own folders, so its C library stays its own.
    b.write_file(b.cc, "#!/bin/sh\n# The %s C compiler of the samples and tests (written by tools/build.py)\n"
                 "exec %s-gcc -idirafter %s \"$@\"\n"
                 % (b.rid, b.cross["triplet"], shlex.quote(os.path.join(usr, "include"))), executable=True)


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


def cross_targets(b):
    """The targets this machine cross-builds (and tests under qemu) besides its own."""
    return [t for h, t in CROSS_TARGETS if h == b.host_rid]


# ---- commands ----------------------------------------------------------------------------------

@command("build", "", "publish the library (NativeAOT) to out/lib, build the samples to out/cext-samples "
                      "and write the wheels to out/dist (hpyshim, and the hpy 0.9.0 compatibility one)")
def cmd_build(b, argv):
    no_arguments(b, "build", argv)
    build_all(b)


@command("test", "", "build, then run every test (dotnet test: managed, C harness, Python on every CPython, "
                     "both build scripts); a CPython listed in HPYSHIM_REQUIRE_PYTHONS, e.g. \"3.8 3.13\", "
                     "must be installed. On x64 also the linux-arm64 build, its suites run under qemu "
                     "and compared with x64's (--target linux-arm64: only those)")
def cmd_test(b, argv):
    no_arguments(b, "test", argv)
    # The arm64 results are compared with the host's, so the host's build is always made.
    host = b.for_target(None) if b.cross else b
    build_all(host)
    targets = [b] if b.cross else [b.for_target(t) for t in cross_targets(b)]
    for target in targets:
        build_all(target)
    ensure_test_packages(b)
    ensure_valgrind(b)
    ensure_powershell(b)
    counts = os.path.join(host.out, "tests", "counts")
    if not b.dry_run:
        shutil.rmtree(counts, ignore_errors=True)
    # Only the cross target's tests with --target; all of them otherwise.
    only = ["--filter", "FullyQualifiedName~HPyShim.Tests.CrossTargetTests"] if b.cross else []
    try:
        b.run(["dotnet", "test", "Shim.Tests/Shim.Tests.csproj", "-nologo", "--logger", "console;verbosity=normal"]
              + only)
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
    # HPy's own suite needs HPy's sources, which a clone does not have (./build.sh conformance runs it
    # on x64 given them): with HPY_SRC, each cross target's run, compared with x64's.
    for target in targets:
        if os.environ.get("HPY_SRC"):
            cross_conformance(target, [], build=False)
        else:
            b.say("== HPy's test suite on %s: not run (HPY_SRC=CHECKOUT-OF-HPY-0.9.0 runs it)" % target.rid)


@command("install", "PREFIX", "build the library, then install it for C hosts: PREFIX/lib/libhpy.so, "
                              "PREFIX/include/hpyshim, PREFIX/lib/pkgconfig/hpyshim.pc, PREFIX/lib/cmake/HPyShim")
def cmd_install(b, argv):
    if len(argv) != 1:
        raise UsageError("usage: %s install PREFIX" % b.script)
    build_library(b)
    b.run([b.host_python, "packaging/wheels.py", "install", argv[0], "--lib", b.lib])


@command("run", "", "build, then run the samples point and simple through the launcher (--target: under qemu)")
def cmd_run(b, argv):
    no_arguments(b, "run", argv)
    build_all(b)
    env = b.launcher_env(os.path.join(b.out, "cext-samples"))
    for sample in ("point", "simple"):
        b.say("== %s sample through the launcher" % sample)
        b.run([b.python, "-m", "hpyshim", "run", "cext-samples/%s/example.py" % sample], env=env)


@command("bench", "[ARGS]", "build, then run the benchmark (bench/run.sh: the microbenchmarks, then the "
                            "realistic workloads; ARGS go to it)", cross=False)
def cmd_bench(b, argv):
    ensure_bench_tools(b, argv)
    build_all(b)
    b.run(["bench/run.sh"] + argv, env={"PYTHON": b.python})


@command("conformance", "[ARGS]", "build, then run HPy 0.9.0's own test suite on HPy Shim "
                                  "(HPY_SRC=checkout of HPy 0.9.0; ARGS go to conformance/run.py; "
                                  "--target: universal and debug mode under qemu, compared with x64)")
def cmd_conformance(b, argv):
    if b.cross:
        cross_conformance(b, argv)
        return
    build_library(b)
    build_wheels(b)  # test/hpy_devel installs them
    b.run([b.python, "conformance/run.py"] + argv)


# HPy's tests compile their modules inside the CPython under test, through distutils and $CC: under
# qemu that is the target's compiler (OUT/RID/bin/cc, an x64 program that the emulated CPython
# starts like any other). test/hpy_devel (pip and venvs: setuptools integration, no ABI) and
# test/trace (trace mode only) are left out; both header sets: HPy's (the binary compatibility of
# the target's libhpy.so) and ours (source compatibility with the target's compiler).
CROSS_CONFORMANCE = ["--modes", "universal,debug", "--headers", "official,ours",
                     "--file", "test/test_", "--file", "test/debug/"]


def cross_conformance(b, argv, build=True):
    """HPy's test suite in universal and debug mode on the target's CPython under qemu, with the
    target's libhpy.so and modules built by its compiler; every test's outcome must be the one it
    has on this machine's twin of that CPython with this machine's build."""
    host = b.for_target(None)
    if build:
        build_library(host)
        build_library(b)
        ensure_sysroot(b)
        ensure_test_packages(b)   # the twin CPython
    b.say("== HPy's test suite on %s (%s), compared with x64's" % (b.rid, " ".join(CROSS_CONFORMANCE)))
    twin_out = os.path.join(b.out, "conformance-x64")
    b.run([b.host_python, "conformance/run.py", "--python", b.cross["twin_python"], "--out", twin_out]
          + CROSS_CONFORMANCE + argv, env={"HPYSHIM_LIBRARY": host.lib})
    b.run([b.host_python, "conformance/run.py", "--python", b.python, "--out", os.path.join(b.out, "conformance"),
           "--expect", os.path.join(twin_out, "results.json")] + CROSS_CONFORMANCE + argv,
          env={"HPYSHIM_LIBRARY": b.lib, "CC": b.cc, "AR": b.cross["triplet"] + "-ar"})


@command("fuzz", "", "fuzz the argument parsers and HPy_BuildValue (libFuzzer; FUZZ_SECONDS, default 120; "
                    "crashes go to out/fuzz/)", cross=False)
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


@command("memcheck", "", "build, then run the C harnesses under valgrind memcheck", cross=False)
def cmd_memcheck(b, argv):
    no_arguments(b, "memcheck", argv)
    b.require("tests/valgrind/memcheck.sh")
    build_all(b)
    ensure_valgrind(b)
    b.run(["tests/valgrind/memcheck.sh", b.out])


@command("generate", "", "rewrite the generated files from api/hpy_context.api", cross=False)
def cmd_generate(b, argv):
    no_arguments(b, "generate", argv)
    b.run(["dotnet", "run", "--project", "generator", "--", "--root", ROOT])


# ---- main --------------------------------------------------------------------------------------

def usage(script):
    lines = ["usage: %s [--dry-run] [--verbose] [--target RID] [COMMAND [ARGS]]   (default command: build)" % script,
             "  --target linux-arm64     build (and run, test, install) for arm64 on an x64 machine, into OUT/linux-arm64"]
    for name, (_, args, summary, _) in COMMANDS.items():
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
    target = None
    while argv[:1] in (["--dry-run"], ["--verbose"], ["--target"]):
        if argv[0] == "--target":
            if len(argv) < 2:
                print(usage(script), file=sys.stderr)
                return 2
            target, argv = argv[1], argv[1:]
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
        b = Build(dry_run, verbose, target)
        if b.cross and not COMMANDS[name][3]:
            raise UsageError("%s: %s does not take --target (%s do)" % (
                script, name, ", ".join(n for n, c in COMMANDS.items() if c[3])))
        COMMANDS[name][0](b, args)
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
