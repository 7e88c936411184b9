#!/usr/bin/env python3
"""Package HPy Shim, with the standard library only (no network, no build backend).

    wheels.py wheels --lib out/lib/libhpy.so --out out/dist [--platform TAG]
        hpyshim-VERSION-py3-none-PLATFORM.whl: the hpyshim package with libhpy.so, the headers
        and helper sources (include/), the prebuilt universal helper library (lib/universal/),
        hpyshim.pc (lib/pkgconfig/) and the CMake package (lib/cmake/HPyShim/); one wheel for
        every CPython 3.8+. PLATFORM is this machine's unless --platform names another (a cross
        build's, e.g. linux_aarch64; $CC and $AR then name its compiler and archiver).
        hpy-0.9.0-py3-none-any.whl: the opt-in compatibility distribution (compat/hpy), which
        requires hpyshim.
    wheels.py install PREFIX --lib out/lib/libhpy.so
        PREFIX/lib/libhpy.so, PREFIX/include/hpyshim/, PREFIX/lib/pkgconfig/hpyshim.pc and
        PREFIX/lib/cmake/HPyShim/, for C hosts.
    wheels.py check WHEEL
        verify a wheel's RECORD (every file listed with its size and sha256, nothing else).
"""

import argparse
import base64
import csv
import glob
import hashlib
import io
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HERE = os.path.join(ROOT, "packaging")
COMPAT_VERSION = "0.9.0"   # the hpy release whose API the compatibility distribution offers
LIBNAME = "libhpy.so"
PYTEST_PLUGIN = "_hpyshim_pytest"   # a top-level module of the hpyshim wheel (launcher/_hpyshim_pytest.py)
ZIP_DATE = (2024, 1, 1, 0, 0, 0)  # fixed, so the same inputs give the same wheel


def version():
    text = open(os.path.join(ROOT, "launcher", "hpyshim", "__init__.py")).read()
    return re.search(r'^__version__ = "([^"]+)"', text, re.M).group(1)


def platform_tag(platform=None):
    return platform or re.sub(r"[-.]", "_", sysconfig.get_platform())


def fill(template, **values):
    text = open(os.path.join(HERE, template)).read()
    for key, value in values.items():
        text = text.replace("@%s@" % key, value)
    return text


def c_files(version_, prefix, includedir, libdir):
    """pkg-config and CMake files as {relative path: text}; paths inside are relative to them."""
    return {
        "lib/pkgconfig/hpyshim.pc": fill("hpyshim.pc.in", PREFIX=prefix, INCLUDEDIR=includedir,
                                         LIBDIR=libdir, VERSION=version_),
        "lib/cmake/HPyShim/HPyShimConfig.cmake": fill(
            "HPyShimConfig.cmake.in", PREFIX="../" + prefix, INCLUDEDIR=includedir, LIBDIR=libdir,
            VERSION=version_, LIBNAME=LIBNAME),
        "lib/cmake/HPyShim/HPyShimConfigVersion.cmake": fill("HPyShimConfigVersion.cmake.in",
                                                             VERSION=version_),
    }


def tree_files(folder, suffixes):
    """(source path, path relative to `folder`) of the files with those suffixes under it."""
    base = os.path.join(ROOT, folder)
    out = []
    for path in sorted(glob.glob(os.path.join(base, "**", "*"), recursive=True)):
        if os.path.isfile(path) and path.endswith(suffixes):
            out.append((path, os.path.relpath(path, base)))
    return out


def include_files():
    """The headers: (source path, path relative to include/)."""
    return tree_files("include", (".h",))


def source_files():
    """The helper sources compiled into extensions: (source path, path relative to src/runtime/)."""
    return tree_files(os.path.join("src", "runtime"), (".c", ".h"))


def helper_library(workdir):
    """The universal helper sources compiled once into the static library hpy.devel's
    --hpy-use-static-libs links (universal objects do not depend on the CPython version)."""
    inc = os.path.join(ROOT, "include")
    cc = os.environ.get("CC", "gcc").split()
    objects = []
    for src in sorted(glob.glob(os.path.join(ROOT, "src", "runtime", "*.c"))):
        obj = os.path.join(workdir, os.path.basename(src) + ".o")
        subprocess.run(cc + ["-c", "-O2", "-fPIC", "-DHPY", "-DHPY_ABI_UNIVERSAL",
                             "-I" + os.path.join(inc, "hpy", "forbid_python_h"), "-I" + inc,
                             src, "-o", obj], check=True)
        objects.append(obj)
    lib = os.path.join(workdir, "libhpyhelpers-universal.a")
    subprocess.run(os.environ.get("AR", "ar").split() + ["rcs", lib] + objects, check=True)
    return lib


