"""The hybrid sample: HPy and the legacy C API in one extension. As a universal binary built in
hybrid mode it loads through libhpy; built in CPython ABI mode it is an ordinary extension. Both
must behave the same (HPYSHIM_TEST_ABI picks which one is tested)."""

import importlib
import os
import sys
import unittest

try:
    from . import support
except ImportError:
    import support

import hpyshim

hybrid = None


def setUpModule():
    global hybrid
    path = os.path.join(support.samples_dir(), support.sample_file_name("hybrid"))
    if not os.path.isfile(path):
        raise support.MissingPrerequisite("%s is missing: build the samples" % path)
    support.add_samples_to_path()
    hybrid = importlib.import_module("hybrid")


class HybridTest(unittest.TestCase):
    def test_loaded_in_the_test_mode(self):
        support.assert_loaded_in_test_mode(self, lambda: hybrid.legacy_repr(1))

    def test_file_is_the_expected_build(self):
        self.assertEqual(hybrid.__file__, support.sample("hybrid"))
        if support.ABI == "universal":
            self.assertIsInstance(hybrid.__loader__, hpyshim.HPyExtensionLoader)

    def test_hpy_code_using_the_c_api(self):
        self.assertEqual(hybrid.legacy_repr([1, "a"]), "[1, 'a']")
        self.assertEqual(hybrid.legacy_repr(None), "None")

        class Broken:
            def __repr__(self):
                raise KeyError("no repr")
        with self.assertRaises(KeyError):
            hybrid.legacy_repr(Broken())

    def test_legacy_methods(self):
        self.assertEqual(hybrid.legacy_add(2, 3), 5)
        self.assertEqual(hybrid.legacy_add.__doc__, "a + b, in the legacy C API")
        with self.assertRaises(TypeError):
            hybrid.legacy_add("a", 3)

    def test_legacy_type_with_legacy_slots_and_hpy_methods(self):
        c = hybrid.Counter()
        self.assertEqual(c.get(), 0)
        c.increment()
        c.increment()
        self.assertEqual(c.get(), 2)
        self.assertEqual(hybrid.Counter.__doc__, "A counter: increment() is legacy C API, get() is HPy")
        self.assertEqual(type(c).__module__, "hybrid")

    def test_legacy_static_metaclass(self):
        Stamped, stamp = hybrid.stamp()
        self.assertIs(type(Stamped), hybrid.LegacyMeta)
        self.assertEqual(stamp, 1234)
        self.assertEqual(Stamped.__name__, "Stamped")
        self.assertIsInstance(Stamped(), Stamped)

    def test_no_reference_leak(self):
        obj = object()
        before = sys.getrefcount(obj)
        for _ in range(1000):
            hybrid.legacy_repr(obj)
        self.assertLessEqual(sys.getrefcount(obj) - before, 2)


if __name__ == "__main__":
    unittest.main()
