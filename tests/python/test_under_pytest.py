"""Debug mode under a real pytest: a fatal report reaches the person whatever captures the output.

A misuse ends the process. Under pytest's default capture fd 2 points at a temporary file that the
abort throws away, so the report must also go to the stderr pytest started with (the pytest plugin
launcher/_hpyshim_pytest.py keeps it for the runtime); with ``-s`` both are the same file and the
report appears once. Both writers are covered: the C# one (a handle closed twice) and the C fault
handler (a ``char*`` read after its handle closed). pytest runs from this checkout, where no entry
point loads the plugin: the runtime registers it when it loads, or a conftest.py's import of
``hpy.debug.pytest`` does. Also HPy's documented ``hpy_debug`` fixture, leaking and not."""

import os
import re
import shutil
import tempfile
import textwrap
import unittest

try:
    from . import support
except ImportError:  # run with tests/python itself as the top-level directory
    import support

from hpyshim import build

pytest_deps = support.tests_module("pytest_deps")
misuse_snippets = support.tests_module("misuse_snippets")

COMPAT_DIR = os.path.join(support.REPO_DIR, "compat")

SOURCE = misuse_snippets.module_source("pytestmisuse", "double_close", "keep_utf8", "leak", "echo")

# The tests pytest runs: the extension is loaded in debug mode when the test module is collected.
TESTS = """
    import os
    import hpyshim

    m = hpyshim.load("pytestmisuse", os.path.join(os.path.dirname(__file__), "pytestmisuse.hpy0.so"),
                     mode="debug")


    def test_passes_first():
        print("the first test's output")


    def test_double_close():
        m.double_close(["closed twice"])


    def test_char_pointer_after_close():
        m.keep_utf8("gone")
        m.read_kept_utf8()
"""

CSHARP_REPORT = re.compile(r"HPy debug mode: Invalid usage of already closed handle\n"
                           r"  handle 0x[0-9a-f]+, argument 1 of HPy_Close\n"
                           r"  closed by: HPy_Close\n"
                           r"  opened while Python ran: .*test_misuse\.py:\d+\n")
C_REPORT = re.compile(r"HPy debug mode: invalid access to the char\* that HPyUnicode_AsUTF8AndSize "
                      r"returned for the handle 0x[0-9a-f]+: the handle was closed, so the data is gone\n"
                      r"  the handle was opened while Python ran: .*test_misuse\.py:\d+\n"
                      r"  the getter was called at: pytestmisuse\.hpy0\.so!keep_utf8_impl\+0x")


class ReportsUnderPytestTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        support.compiler()
        cls.tmp = tempfile.mkdtemp(prefix="hpyshim-pytest-")
        src = os.path.join(cls.tmp, "pytestmisuse.c")
        with open(src, "w") as f:
            f.write(SOURCE)
        cls.project = os.path.join(cls.tmp, "project")
        os.makedirs(cls.project)
        build.build_extension("pytestmisuse", [src], outdir=cls.project)
        with open(os.path.join(cls.project, "test_misuse.py"), "w") as f:
            f.write(textwrap.dedent(TESTS))
        cls.pytest_path = pytest_deps.pytest_dir(cls.tmp)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def conftest(self, text):
        path = os.path.join(self.project, "conftest.py")
        with open(path, "w") as f:
            f.write(textwrap.dedent(text))
        self.addCleanup(os.remove, path)

    def pytest(self, *args):
        """pytest in a child process, its stdout and stderr kept apart (what a terminal shows)."""
        proc = support.run_python(
            ["-m", "pytest", "-p", "no:cacheprovider", "-q"] + list(args), cwd=self.project,
            pythonpath=[self.pytest_path, COMPAT_DIR],
            env={"PYTEST_ADDOPTS": None, "PYTEST_PLUGINS": None, "HPY": None})
        self.assertNotEqual(proc.returncode, 0, support.describe(proc))
        self.assertNotIn("passed", proc.stdout, "the misuse did not end the process:\n" + support.describe(proc))
        return proc

    def assertReportedOnce(self, pattern, proc):
        found = pattern.findall(proc.stderr)
        self.assertEqual(len(found), 1, "the report should be on stderr once:\n" + support.describe(proc))
        self.assertNotRegex(proc.stdout, pattern)

    def test_handle_closed_twice_under_default_capture(self):
        # HPy's documented import, and nothing else, in the conftest.py
        self.conftest("from hpy.debug.pytest import hpy_debug, LeakDetector\n")
        proc = self.pytest("-k", "first or double_close")
        self.assertReportedOnce(CSHARP_REPORT, proc)
        # CPython's own fatal error lines follow, with the Python traceback naming the test
        self.assertEqual(proc.stderr.count("Fatal Python error: Invalid usage of already closed handle\n"), 1,
                         support.describe(proc))
        self.assertRegex(proc.stderr, r'File ".*test_misuse\.py", line \d+ in test_double_close')

    def test_handle_closed_twice_with_capture_off(self):
        self.conftest("from hpy.debug.pytest import hpy_debug, LeakDetector\n")
        proc = self.pytest("-s", "-k", "first or double_close")
        self.assertIn("the first test's output", proc.stdout)
        self.assertReportedOnce(CSHARP_REPORT, proc)
        self.assertEqual(proc.stderr.count("Fatal Python error: Invalid usage of already closed handle\n"), 1,
                         support.describe(proc))

    def test_char_pointer_after_close_under_default_capture(self):
        # no conftest.py: the runtime registers the plugin when it loads
        proc = self.pytest("-k", "char_pointer")
        self.assertReportedOnce(C_REPORT, proc)

    def test_char_pointer_after_close_with_capture_off(self):
        proc = self.pytest("-s", "-k", "char_pointer")
        self.assertReportedOnce(C_REPORT, proc)

    def test_misuse_in_a_conftest(self):
        # before pytest_configure, while pytest imports the conftest.py under its capture
        self.conftest("""
            import test_misuse
            test_misuse.test_double_close()
        """)
        proc = self.pytest("-k", "first")
        self.assertReportedOnce(CSHARP_REPORT, proc)

    def test_outside_pytest(self):
        code = ("import sys; sys.path.insert(0, '.'); import test_misuse\n"
                "test_misuse.test_passes_first(); test_misuse.test_double_close()\n")
        proc = support.run_python(["-c", code], cwd=self.project)
        self.assertNotEqual(proc.returncode, 0, support.describe(proc))
        self.assertEqual(len(CSHARP_REPORT.findall(proc.stderr)), 1, support.describe(proc))

    def test_plugin_can_be_turned_off(self):
        # -p no:hpyshim: nothing registers it, and the capture swallows the report as before
        self.conftest("from hpy.debug.pytest import hpy_debug, LeakDetector\n")
        proc = self.pytest("-p", "no:hpyshim", "-k", "double_close")
        self.assertNotRegex(proc.stderr + proc.stdout, CSHARP_REPORT)