class Wheel:
    def __init__(self, path, name, version_):
        self.name, self.version = name, version_
        self.zip = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED)
        self.records = []

    def add(self, arcname, data, executable=False):
        if isinstance(data, str):
            data = data.encode("utf-8")
        info = zipfile.ZipInfo(arcname, ZIP_DATE)
        info.external_attr = (0o755 if executable else 0o644) << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        self.zip.writestr(info, data)
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        self.records.append((arcname, "sha256=" + digest, str(len(data))))

    def add_file(self, arcname, path):
        with open(path, "rb") as f:
            self.add(arcname, f.read(), executable=os.access(path, os.X_OK) and path.endswith(".so"))

    def close(self, tag, purelib, metadata, entry_points=None, top_level=()):
        info = "%s-%s.dist-info/" % (self.name, self.version)
        self.add(info + "METADATA", metadata)
        self.add(info + "WHEEL", "Wheel-Version: 1.0\nGenerator: hpyshim packaging/wheels.py\n"
                                 "Root-Is-Purelib: %s\nTag: %s\n" % ("true" if purelib else "false", tag))
        if entry_points:
            self.add(info + "entry_points.txt", entry_points)
        self.add(info + "top_level.txt", "".join(t + "\n" for t in top_level))
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerows(self.records)
        writer.writerow((info + "RECORD", "", ""))
        data = out.getvalue().encode()
        info_ = zipfile.ZipInfo(info + "RECORD", ZIP_DATE)
        info_.external_attr = 0o644 << 16
        self.zip.writestr(info_, data, zipfile.ZIP_DEFLATED)
        self.zip.close()


def python_files(package_dir, arc_prefix):
    for path in sorted(glob.glob(os.path.join(package_dir, "**", "*.py"), recursive=True)):
        yield arc_prefix + os.path.relpath(path, package_dir).replace(os.sep, "/"), path


def build_hpyshim_wheel(lib, outdir, platform=None):
    v = version()
    tag = "py3-none-" + platform_tag(platform)
    path = os.path.join(outdir, "hpyshim-%s-%s.whl" % (v, tag))
    wheel = Wheel(path, "hpyshim", v)
    for arc, src in python_files(os.path.join(ROOT, "launcher", "hpyshim"), "hpyshim/"):
        wheel.add_file(arc, src)
    # The pytest plugin (fatal reports past pytest's capture), outside the package so that loading
    # it does not import hpyshim.
    wheel.add_file(PYTEST_PLUGIN + ".py", os.path.join(ROOT, "launcher", PYTEST_PLUGIN + ".py"))
    wheel.add_file("hpyshim/" + LIBNAME, lib)
    for src, rel in include_files():
        wheel.add_file("hpyshim/include/" + rel.replace(os.sep, "/"), src)
    for src, rel in source_files():
        wheel.add_file("hpyshim/src/runtime/" + rel.replace(os.sep, "/"), src)
    with tempfile.TemporaryDirectory() as tmp:
        wheel.add_file("hpyshim/lib/universal/libhpyhelpers-universal.a", helper_library(tmp))
    # In the package, libhpy.so is at its top and the headers in include/.
    for rel, text in c_files(v, "../..", "include", ".").items():
        wheel.add("hpyshim/" + rel, text)
    metadata = ("Metadata-Version: 2.1\nName: hpyshim\nVersion: %s\n"
                "Summary: HPy Shim: run HPy universal extensions on every CPython 3.8+, and build them\n"
                "Requires-Python: >=3.8\n" % v)
    entry_points = ("[console_scripts]\nhpyshim = hpyshim.cli:main\n\n"
                    "[distutils.setup_keywords]\nhpy_ext_modules = hpyshim.devel:handle_hpy_ext_modules\n\n"
                    "[pytest11]\nhpyshim = %s\n" % PYTEST_PLUGIN)
    wheel.close(tag, False, metadata, entry_points, ["hpyshim", PYTEST_PLUGIN])
    return path


