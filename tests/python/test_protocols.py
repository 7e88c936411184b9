"""The `protocols` sample: the HPy call protocol, metaclasses and GC traversal.

Runs against the universal build and the CPython ABI build (HPYSHIM_TEST_ABI=cpython) alike."""

import gc
import importlib
import sys
import unittest

try:
    from . import support
except ImportError:  # run with tests/python itself as the top-level directory
    import support

import hpyshim  # noqa: F401  (the finder)

protocols = None


def setUpModule():
    global protocols
    support.add_samples_to_path()
    protocols = importlib.import_module("protocols")


class CallProtocolTest(unittest.TestCase):
    def test_loaded_in_the_test_mode(self):
        support.assert_loaded_in_test_mode(self, lambda: protocols.Adder(1)(2))

    def test_tp_call_without_tp_new(self):
        add = protocols.Adder(10)
        self.assertEqual(add(), 10)
        self.assertEqual(add(1, 2, 3), 16)
        self.assertEqual(add(1, scale=3), 33)
        with self.assertRaises(TypeError):
            add(1, other=2)
        with self.assertRaises(TypeError):
            add("x")

    def test_call_through_every_path(self):
        # vectorcall, tp_call with a tuple and a dict, and functools.partial on top
        import functools
        add = protocols.Adder(1)
        self.assertEqual(add(*(2, 3), **{"scale": 2}), 12)
        self.assertEqual(functools.partial(add, 5)(scale=10), 60)
        self.assertEqual(list(map(add, [1, 2])), [2, 3])

    def test_python_subclass_keeps_the_call_function(self):
        class Sub(protocols.Adder):
            pass
        self.assertEqual(Sub(4)(1), 5)

    def test_per_object_call_function_set_in_tp_new(self):
        self.assertEqual(protocols.Switch(True)(), "UPPER")
        self.assertEqual(protocols.Switch(False)(1, 2, 3), 3)

    def test_set_call_function_on_an_object(self):
        lower = protocols.Switch(False)
        protocols.set_call(lower)
        self.assertEqual(lower(1), "UPPER")

    def test_zero_basicsize_type(self):
        self.assertEqual(protocols.Bare()(), "bare")
        self.assertEqual(protocols.Bare()(1, x=2), "bare")

    def test_explicit_vectorcalloffset(self):
        self.assertEqual(protocols.Explicit()(), "explicit")

    def test_set_call_function_on_a_type_without_the_protocol(self):
        with self.assertRaises(TypeError) as cm:
            protocols.set_call(protocols.Pair(1, 2))
        self.assertIn("call protocol", str(cm.exception))
        with self.assertRaises(TypeError):
            protocols.set_call(42)

    def test_call_protocol_on_a_var_object_type(self):
        with self.assertRaises(TypeError) as cm:
            protocols.make_var_call_type()
        self.assertIn("var objects", str(cm.exception))

    def test_calls_do_not_leak(self):
        add = protocols.Adder(1)
        arg = 12345678
        add(arg)
        before = sys.getrefcount(arg), sys.getrefcount(add)
        for _ in range(1000):
            add(arg, scale=1)
        self.assertLessEqual(sys.getrefcount(arg), before[0] + 2)
        self.assertLessEqual(sys.getrefcount(add), before[1] + 2)


class MetaclassTest(unittest.TestCase):
    def test_hpy_metaclass(self):
        Made = protocols.make_type("protocols.MadeHPy", protocols.Meta)
        self.assertIs(type(Made), protocols.Meta)
        self.assertTrue(isinstance(Made, type))
        protocols.set_meta_tag(Made, 4242)
        self.assertEqual(protocols.meta_tag(Made), 4242)
        obj = Made()
        obj.value = 7
        self.assertEqual(obj.value, 7)
        self.assertEqual(Made.__name__, "MadeHPy")

    def test_python_metaclass(self):
        class PyMeta(type):
            def describe(cls):
                return "made by " + type(cls).__name__
        Made = protocols.make_type("protocols.MadePy", PyMeta)
        self.assertIs(type(Made), PyMeta)
        self.assertEqual(Made.describe(), "made by PyMeta")
        self.assertEqual(Made().value, 0)

    def test_types_with_a_metaclass_are_collected(self):
        import weakref
        Made = protocols.make_type("protocols.Temp", protocols.Meta)
        Made()
        ref = weakref.ref(Made)
        del Made
        gc.collect()
        self.assertIsNone(ref())

    def test_metaclass_errors(self):
        with self.assertRaises(TypeError):
            protocols.make_type("protocols.Bad", "not a type")

        class CustomNew(type):
            def __new__(mcls, *args):
                return super().__new__(mcls, *args)
        with self.assertRaises(TypeError) as cm:
            protocols.make_type("protocols.Bad", CustomNew)
        self.assertIn("custom tp_new", str(cm.exception))
        with self.assertRaises(TypeError):
            protocols.make_type("protocols.Bad", int)
        with self.assertRaises(ValueError) as cm:
            protocols.make_type_two_metas(protocols.Meta)
        self.assertIn("multiple times", str(cm.exception))


class TraverseTest(unittest.TestCase):
    def test_referents_are_exactly_the_visited_fields(self):
        a, b = object(), "second"
        pair = protocols.Pair(a, b)
        referents = gc.get_referents(pair)
        self.assertEqual(len(referents), 2, referents)
        self.assertIs(referents[0], a)
        self.assertIs(referents[1], b)

    def test_cycles_through_fields_are_collected(self):
        import weakref

        class Box:
            pass
        box = Box()
        pair = protocols.Pair(box, None)
        box.pair = pair
        ref = weakref.ref(box)
        del box, pair
        gc.collect()
        self.assertIsNone(ref())


if __name__ == "__main__":
    unittest.main()
