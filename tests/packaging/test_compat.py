"""The opt-in ``hpy`` 0.9.0 compatibility distribution on this CPython: `pip install hpy` from the
folder of wheels pulls hpyshim in; the hpy package's API is HPy Shim's, with the public names of
HPy 0.9.0's modules; a project written for hpy.devel (its setup.py, and a stub file of the shape
hpy.devel writes) builds and runs unchanged; HPy's documented pytest usage works under a real
pytest, and the hpyshim wheel's pytest plugin gets fatal debug reports past pytest's capture."""

import json
import os
import re
import sysconfig
import textwrap
import unittest

from . import venv_support as vs

HYBRID_SUFFIX = ".hpy0-cp%d%d.so" % tuple(map(int, sysconfig.get_python_version().split(".")))


# The public names of HPy 0.9.0's Python modules and of its C module hpy.universal, read from HPy
# 0.9.0's sources: what each module defines or takes from its own package (dir() without the
# underscore names, and without the modules and standard library names its imports bring along:
# sys, os, re, functools, Path, setuptools, distutils, log, DistutilsError, cmd, sysconfig,
# pytest, hpy). Submodules count: hpy.debug.leakdetector is an attribute of hpy.debug.
HPY_090_NAMES = {
    "hpy.universal": ["MODE_DEBUG", "MODE_TRACE", "MODE_UNIVERSAL", "get_version", "load"],
    "hpy.debug": ["HPyDebugError", "HPyLeakError", "LeakDetector", "disable_handle_stack_traces",
                  "leakdetector", "set_handle_stack_trace_limit"],
    "hpy.debug.leakdetector": ["HPyDebugError", "HPyLeakError", "LeakDetector"],
    "hpy.debug.pytest": ["LeakDetector", "fixture", "hpy_debug"],
    "hpy.trace": ["get_call_counts", "get_durations", "get_frequency", "set_trace_functions"],
    "hpy.devel": ["DEFAULT_HPY_ABI", "HPyDevel", "HPyExtensionName", "abitag", "build_ext_hpy_mixin",
                  "build_hpy_mixin", "get_hpy_ext_suffix", "handle_hpy_ext_modules", "is_hpy_extension",
                  "make_mixin", "monkeypatch", "remember_hpy_extension"],
    "hpy.devel.abitag": ["HPY_ABI_TAG", "HPY_ABI_VERSION", "HPY_ABI_VERSION_MINOR", "get_hpy_ext_suffix",
                         "parse_ext_suffix"],
}
# hpy.universal's underscore names that HPy's stubs and users reach, and the public names of the
# modules hpy.universal._debug and _trace (HPy's C modules; ours are hpyshim.debug and
# hpyshim.trace, which have more).
HPY_090_UNIVERSAL_PRIVATE = ["_debug", "_load_bootstrap", "_trace"]
HPY_090_DEBUG_MODULE = ["DebugHandle", "get_closed_handles", "get_closed_handles_queue_max_size",
                        "get_open_handles", "get_protected_raw_data_max_size", "new_generation",
                        "set_closed_handles_queue_max_size", "set_handle_stack_trace_limit",
                        "set_on_invalid_builder_handle", "set_on_invalid_handle",
                        "set_protected_raw_data_max_size"]
HPY_090_TRACE_MODULE = ["get_call_counts", "get_durations", "get_frequency", "set_trace_functions"]

PUBLIC_NAMES = """
    import importlib, json, sys, types
    def public(module):
        names = []
        for attr in dir(module):
            value = getattr(module, attr)
            if attr.startswith("_"):
                continue
            if isinstance(value, types.ModuleType) and value.__name__ != module.__name__ + "." + attr:
                continue   # a module its imports bring, not one of its submodules
            names.append(attr)
        return sorted(names)
    out = {name: public(importlib.import_module(name)) for name in sys.argv[1:]}
    import hpy.universal as u
    out["private"] = sorted(n for n in ("_debug", "_load_bootstrap", "_trace") if hasattr(u, n))
    out["_debug"], out["_trace"] = public(u._debug), public(u._trace)
    print(json.dumps(out))
"""

MISUSE = vs.tests_module("misuse_snippets").module_source("misused", "double_close", "leak", "echo")

# Loads the extension in debug mode with HPy's API.
LOAD_DEBUG = """
    import importlib.util, os
    import hpy.universal
    _path = os.path.join(os.path.dirname(__file__), "misused.hpy0.so")
    m = hpy.universal.load("misused", _path, importlib.util.spec_from_file_location("misused", _path),
                           debug=True)
"""


def debug_test_module(body):
    return textwrap.dedent(LOAD_DEBUG) + textwrap.dedent(body)


class CompatDistributionTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = vs.temp_dir()
        cls.venv = vs.Venv(os.path.join(cls.tmp, "venv"))
        cls.venv.pip("install", "-q", "hpy==0.9.0")  # resolved offline; requires hpyshim

    @classmethod
    def tearDownClass(cls):
        vs.rmtree(cls.tmp)

    def test_public_names_are_hpy_090s(self):
        out = json.loads(self.venv.run("-c", textwrap.dedent(PUBLIC_NAMES), *HPY_090_NAMES,
                                       env={"PYTHONPATH": self.pytest_path()}).stdout)
        for module, names in HPY_090_NAMES.items():
            with self.subTest(module=module):
                self.assertEqual(out[module], names)
        self.assertEqual(out["private"], HPY_090_UNIVERSAL_PRIVATE)
        self.assertEqual(sorted(set(HPY_090_DEBUG_MODULE) - set(out["_debug"])), [])
        self.assertEqual(sorted(set(HPY_090_TRACE_MODULE) - set(out["_trace"])), [])

    def pytest_path(self):
        return vs.pytest_dir(self.tmp)

    def misuse_project(self, name, files):
        """A folder with the misbehaving extension (universal, built by the installed hpyshim) and
        `files` ({name: text})."""
        work = os.path.join(self.tmp, name)
        os.makedirs(work)
        vs.write(os.path.join(work, "misused.c"), MISUSE)
        self.venv.run("-m", "hpyshim", "build", "misused", "misused.c", cwd=work)
        for file_name, text in files.items():
            vs.write(os.path.join(work, file_name), text)
        return work

    def run_pytest(self, work, *args):
        return self.venv.run("-m", "pytest", "-p", "no:cacheprovider", *args, cwd=work, check=False,
                             env={"PYTHONPATH": self.pytest_path()})

    def test_hpy_documented_pytest_usage(self):
        # HPy's docs: the hpy_debug fixture and LeakDetector, imported from hpy.debug.pytest
        work = self.misuse_project("documented", {
            "conftest.py": "from hpy.debug.pytest import hpy_debug, LeakDetector\n",
            "test_documented.py": debug_test_module("""

                def test_leaks(hpy_debug):
                    m.leak("leaked by test_leaks")


                def test_clean(hpy_debug):
                    assert m.echo("kept") == "kept"


                def test_leak_detector():
                    from hpy.debug.pytest import LeakDetector
                    with LeakDetector():
                        assert m.echo(42) == 42
            """)})
        proc = self.run_pytest(work, "-rA")
        self.assertEqual(proc.returncode, 1, vs.describe(proc))
        for test in ("test_clean", "test_leak_detector", "test_leaks"):
            self.assertIn("PASSED test_documented.py::" + test, proc.stdout)
        self.assertIn("ERROR test_documented.py::test_leaks - hpy.debug.leakdetector.HPyLeakError", proc.stdout)
        self.assertIn("for 'leaked by test_leaks'>", proc.stdout)
        # (pytest 7.2 warns about its own use of ast on CPython 3.12+)
        self.assertRegex(proc.stdout, r"\b3 passed(, \d+ warnings)?, 1 error in ")

    def test_fatal_report_past_pytest_capture(self):
        # No conftest.py and nothing imported from hpy.debug: the hpyshim wheel's pytest11 entry
        # point loads the plugin, and the report reaches pytest's stderr despite the capture.
        work = self.misuse_project("fatal", {"test_fatal.py": debug_test_module("""

                def test_double_close():
                    m.double_close(["closed twice"])
            """)})
        proc = self.run_pytest(work)
        self.assertNotEqual(proc.returncode, 0, vs.describe(proc))
        self.assertRegex(proc.stdout, r"plugins: .*hpyshim-", vs.describe(proc))
        report = re.findall(r"HPy debug mode: Invalid usage of already closed handle\n"
                            r"  handle 0x[0-9a-f]+, argument 1 of HPy_Close\n", proc.stderr)
        self.assertEqual(len(report), 1, vs.describe(proc))
        self.assertRegex(proc.stderr, r'File ".*test_fatal\.py", line \d+ in test_double_close')

    def test_hpy_api_is_hpyshim(self):
        code = textwrap.dedent("""
            import hpy, hpy.universal as u, hpy.debug, hpy.debug.leakdetector, hpy.trace, hpy.devel
            import hpy.devel.abitag as abitag
            import hpyshim, hpyshim.universal, hpyshim.debug, hpyshim.trace, hpyshim.config
            assert u._load_bootstrap is hpyshim.universal._load_bootstrap
            assert u.load is hpyshim.universal.load and u._debug is hpyshim.debug and u._trace is hpyshim.trace
            assert (u.MODE_UNIVERSAL, u.MODE_DEBUG, u.MODE_TRACE) == (0, 1, 2), (u.MODE_UNIVERSAL, u.MODE_DEBUG)
            assert hpy.debug.LeakDetector is hpyshim.debug.LeakDetector
            assert hpy.debug.leakdetector.HPyLeakError is hpyshim.debug.HPyLeakError
            assert hpy.trace.get_call_counts is hpyshim.trace.get_call_counts
            devel = hpy.devel.HPyDevel()
            assert devel.get_extra_include_dirs() == [hpyshim.config.include_dir()], devel.get_extra_include_dirs()
            assert [s for s in devel.get_extra_sources() if s.endswith("argparse.c")]
            assert len(devel.get_static_libs("universal")) == 1
            assert abitag.get_hpy_ext_suffix("universal") == ".hpy0.so"
            assert abitag.HPY_ABI_TAG == "hpy0"
            print(abitag.get_hpy_ext_suffix("hybrid"), hpy.devel.DEFAULT_HPY_ABI, u.get_version()[0])
            from importlib.metadata import version
            print(version("hpy"), version("hpyshim"))
        """)
        out = self.venv.run("-c", code, cwd=self.tmp).stdout.splitlines()
        self.assertEqual(out[0].split()[:2], [HYBRID_SUFFIX, "cpython"])
        self.assertEqual(out[1].split()[0], "0.9.0")

    def test_hpy_devel_helpers_behave_as_hpys(self):
        code = textwrap.dedent("""
            import types
            import setuptools.command.build_ext as be
            from hpy.devel import (HPyExtensionName, build_ext_hpy_mixin, build_hpy_mixin,
                                   is_hpy_extension, make_mixin, monkeypatch, remember_hpy_extension)
            name = HPyExtensionName("pkg.mod")
            assert is_hpy_extension(name) and not is_hpy_extension("pkg.mod")
            assert all(is_hpy_extension(part) for part in name.split("."))
            assert is_hpy_extension(name.translate({ord("."): "/"}))
            class Command:
                @remember_hpy_extension
                def get_ext_filename(self, ext_name):
                    return ext_name + ".so"
            assert is_hpy_extension(Command().get_ext_filename(name))
            assert not is_hpy_extension(Command().get_ext_filename("plain"))
            mixed = make_mixin(be.build_ext, build_ext_hpy_mixin)
            assert mixed.__name__ == "build_ext_hpy" and mixed._mixin_super is be.build_ext
            assert mixed.__mro__[1:3] == (build_ext_hpy_mixin, be.build_ext), mixed.__mro__
            assert isinstance(build_hpy_mixin, type)
            target = types.SimpleNamespace(answer=lambda: 41)
            @monkeypatch(target)
            def answer():
                return answer.super() + 1
            assert target.answer() == 42
            from hpy.devel import HPyDevel
            HPyDevel().build_ext_sanity_check(mixed)
            try:
                HPyDevel().build_ext_sanity_check(type("build_ext", (), {}))
            except Exception as e:
                assert "does not derive from setuptools' build_ext" in str(e), e
            else:
                raise AssertionError("a build_ext not from setuptools passed the check")
            print("ok")
        """)
        self.assertEqual(self.venv.run("-c", code, cwd=self.tmp).stdout, "ok\n")

    def test_hpy_devel_project_builds_and_runs(self):
        # A setup.py as hpy.devel documents it: setup_requires names hpy, which resolves offline.
        for abi in ("universal", "hybrid"):  # the CPython ABI path is the same code (test_wheel)
            with self.subTest(abi=abi):
                work = vs.project(os.path.join(self.tmp, "proj-" + abi), "hd", "\n              setup_requires=['hpy'],")
                self.venv.run("setup.py", "--hpy-abi=" + abi, "build_ext", "--inplace", cwd=work)
                out = self.venv.run("-c", vs.import_check("hd"), cwd=work).stdout.splitlines()
                self.assertEqual(out, vs.expected_lines("hd", abi))

    def test_stub_of_hpy_devel_shape_loads_through_hpy_universal(self):
        # Binaries shipped with the stub hpy.devel writes: pkg_resources finds the file,
        # hpy.universal._load_bootstrap loads it, with HPY choosing the mode.
        work = os.path.join(self.tmp, "stub")
        os.makedirs(work)
        vs.write(os.path.join(work, "stubbed.c"), vs.c_module("stubbed"))
        self.venv.run("-m", "hpyshim", "build", "stubbed", "stubbed.c", cwd=work)
        vs.write(os.path.join(work, "stubbed.py"), """
            # stub of the shape hpy.devel generates
            def __bootstrap__():
                from sys import modules
                from os import environ
                from pkg_resources import resource_filename
                from hpy.universal import _load_bootstrap
                ext_filepath = resource_filename(__name__, 'stubbed.hpy0.so')
                m = _load_bootstrap('stubbed', __name__, __package__, ext_filepath,
                                    __loader__, __spec__, environ)
                modules[__name__] = m

            __bootstrap__()
        """)
        code = ("import warnings; warnings.simplefilter('ignore')\n"
                "import hpy.trace, stubbed\n"
                "before = sum(hpy.trace.get_call_counts().values())\n"
                "print(stubbed.__doc__, stubbed.add(2, 3), stubbed.__file__.endswith('.hpy0.so'),\n"
                "      sum(hpy.trace.get_call_counts().values()) > before)")
        self.assertEqual(self.venv.run("-c", code, cwd=work).stdout, "stubbed: universal 5 True False\n")
        out = self.venv.run("-c", code, cwd=work, env={"HPY": "trace"}).stdout
        self.assertEqual(out, "stubbed: universal 5 True True\n")


if __name__ == "__main__":
    unittest.main()