def build_compat_wheel(outdir):
    v = version()
    path = os.path.join(outdir, "hpy-%s-py3-none-any.whl" % COMPAT_VERSION)
    wheel = Wheel(path, "hpy", COMPAT_VERSION)
    for arc, src in python_files(os.path.join(ROOT, "compat", "hpy"), "hpy/"):
        wheel.add_file(arc, src)
    metadata = ("Metadata-Version: 2.1\nName: hpy\nVersion: %s\n"
                "Summary: The hpy package's API (hpy.universal, hpy.devel, hpy.debug, hpy.trace) "
                "served by HPy Shim\nRequires-Python: >=3.8\nRequires-Dist: hpyshim==%s\n"
                % (COMPAT_VERSION, v))
    wheel.close("py3-none-any", True, metadata, None, ["hpy"])
    return path


def check_wheel(path):
    """Problems with a wheel's RECORD, as a list of strings (empty: fine)."""
    problems = []
    with zipfile.ZipFile(path) as z:
        names = [n for n in z.namelist() if not n.endswith("/")]
        record_name = [n for n in names if n.endswith(".dist-info/RECORD")]
        if len(record_name) != 1:
            return ["%s: expected one .dist-info/RECORD, found %d" % (path, len(record_name))]
        rows = list(csv.reader(io.StringIO(z.read(record_name[0]).decode())))
        listed = {}
        for row in rows:
            if len(row) != 3:
                problems.append("RECORD row %r has %d fields" % (row, len(row)))
                continue
            listed[row[0]] = row
        for name in names:
            if name not in listed:
                problems.append("%s is not in RECORD" % name)
                continue
            if name == record_name[0]:
                continue
            data = z.read(name)
            algo, _, digest = listed[name][1].partition("=")
            actual = base64.urlsafe_b64encode(hashlib.new(algo, data).digest()).rstrip(b"=").decode()
            if digest != actual or listed[name][2] != str(len(data)):
                problems.append("%s: RECORD says %s,%s; the file has %s,%d"
                                % (name, listed[name][1], listed[name][2], actual, len(data)))
        for name in listed:
            if name not in names:
                problems.append("RECORD lists %s, which the wheel does not hold" % name)
    return problems


def install(prefix, lib):
    """A C host's view of HPy Shim under PREFIX (lib/, include/hpyshim/, pkg-config, CMake)."""
    prefix = os.path.abspath(prefix)
    os.makedirs(os.path.join(prefix, "lib"), exist_ok=True)
    shutil.copy2(lib, os.path.join(prefix, "lib", LIBNAME + ".new"))
    os.replace(os.path.join(prefix, "lib", LIBNAME + ".new"), os.path.join(prefix, "lib", LIBNAME))
    for src, rel in include_files():
        dst = os.path.join(prefix, "include", "hpyshim", rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copy2(src, dst)
    for rel, text in c_files(version(), "../..", "include/hpyshim", "lib").items():
        dst = os.path.join(prefix, rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        with open(dst, "w") as f:
            f.write(text)
    return prefix


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    w = sub.add_parser("wheels")
    w.add_argument("--lib", required=True)
    w.add_argument("--out", required=True)
    w.add_argument("--platform", help="the wheel's platform tag (default: this machine's)")
    i = sub.add_parser("install")
    i.add_argument("prefix")
    i.add_argument("--lib", required=True)
    c = sub.add_parser("check")
    c.add_argument("wheel", nargs="+")
    ns = ap.parse_args(argv)
    if ns.command in ("wheels", "install") and not os.path.isfile(ns.lib):
        sys.exit("wheels.py: %s does not exist: build the library first (./build.sh)" % ns.lib)
    if ns.command == "wheels":
        os.makedirs(ns.out, exist_ok=True)
        for old in glob.glob(os.path.join(ns.out, "*.whl")):
            os.remove(old)
        for path in (build_hpyshim_wheel(ns.lib, ns.out, ns.platform), build_compat_wheel(ns.out)):
            problems = check_wheel(path)
            if problems:
                sys.exit("wheels.py: %s:\n  %s" % (path, "\n  ".join(problems)))
            print(path)
    elif ns.command == "install":
        print(install(ns.prefix, ns.lib))
    else:
        bad = 0
        for path in ns.wheel:
            for p in check_wheel(path):
                print("%s: %s" % (path, p))
                bad += 1
        return 1 if bad else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