class HpyDebugFixtureTest(unittest.TestCase):
    """HPy's documented usage: the hpy_debug fixture and LeakDetector, imported from
    hpy.debug.pytest in a conftest.py."""

    def test_documented_usage(self):
        support.compiler()
        tmp = support.make_temp_dir(self)
        src = os.path.join(tmp, "pytestmisuse.c")
        with open(src, "w") as f:
            f.write(SOURCE)
        project = os.path.join(tmp, "project")
        os.makedirs(project)
        build.build_extension("pytestmisuse", [src], outdir=project)
        support_files = {
            "conftest.py": "from hpy.debug.pytest import hpy_debug, LeakDetector\n",
            "test_fixture.py": """
                import os
                import pytest
                import hpyshim
                from hpy.debug.leakdetector import HPyLeakError

                m = hpyshim.load("pytestmisuse", os.path.join(os.path.dirname(__file__),
                                 "pytestmisuse.hpy0.so"), mode="debug")


                def test_leaks(hpy_debug):
                    m.leak("leaked by test_leaks")


                def test_clean(hpy_debug):
                    assert m.echo("kept") == "kept"


                def test_leak_detector():
                    from hpy.debug.pytest import LeakDetector
                    with pytest.raises(HPyLeakError):
                        with LeakDetector():
                            m.leak("leaked in a LeakDetector")
            """,
        }
        for name, text in support_files.items():
            with open(os.path.join(project, name), "w") as f:
                f.write(textwrap.dedent(text))
        proc = support.run_python(["-m", "pytest", "-p", "no:cacheprovider", "-rA"], cwd=project,
                                  pythonpath=[pytest_deps.pytest_dir(tmp), COMPAT_DIR],
                                  env={"PYTEST_ADDOPTS": None, "PYTEST_PLUGINS": None, "HPY": None})
        out = proc.stdout
        self.assertEqual(proc.returncode, 1, support.describe(proc))
        self.assertRegex(out, r"PASSED test_fixture\.py::test_clean")
        self.assertRegex(out, r"PASSED test_fixture\.py::test_leak_detector")
        self.assertRegex(out, r"PASSED test_fixture\.py::test_leaks")   # the call; the leak fails its teardown
        self.assertRegex(out, r"ERROR test_fixture\.py::test_leaks - hpy\.debug\.leakdetector\.HPyLeakError")
        self.assertIn("<DebugHandle 0x", out)
        self.assertIn("for 'leaked by test_leaks'>", out)
        # (pytest 7.2 warns about its own use of ast on CPython 3.12+)
        self.assertRegex(out, r"\b3 passed(, \d+ warnings)?, 1 error in ")


if __name__ == "__main__":
    unittest.main()
