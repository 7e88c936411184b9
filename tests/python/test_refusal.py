"""A CPython whose object layout the runtime does not know is refused with an ImportError that
says why, before the runtime reads any of its memory. The runtime reads the version from
Py_GetVersion(); HPYSHIM_TEST_PYTHON_VERSION stands in for it here (the unit tests in
Shim.Tests/HostRefusalTests.cs cover the symbol checks). A CPython that lacks a symbol of the
runtime's table (api/cpython_symbols.api) is an ImportError naming it; HPYSHIM_TEST_MISSING_SYMBOL
makes the runtime treat one as absent."""

import json
import unittest

try:
    from . import support
except ImportError:  # run with tests/python itself as the top-level directory
    import support

_CHILD = r"""
import json, sys
import hpyshim
try:
    hpyshim.load("simple", sys.argv[1])
except BaseException as e:
    print("RESULT " + json.dumps({"type": type(e).__name__, "message": str(e)}))
else:
    print("RESULT " + json.dumps({"type": None}))
"""


class RefusedCPythonTest(unittest.TestCase):
    def load_as(self, version, env=None):
        proc = support.run_python(["-c", _CHILD, support.sample("simple")],
                                  env=env or {"HPYSHIM_TEST_PYTHON_VERSION": version})
        self.assertEqual(proc.returncode, 0, support.describe(proc))
        lines = [l for l in proc.stdout.splitlines() if l.startswith("RESULT ")]
        self.assertEqual(len(lines), 1, support.describe(proc))
        return json.loads(lines[0][len("RESULT "):])

    def assertRefused(self, version, why):
        res = self.load_as(version)
        self.assertEqual(res["type"], "ImportError", res)
        self.assertRegex(res["message"], why)

    def test_newer_cpython(self):
        self.assertRefused("3.14.0 (main, Oct  7 2025) [GCC 12.2.0]", r"supports CPython 3\.8 to 3\.13, not 3\.14")

    def test_older_cpython(self):
        self.assertRefused("3.7.17 (default) [GCC 12.2.0]", r"supports CPython 3\.8 to 3\.13, not 3\.7")

    def test_python_2(self):
        self.assertRefused("2.7.18 (default) [GCC 12.2.0]", r"not 2\.7")

    def test_free_threaded_build(self):
        self.assertRefused("3.13.0 experimental free-threading build (main, Oct  7 2024) [GCC 12.2.0]",
                           r"free-threaded.*Py_GIL_DISABLED")

    def test_unreadable_version(self):
        self.assertRefused("nonsense", r"cannot tell which CPython")

    def test_missing_symbol(self):
        # one the C fast path uses, one only C# uses, one of the context's forwarders and handles
        for symbol in ("PyCapsule_New", "PyModule_FromDefAndSpec2", "PyNumber_Add", "PyExc_KeyError"):
            with self.subTest(symbol=symbol):
                res = self.load_as(None, env={"HPYSHIM_TEST_MISSING_SYMBOL": symbol})
                self.assertEqual(res["type"], "ImportError", res)
                self.assertRegex(res["message"], r"lacks C API functions HPy Shim needs: " + symbol + "$")

    def test_missing_optional_symbol_loads(self):
        self.assertEqual(self.load_as(None, env={"HPYSHIM_TEST_MISSING_SYMBOL": "PyType_GetName"}), {"type": None})

    def test_supported_versions_load(self):
        for version in ("3.8.18 (default)", "3.13.0 (main, Oct  7 2024) [GCC 12.2.0]"):
            with self.subTest(version=version):
                self.assertEqual(self.load_as(version), {"type": None})


if __name__ == "__main__":
    unittest.main()
