"""HPy 0.9's own runtime (`hpy.universal`), built from its sources for comparison only.

    python bench/hpy_runtime.py [--source DIR] [--python PYTHON]

The benchmarks compare HPy Shim with HPy's runtime when a build of it is in out/hpy-runtime/ (mode
`hpy`: the same HPy source compiled with HPy's headers and helpers, loaded by `hpy.universal.load`).
Nothing of HPy is kept in this repository: the sources are taken at run time, from --source (an
unpacked HPy 0.9.0 tree, or a git repository that has the tag 0.9.0), else $HPYSHIM_HPY_SOURCE,
else a shallow clone of github.com/hpyproject/hpy at 0.9.0, into out/hpy-runtime/src. The build
uses setuptools (Debian's python3-setuptools through PYTHONPATH is enough) and needs no
setuptools_scm: version.h is written here.
"""

import argparse
import glob
import os
import shutil
import subprocess
import sys
import sysconfig

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OUT = os.path.join(ROOT, "out", "hpy-runtime")
SRC = os.path.join(OUT, "src")
TAG = "0.9.0"
URL = "https://github.com/hpyproject/hpy"
# The helpers an HPy 0.9 universal extension compiles in (hpy.devel's extra sources we need).
HELPERS = ("argparse.c", "buildvalue.c", "helpers.c")
DEBIAN_SETUPTOOLS = "/usr/lib/python3/dist-packages"


def say(msg):
    print(msg, flush=True)


def source_dir():
    """out/hpy-runtime/src when it holds HPy's sources, else None."""
    return SRC if os.path.isfile(os.path.join(SRC, "hpy", "devel", "include", "hpy.h")) else None


def runtime_built(python=None):
    """True when `python` (default: this one) has a built hpy.universal in out/hpy-runtime/src."""
    if source_dir() is None:
        return False
    if python in (None, sys.executable):
        suffix = sysconfig.get_config_var("EXT_SUFFIX")
    else:
        suffix = subprocess.check_output([python, "-c", "import sysconfig; print(sysconfig.get_config_var('EXT_SUFFIX'))"],
                                         universal_newlines=True).strip()
    return os.path.isfile(os.path.join(SRC, "hpy", "universal" + suffix))


def build_extension_command(name, sources, outdir, extra_flags=()):
    """The compiler command of a universal build of `sources` with HPy's headers and helpers."""
    devel = os.path.join(SRC, "hpy", "devel")
    cc = os.environ.get("CC", "").split() or ["gcc"]
    helpers = [os.path.join(devel, "src", "runtime", h) for h in HELPERS]
    out = os.path.join(outdir, name + ".hpy0.so")
    return cc + ["-O2", "-fPIC", "-shared", "-DHPY_ABI_UNIVERSAL", "-I" + os.path.join(devel, "include")] \
        + list(extra_flags) + [os.path.abspath(s) for s in sources] + helpers + ["-lm", "-o", out], out


def load(name, path):
    """Load a universal binary with HPy's runtime (out/hpy-runtime/src must be built)."""
    if SRC not in sys.path:
        sys.path.insert(0, SRC)
    import importlib.util
    import hpy.universal
    spec = importlib.util.spec_from_file_location(name, path)
    return hpy.universal.load(name, path, spec)


def fetch_sources(source):
    if os.path.exists(SRC):
        shutil.rmtree(SRC)
    os.makedirs(SRC)
    if source and os.path.isfile(os.path.join(source, "setup.py")):
        say("copying %s" % source)
        shutil.rmtree(SRC)
        shutil.copytree(source, SRC, ignore=shutil.ignore_patterns("build", "*.so", ".git"))
        return
    if not source:
        clone = os.path.join(OUT, "clone")
        if not os.path.isdir(clone):
            say("cloning %s at %s" % (URL, TAG))
            subprocess.check_call(["git", "clone", "--quiet", "--bare", "--depth", "1", "--branch", TAG, URL, clone])
        source = clone
    say("git archive %s from %s" % (TAG, source))
    archive = subprocess.Popen(["git", "--git-dir=" + (os.path.join(source, ".git") if os.path.isdir(os.path.join(source, ".git")) else source),
                                "archive", TAG], stdout=subprocess.PIPE)
    subprocess.check_call(["tar", "-x", "-C", SRC], stdin=archive.stdout)
    if archive.wait() != 0:
        raise SystemExit("git archive %s failed" % TAG)


def prepare_sources():
    """Drop setuptools_scm from the build (not installed here) and write what it would write."""
    setup = os.path.join(SRC, "setup.py")
    with open(setup) as f:
        text = f.read()
    text = text.replace("    use_scm_version=get_scm_config,\n", "").replace("    setup_requires=['setuptools_scm'],\n", "")
    with open(setup, "w") as f:
        f.write(text)
    with open(os.path.join(SRC, "hpy", "devel", "include", "hpy", "version.h"), "w") as f:
        f.write('#define HPY_VERSION "%s"\n#define HPY_GIT_REVISION "%s"\n' % (TAG, TAG))
    with open(os.path.join(SRC, "hpy", "devel", "version.py"), "w") as f:
        f.write('__version__ = "%s"\n__git_revision__ = "%s"\n' % (TAG, TAG))


def build_runtime(python):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([DEBIAN_SETUPTOOLS] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    say("building hpy.universal for %s" % python)
    p = subprocess.run([python, "setup.py", "build_ext", "--inplace"], cwd=SRC, env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True)
    if p.returncode != 0:
        say(p.stdout[-3000:])
        raise SystemExit("building hpy.universal failed (exit %d)" % p.returncode)
    built = glob.glob(os.path.join(SRC, "hpy", "universal*.so"))
    say("built %s" % ", ".join(os.path.relpath(b, ROOT) for b in built))


def main(argv=None):
    p = argparse.ArgumentParser(description="Build HPy 0.9's runtime into out/hpy-runtime (for comparison).")
    p.add_argument("--source", default=os.environ.get("HPYSHIM_HPY_SOURCE"),
                   help="an HPy 0.9.0 source tree or a git repository with the tag %s" % TAG)
    p.add_argument("--python", action="append", default=[], help="CPython to build for (repeatable; default this one)")
    p.add_argument("--keep", action="store_true", help="reuse out/hpy-runtime/src if it is there")
    ns = p.parse_args(argv)
    if not (ns.keep and source_dir()):
        fetch_sources(ns.source)
        prepare_sources()
    for python in ns.python or [sys.executable]:
        build_runtime(python)
    return 0


if __name__ == "__main__":
    sys.exit(main())
