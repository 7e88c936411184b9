"""The hpyshim wheel on this CPython: its RECORD; installed offline into a fresh venv, everything
comes from inside the installed package (no PYTHONPATH, no checkout): the launcher, the CLI build
of C and C++ sources, the setuptools integration (every ABI, C, C++ and a dotted submodule, `setup.py
build_ext --inplace`, `setup.py install`, `pip install . --no-build-isolation`), and C hosts built
with pkg-config and with CMake's find_package."""

import os
import shutil
import subprocess
import sysconfig
import unittest
import zipfile

from . import venv_support as vs

ABI_SUFFIX = {"universal": ".hpy0.so", "cpython": sysconfig.get_config_var("EXT_SUFFIX"),
              "hybrid": ".hpy0-cp%d%d.so" % tuple(map(int, sysconfig.get_python_version().split(".")))}


class WheelRecordTest(unittest.TestCase):
    def test_both_wheels_record_every_file_with_its_hash(self):
        wheels = vs.wheels_module()
        for name in ("hpyshim", "hpy"):
            self.assertEqual(wheels.check_wheel(vs.wheel(name)), [], name)

    def test_the_record_check_finds_a_changed_file(self):
        wheels = vs.wheels_module()
        tmp = vs.temp_dir()
        self.addCleanup(vs.rmtree, tmp)
        bad = os.path.join(tmp, "bad.whl")
        with zipfile.ZipFile(vs.wheel("hpy")) as src, zipfile.ZipFile(bad, "w") as dst:
            for item in src.infolist():
                data = src.read(item)
                dst.writestr(item, data + b"#" if item.filename == "hpy/__init__.py" else data)
        problems = wheels.check_wheel(bad)
        self.assertEqual(len(problems), 1, problems)
        self.assertIn("hpy/__init__.py", problems[0])

    def test_contents(self):
        with zipfile.ZipFile(vs.wheel("hpyshim")) as z:
            names = set(z.namelist())
            info = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
            entry_points = z.read(info[0]).decode()
        for name in ("hpyshim/__init__.py", "hpyshim/devel.py", "hpyshim/libhpy.so", "hpyshim/include/hpy.h",
                     "hpyshim/include/hpyshim.h", "hpyshim/src/runtime/argparse.c",
                     "hpyshim/src/runtime/cpython/module.c",
                     "hpyshim/lib/universal/libhpyhelpers-universal.a", "hpyshim/lib/pkgconfig/hpyshim.pc",
                     "hpyshim/lib/cmake/HPyShim/HPyShimConfig.cmake"):
            self.assertIn(name, names)
        self.assertIn("hpy_ext_modules = hpyshim.devel:handle_hpy_ext_modules", entry_points)
        self.assertRegex(os.path.basename(vs.wheel("hpyshim")), r"^hpyshim-[0-9.]+-py3-none-linux_[a-z0-9_]+\.whl$")


class InstalledWheelTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = vs.temp_dir()
        cls.venv = vs.Venv(os.path.join(cls.tmp, "venv"))
        cls.venv.pip("install", "-q", vs.wheel("hpyshim"))
        cls.site = cls.venv.site_packages()
        cls.package = os.path.join(cls.site, "hpyshim")

    @classmethod
    def tearDownClass(cls):
        vs.rmtree(cls.tmp)

    def work_dir(self, name):
        path = os.path.join(self.tmp, name)
        os.makedirs(path)
        return path

    def test_files_come_from_the_installed_package(self):
        code = ("import hpyshim, hpyshim.config as c\n"
                "print(hpyshim.__file__); print(hpyshim.library_path()); print(c.include_dir())\n"
                "print(hpyshim.runtime_version())")
        out = self.venv.run("-c", code, cwd=self.tmp).stdout.splitlines()
        for path in out[:3]:
            self.assertTrue(path.startswith(self.package + os.sep), (path, self.package))
        self.assertRegex(out[3], r"^\d+\.\d+")
        proc = self.venv.run("-m", "hpyshim", "--version", cwd=self.tmp)
        self.assertRegex(proc.stdout, r"^hpyshim \d+\.\d+\.\d+\n$")
        proc = self.venv.run("-m", "hpyshim", "config", "--cflags", "--ldflags", "--pkgconfigdir",
                             "--cmakedir", cwd=self.tmp)
        words = proc.stdout.split()
        self.assertEqual(words[0], "-I" + os.path.join(self.package, "include"))
        self.assertIn("-lhpy", words)
        self.assertEqual(words[-2:], [os.path.join(self.package, "lib", "pkgconfig"),
                                      os.path.join(self.package, "lib", "cmake", "HPyShim")])

    def test_cli_builds_c_and_cpp(self):
        work = self.work_dir("cli")
        vs.write(os.path.join(work, "clic.c"), vs.c_module("clic"))
        vs.write(os.path.join(work, "clicxx.cpp"), vs.cxx_module("clicxx"))
        for abi in ("universal", "cpython"):
            for name, src in (("clic", "clic.c"), ("clicxx", "clicxx.cpp")):
                self.venv.run("-m", "hpyshim", "build", name, src, "--abi", abi, "-o", abi, cwd=work)
            code = ("import hpyshim, sys; sys.path.insert(0, %r)\n"
                    "import clic, clicxx; print(clic.add(1, 2), clicxx.join('y'))" % abi)
            out = self.venv.run("-c", code, cwd=work).stdout
            self.assertEqual(out, "3 c++/y/\n", abi)

    def check_imports(self, where, prefix, abi):
        # A fresh process that never imports hpyshim itself: the stubs do.
        out = self.venv.run("-c", vs.import_check(prefix), cwd=where).stdout.splitlines()
        self.assertEqual(out, vs.expected_lines(prefix, abi))

    def test_setup_py_build_ext_inplace_each_abi(self):
        for abi in ("universal", "hybrid", "cpython"):
            with self.subTest(abi=abi):
                work = vs.project(self.work_dir("inplace-" + abi), "ip")
                proc = self.venv.run("setup.py", "--hpy-abi=" + abi, "build_ext", "--inplace", cwd=work)
                log = proc.stdout + proc.stderr
                for module in ("ipc", "ipcxx", os.path.join("ippkg", "sub")):
                    self.assertTrue(os.path.isfile(os.path.join(work, module + ABI_SUFFIX[abi])), module)
                    stub = os.path.join(work, module + ".py")
                    self.assertEqual(os.path.isfile(stub), abi != "cpython", stub)
                # The helper sources are compiled once, into one static library every module links.
                self.assertEqual(log.count("building the HPy helper library for the %s ABI" % abi), 1, log)
                self.assertEqual(log.count("argparse.c -o"), 1, log)
                self.assertEqual(log.count("libhpyhelpers-%s.a" % abi), 4, log)  # created once, linked 3 times
                if abi != "cpython":
                    self.assertIn("build" + os.sep + "lib.", log)
                    self.assertIn("-hpy-" + abi, log)  # per-ABI build folders
                self.check_imports(work, "ip", abi)

    def test_unknown_abi_is_a_clear_error(self):
        work = vs.project(self.work_dir("badabi"), "ba")
        proc = self.venv.run("setup.py", "--hpy-abi=bogus", "build_ext", cwd=work, check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("Unknown HPy ABI: bogus", proc.stderr)

    def test_pip_install_without_build_isolation(self):
        # No --hpy-abi: the modules say they are CPython ABI builds, hpy.devel's default on CPython.
        work = vs.project(self.work_dir("pip"), "pi")
        self.venv.pip("install", "-q", "--no-build-isolation", ".", cwd=work)
        self.check_imports(self.tmp, "pi", "cpython")

    def test_setup_py_install_universal(self):
        # setup.py install goes through bdist_egg, which must keep the HPy stub of each module.
        # Without byte-code setuptools finds nothing unsafe and zips the egg: the stubs must
        # then find their binaries through pkg_resources.
        work = vs.project(self.work_dir("install"), "si")
        self.venv.run("setup.py", "--hpy-abi=universal", "install", cwd=work, env={"PYTHONDONTWRITEBYTECODE": "1"})
        eggs = [n for n in os.listdir(self.site) if n.startswith("siproject-") and n.endswith(".egg")]
        self.assertEqual(len(eggs), 1, os.listdir(self.site))
        self.assertTrue(zipfile.is_zipfile(os.path.join(self.site, eggs[0])), eggs)
        self.check_imports(self.tmp, "si", "universal")

    def test_setup_py_install_cpython(self):
        # No --hpy-abi: CPython ABI binaries. In a zipped egg (no byte-code: setuptools finds
        # nothing unsafe) only the stub NAME.py can be imported; setuptools' own stub loads the
        # binary into a module it drops (a multi-phase PyInit_NAME never enters sys.modules by
        # itself), so `import NAME` gave the empty stub: the stub must be ours. In an unzipped
        # egg (byte-code shows the stubs use __file__) the import finds the binary first.
        for prefix, zipped in (("sz", True), ("su", False)):
            with self.subTest(zipped=zipped):
                work = vs.project(self.work_dir("install-" + prefix), prefix)
                env = {"PYTHONDONTWRITEBYTECODE": "1"} if zipped else {}
                self.venv.run("setup.py", "install", cwd=work, env=env)
                eggs = [n for n in os.listdir(self.site) if n.startswith(prefix + "project-")]
                self.assertEqual(len(eggs), 1, os.listdir(self.site))
                self.assertEqual(zipfile.is_zipfile(os.path.join(self.site, eggs[0])), zipped, eggs)
                self.check_imports(self.tmp, prefix, "cpython")

    def test_static_helper_library(self):
        work = vs.project(self.work_dir("static"), "st")
        proc = self.venv.run("setup.py", "--hpy-abi=universal", "--hpy-use-static-libs", "build_ext",
                             "--inplace", cwd=work)
        log = proc.stdout + proc.stderr
        self.assertNotIn("argparse.c", log)
        self.assertIn(os.path.join(self.package, "lib", "universal", "libhpyhelpers-universal.a"), log)
        self.check_imports(work, "st", "universal")
        proc = self.venv.run("setup.py", "--hpy-abi=hybrid", "--hpy-use-static-libs", "build_ext",
                             "--inplace", cwd=work, check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn('Expected exactly one static library for ABI "hybrid"', proc.stderr)

    def c_host_args(self):
        libpython = vs.libpython()
        if libpython is None:
            self.skipTest("this CPython has no shared libpython for a C host to start")
        if not os.path.isdir(vs.SAMPLES):
            raise vs.MissingPrerequisite("%s is missing: run ./build.sh" % vs.SAMPLES)
        return libpython, vs.SAMPLES, {"PYTHONHOME": sysconfig.get_config_var("prefix")}

    def test_c_host_with_pkg_config(self):
        libpython, samples, env = self.c_host_args()
        pcdir = self.venv.run("-m", "hpyshim", "config", "--pkgconfigdir").stdout.strip()
        flags = self.venv.run("--cflags", "--libs", "hpyshim", tool=shutil.which("pkg-config") or "pkg-config",
                              env={"PKG_CONFIG_PATH": pcdir}).stdout.split()
        exe = os.path.join(self.tmp, "embed_pc")
        self.venv.run("-std=c99", "-Wall", "-Werror", os.path.join(vs.REPO_DIR, "tests", "c", "embed_test.c"),
                      *flags, "-o", exe, tool="gcc")
        self.assertIn("libhpy.so", subprocess.check_output(["readelf", "-d", exe], universal_newlines=True))
        out = self.venv.run(libpython, samples, tool=exe, env=env).stdout
        self.assertIn("\n0 failure(s)", out)

    def test_c_host_with_cmake_find_package(self):
        libpython, samples, env = self.c_host_args()
        cmakedir = self.venv.run("-m", "hpyshim", "config", "--cmakedir").stdout.strip()
        build = os.path.join(self.tmp, "cmake-build")
        self.venv.run("-S", os.path.join(vs.REPO_DIR, "tests", "c", "cmake"), "-B", build,
                      "-DHPyShim_DIR=" + cmakedir, "-DLIBPYTHON=" + libpython, "-DSAMPLES=" + samples,
                      "-DPYTHONHOME=" + env["PYTHONHOME"], tool="cmake")
        self.venv.run("--build", build, tool="cmake")
        out = self.venv.run("--output-on-failure", tool="ctest", cwd=build).stdout
        self.assertIn("100% tests passed", out)


if __name__ == "__main__":
    unittest.main()
