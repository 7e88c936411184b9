"""The opt-in ``hpy`` 0.9.0 compatibility distribution on this CPython: `pip install hpy` from the
folder of wheels pulls hpyshim in; the hpy package's API is HPy Shim's; a project written for
hpy.devel (its setup.py, and a stub file of the shape hpy.devel writes) builds and runs unchanged."""

import os
import sysconfig
import textwrap
import unittest

from . import venv_support as vs

HYBRID_SUFFIX = ".hpy0-cp%d%d.so" % tuple(map(int, sysconfig.get_python_version().split(".")))


class CompatDistributionTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = vs.temp_dir()
        cls.venv = vs.Venv(os.path.join(cls.tmp, "venv"))
        cls.venv.pip("install", "-q", "hpy==0.9.0")  # resolved offline; requires hpyshim

    @classmethod
    def tearDownClass(cls):
        vs.rmtree(cls.tmp)

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
