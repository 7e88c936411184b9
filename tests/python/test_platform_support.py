"""What differs by OS (hpyshim.platform_support), and the build driver's refusal of Windows."""

import contextlib
import importlib.util
import io
import os
import unittest
from unittest import mock

from hpyshim import _native, platform_support

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def load_driver():
    spec = importlib.util.spec_from_file_location("hpyshim_build_driver", os.path.join(ROOT, "tools", "build.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class RuntimeIdentifiers(unittest.TestCase):
    def test_each_os_and_processor(self):
        cases = [
            (("Linux", "x86_64"), "linux-x64", "libhpy.so"),
            (("Linux", "aarch64"), "linux-arm64", "libhpy.so"),
            (("Windows", "AMD64"), "win-x64", "hpy.dll"),
            (("Windows", "ARM64"), "win-arm64", "hpy.dll"),
            (("Darwin", "arm64"), "osx-arm64", "libhpy.dylib"),
            (("Darwin", "x86_64"), "osx-x64", "libhpy.dylib"),
        ]
        for (system, machine), rid, library in cases:
            self.assertEqual(platform_support.runtime_identifier(system, machine), rid)
            self.assertEqual(platform_support.library_name(system), library)

    def test_unknown_processor_or_os_is_named(self):
        with self.assertRaisesRegex(RuntimeError, "'riscv64'"):
            platform_support.runtime_identifier("Linux", "riscv64")
        with self.assertRaisesRegex(RuntimeError, "'Plan9'"):
            platform_support.runtime_identifier("Plan9", "x86_64")

    def test_this_machine(self):
        self.assertIsNone(platform_support.unsupported_reason())
        self.assertTrue(platform_support.runtime_identifier().startswith("linux-"))
        # The launcher finds the library by the same name the driver publishes.
        self.assertEqual(_native.library_name(), platform_support.library_name())
        self.assertEqual(_native.library_name(), "libhpy.so")

    def test_extension_suffixes(self):
        self.assertEqual(platform_support.extension_suffix("hpy0", "linux"), ".hpy0.so")
        self.assertEqual(platform_support.extension_suffix("hpy0", "win32"), ".hpy0.pyd")


class WindowsIsRefused(unittest.TestCase):
    def test_only_windows_is_refused(self):
        for system in ("Windows", "CYGWIN_NT-10.0", "MSYS_NT-10.0"):
            self.assertEqual(platform_support.unsupported_reason(system), platform_support.UNSUPPORTED_WINDOWS)
        for system in ("Linux", "Darwin"):
            self.assertIsNone(platform_support.unsupported_reason(system))
        self.assertIn("not support Windows yet", platform_support.UNSUPPORTED_WINDOWS)

    def test_driver_stops_before_running_anything(self):
        driver = load_driver()
        for argv in ([], ["build"], ["test"], ["--dry-run", "run"], ["no-such-command"]):
            err, out = io.StringIO(), io.StringIO()
            with mock.patch.object(driver.platform_support, "current_system", return_value="Windows"), \
                    mock.patch("subprocess.call", side_effect=AssertionError("ran a tool")) as call, \
                    contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
                code = driver.main(argv)
            self.assertEqual(code, 1, argv)
            self.assertEqual(err.getvalue().strip(), platform_support.UNSUPPORTED_WINDOWS)
            self.assertEqual(out.getvalue(), "")
            call.assert_not_called()

    def test_powershell_front_end_prints_the_same_message(self):
        with open(os.path.join(ROOT, "build.ps1")) as f:
            script = f.read()
        self.assertIn('[Console]::Error.WriteLine("%s")' % platform_support.UNSUPPORTED_WINDOWS, script)
        # ...first: nothing before the check runs a tool.
        self.assertLess(script.index("Win32NT"), script.index("python3"))


if __name__ == "__main__":
    unittest.main()
