"""Behaviour of the sample extensions `simple` and `point`.

The same assertions run against the universal builds (NAME.hpy0.so through libhpy and the
launcher's finder) and against the CPython ABI builds (HPYSHIM_TEST_ABI=cpython): both must
behave identically."""

import gc
import importlib
import importlib.machinery
import math
import sys
import unittest

try:
    from . import support
except ImportError:  # run with tests/python itself as the top-level directory
    import support

import hpyshim

simple = None
point = None


def setUpModule():
    global simple, point
    support.add_samples_to_path()
    simple = importlib.import_module("simple")
    point = importlib.import_module("point")


RefcountMixin = support.RefcountMixin


class ImportTest(unittest.TestCase):
    def test_loaded_by_the_loader_of_its_abi(self):
        loader = (hpyshim.HPyExtensionLoader if support.ABI == "universal"
                  else importlib.machinery.ExtensionFileLoader)
        for mod, name in ((simple, "simple"), (point, "point")):
            self.assertIs(sys.modules[name], mod)
            self.assertEqual(mod.__name__, name)
            self.assertIsInstance(mod.__loader__, loader)
            self.assertEqual(mod.__file__, support.sample(name))
            self.assertEqual(mod.__spec__.origin, support.sample(name))

    def test_second_import_is_cached(self):
        import simple as again
        self.assertIs(again, simple)


class SimpleTest(unittest.TestCase, RefcountMixin):
    def test_loaded_in_the_test_mode(self):
        support.assert_loaded_in_test_mode(self, simple.hello)

    def test_module_attributes(self):
        self.assertEqual(simple.ANSWER, 42)
        self.assertIs(type(simple.ANSWER), int)
        self.assertEqual(simple.__doc__, "Functions of every HPy call signature.")

    def test_hello(self):
        self.assertEqual(simple.hello(), "hello from HPy")
        with self.assertRaises(TypeError):
            simple.hello(1)

    def test_double(self):
        self.assertEqual(simple.double(21), 42)
        self.assertEqual(simple.double(-4), -8)
        self.assertEqual(simple.double(2 ** 70), 2 ** 71)
        self.assertEqual(simple.double("ab"), "abab")
        self.assertEqual(simple.double([1, "x"]), [1, "x", 1, "x"])
        self.assertEqual(simple.double(1.5), 3.0)
        with self.assertRaises(TypeError):
            simple.double(None)
        with self.assertRaises(TypeError):
            simple.double()

    def test_add_ints(self):
        self.assertEqual(simple.add_ints(2, 3), 5)
        self.assertEqual(simple.add_ints(-7, 10), 3)
        self.assertIs(type(simple.add_ints(0, 0)), int)
        for bad in (("a", 1), (1, "b"), (1, None), ([], 2)):
            with self.assertRaises(TypeError, msg=repr(bad)):
                simple.add_ints(*bad)
        with self.assertRaises(TypeError):
            simple.add_ints(1)

    def test_greet(self):
        self.assertEqual(simple.greet("World"), "Hello, World!")
        self.assertEqual(simple.greet("World", "Hi"), "Hi, World!")
        self.assertEqual(simple.greet("Bob", greeting="Hey"), "Hey, Bob!")
        self.assertEqual(simple.greet(name="Ann"), "Hello, Ann!")
        self.assertEqual(simple.greet(greeting="Yo", name="Al"), "Yo, Al!")
        with self.assertRaises(TypeError):
            simple.greet()
        with self.assertRaises(TypeError):
            simple.greet(greeting="Hi")

    def test_divide(self):
        self.assertEqual(simple.divide(1, 4), 0.25)
        self.assertEqual(simple.divide(7, 2), 3.5)
        self.assertIs(type(simple.divide(6, 3)), float)
        self.assertEqual(simple.divide(6, 3), 2.0)

    def test_divide_by_zero(self):
        with self.assertRaises(ZeroDivisionError) as cm:
            simple.divide(1, 0)
        self.assertEqual(str(cm.exception), "division by zero")

    def test_raise_value_error(self):
        with self.assertRaises(ValueError) as cm:
            simple.raise_value_error("boom")
        self.assertEqual(str(cm.exception), "boom")
        self.assertIs(type(cm.exception), ValueError)
        with self.assertRaises(ValueError) as cm:
            simple.raise_value_error("caf\u00e9 \u2713")
        self.assertEqual(str(cm.exception), "caf\u00e9 \u2713")

    def test_sum_list(self):
        self.assertEqual(simple.sum_list([1, 2, 3]), 6)
        self.assertEqual(simple.sum_list((4, 5)), 9)
        self.assertEqual(simple.sum_list([]), 0)
        self.assertEqual(simple.sum_list(list(range(100))), 4950)
        for bad in (5, None):
            with self.assertRaises(TypeError, msg=repr(bad)):
                simple.sum_list(bad)

    def test_item_at_index_semantics(self):
        # exact lists and tuples (the fast path) and everything else (an int key, as in HPy)
        for seq in ([10, 20, 30], (10, 20, 30)):
            self.assertEqual([simple.item_at(seq, i) for i in (0, 2, -1, -3)], [10, 30, 30, 10])
            for bad in (3, -4):
                with self.assertRaises(IndexError):
                    simple.item_at(seq, bad)
        self.assertEqual(simple.item_at({-1: "minus one", 2: "two"}, -1), "minus one")
        with self.assertRaises(KeyError):
            simple.item_at({}, 0)

        class Recorder:
            def __init__(self):
                self.keys = []

            def __len__(self):
                return 5

            def __getitem__(self, key):
                self.keys.append(key)
                return key

        r = Recorder()
        self.assertEqual((simple.item_at(r, -1), simple.item_at(r, 7)), (-1, 7))
        self.assertEqual(r.keys, [-1, 7])   # not adjusted by len(), as obj[-1] in Python

        class MyList(list):
            def __getitem__(self, key):
                return ("sub", key)

        self.assertEqual(simple.item_at(MyList([1, 2]), 0), ("sub", 0))
        with self.assertRaises(TypeError):
            simple.item_at(5, 0)

    def test_make_list(self):
        self.assertEqual(simple.make_list(5), [0, 1, 2, 3, 4])
        self.assertEqual(simple.make_list(0), [])
        self.assertIs(type(simple.make_list(3)), list)
        self.assertEqual(simple.make_list(1000), list(range(1000)))
        with self.assertRaisesRegex(ValueError, "n must be non-negative"):
            simple.make_list(-1)

    def test_make_tuple(self):
        marker = object()
        t = simple.make_tuple(1, "a", marker)
        self.assertIs(type(t), tuple)
        self.assertEqual(t, (1, "a", marker))
        self.assertIs(t[2], marker)

    def test_make_dict(self):
        d = simple.make_dict("k", 3)
        self.assertIs(type(d), dict)
        self.assertEqual(d, {"k": 3})
        self.assertEqual(simple.make_dict(1, None), {1: None})
        with self.assertRaises(TypeError):
            simple.make_dict([], 1)  # unhashable key

    def test_call_with(self):
        def f(*args, **kwargs):
            return args, kwargs
        self.assertEqual(simple.call_with(f, (1, 2), {"c": 3}), ((1, 2), {"c": 3}))
        self.assertEqual(simple.call_with(f, (1,), None), ((1,), {}))
        self.assertEqual(simple.call_with(f, (), {}), ((), {}))
        self.assertEqual(simple.call_with(max, (3, 9, 4), None), 9)
        self.assertEqual(simple.call_with(int, ("ff",), {"base": 16}), 255)
        self.assertEqual(simple.call_with(sorted, ([3, 1, 2],), {"reverse": True}), [3, 2, 1])

    def test_call_with_propagates_exceptions(self):
        err = KeyError("inner")

        def f():
            raise err
        with self.assertRaises(KeyError) as cm:
            simple.call_with(f, (), None)
        self.assertIs(cm.exception, err)

    def test_call_method(self):
        items = []
        self.assertIsNone(simple.call_method(items, "append", 5))
        self.assertEqual(items, [5])
        self.assertEqual(simple.call_method("a,b", "split", ","), ["a", "b"])
        self.assertEqual(simple.call_method([1, 2], "index", 2), 1)
        with self.assertRaises(AttributeError):
            simple.call_method(items, "no_such_method", 1)

    def test_remember_recall(self):
        marker = object()
        simple.remember(marker)
        self.assertIs(simple.recall(), marker)
        simple.remember("second")
        self.assertEqual(simple.recall(), "second")

    def test_recall_before_remember(self):
        # A fresh interpreter, so that no other test has stored anything yet.
        code = ("import simple; print(repr(simple.recall())); simple.remember([1]); "
                "print(repr(simple.recall()))")
        proc = support.run_python(["-c", "import hpyshim; " + code],
                                  pythonpath=[support.samples_dir()])
        self.assertEqual(proc.returncode, 0, support.describe(proc))
        self.assertEqual(proc.stdout, "None\n[1]\n", support.describe(proc))

    def test_is_none(self):
        self.assertIs(simple.is_none(None), True)
        self.assertIs(simple.is_none(0), False)
        self.assertIs(simple.is_none(""), False)

    def test_type_name(self):
        self.assertEqual(simple.type_name(1), "int")
        self.assertEqual(simple.type_name("s"), "str")
        self.assertEqual(simple.type_name(None), "NoneType")
        self.assertEqual(simple.type_name(point.Point()), "Point")

        class Local:
            pass
        self.assertEqual(simple.type_name(Local()), "Local")

    def test_tracker_demo(self):
        self.assertEqual(simple.tracker_demo(5), [0, 1, 2, 3, 4])
        self.assertEqual(simple.tracker_demo(0), [])
        self.assertEqual(simple.tracker_demo(300), list(range(300)))
        with self.assertRaisesRegex(ValueError, "n must be non-negative"):
            simple.tracker_demo(-1)

    def test_refcounts_double(self):
        arg = [object()]
        self.assertNoRefGrowth(arg, lambda: simple.double(arg))
        self.assertNoRefGrowth(arg[0], lambda: simple.double(arg))

    def test_refcounts_call_with(self):
        marker = object()
        args = (marker,)
        kwargs = {"k": marker}

        def f(*a, **k):
            return marker
        for obj in (marker, f, args, kwargs):
            self.assertNoRefGrowth(obj, lambda: simple.call_with(f, args, kwargs))

    def test_refcounts_remember(self):
        marker = object()
        before = sys.getrefcount(marker)
        for _ in range(support.REFCOUNT_CALLS):
            simple.remember(marker)
        # Only the one stored reference may remain.
        self.assertLessEqual(sys.getrefcount(marker) - before, 1 + support.REFCOUNT_SLACK)
        simple.remember(None)
        self.assertEqual(sys.getrefcount(marker), before)

    def test_refcounts_results(self):
        # Results must come back with exactly the caller's reference.
        result = simple.make_list(3)
        self.assertEqual(sys.getrefcount(result), 2)
        result = simple.make_tuple(object(), 1, 2)
        self.assertEqual(sys.getrefcount(result), 2)
        self.assertEqual(sys.getrefcount(result[0]), 2)


class PointTest(unittest.TestCase):
    def test_construct(self):
        p = point.Point(1.0, 2.0)
        self.assertEqual((p.x, p.y), (1.0, 2.0))
        q = point.Point()
        self.assertEqual((q.x, q.y), (0.0, 0.0))
        r = point.Point(y=3)
        self.assertEqual((r.x, r.y), (0.0, 3.0))
        self.assertIs(type(r.y), float)
        s = point.Point(x=-1.5, y=2.5)
        self.assertEqual((s.x, s.y), (-1.5, 2.5))

    def test_members_writable(self):
        p = point.Point(1.0, 2.0)
        p.x = 5.0
        p.y = -3
        self.assertEqual((p.x, p.y), (5.0, -3.0))
        # Only the exception is specified: CPython before 3.12 stores -1.0 before it notices.
        with self.assertRaises(TypeError):
            p.x = "a"

    def test_xy_property(self):
        p = point.Point(1.0, 2.0)
        self.assertEqual(p.xy, (1.0, 2.0))
        self.assertIs(type(p.xy), tuple)
        p.xy = (3.0, 4.0)
        self.assertEqual((p.x, p.y), (3.0, 4.0))
        for bad in (5, None, (1.0,), (1.0, 2.0, 3.0), ("a", "b")):
            with self.assertRaises(TypeError, msg=repr(bad)):
                p.xy = bad
        self.assertEqual(p.xy, (3.0, 4.0))
        with self.assertRaises(TypeError):
            del p.xy
        self.assertEqual(p.xy, (3.0, 4.0))

    def test_norm_read_only(self):
        p = point.Point(3.0, 4.0)
        self.assertEqual(p.norm, 5.0)
        for x, y in ((1.5, -2.25), (0.1, 0.7), (-3.0, 0.0)):
            self.assertAlmostEqual(point.Point(x, y).norm, math.hypot(x, y), delta=1e-12)
        with self.assertRaises(AttributeError):
            p.norm = 1.0
        with self.assertRaises(AttributeError):
            del p.norm
        self.assertEqual(p.norm, 5.0)

    def test_scale(self):
        p = point.Point(1.0, -2.0)
        result = p.scale(3)
        self.assertIs(type(result), point.Point)
        self.assertIsNot(result, p)
        self.assertEqual(result.as_tuple(), (3.0, -6.0))
        self.assertEqual(p.as_tuple(), (1.0, -2.0))
        self.assertEqual(p.scale(0.5).as_tuple(), (0.5, -1.0))
        with self.assertRaises(TypeError):
            p.scale("x")

    def test_dot(self):
        self.assertEqual(point.Point(1.0, 2.0).dot(point.Point(3.0, 4.0)), 11.0)
        self.assertEqual(point.Point(1.0, 0.0).dot(point.Point(0.0, 1.0)), 0.0)
        for bad in (5, None, (1.0, 2.0)):
            with self.assertRaisesRegex(TypeError, "expected a Point", msg=repr(bad)):
                point.Point().dot(bad)

    def test_as_tuple(self):
        t = point.Point(1.5, 2.5).as_tuple()
        self.assertIs(type(t), tuple)
        self.assertEqual(t, (1.5, 2.5))

    def test_repr(self):
        self.assertEqual(repr(point.Point(1.0, 2.0)), "Point(1.0, 2.0)")
        self.assertEqual(repr(point.Point()), "Point(0.0, 0.0)")

    def test_equality(self):
        P = point.Point
        self.assertTrue(P(1, 2) == P(1, 2))
        self.assertFalse(P(1, 2) != P(1, 2))
        self.assertTrue(P(1, 2) != P(2, 1))
        self.assertFalse(P(1, 2) == P(2, 1))
        self.assertIs(P(1, 2) == 5, False)
        self.assertIs(P(1, 2) != 5, True)
        self.assertIs(5 == P(1, 2), False)

    def test_ordering_unsupported(self):
        P = point.Point
        with self.assertRaises(TypeError):
            P(1, 2) < P(3, 4)
        with self.assertRaises(TypeError):
            P(1, 2) >= P(3, 4)

    def test_add(self):
        s = point.Point(1.0, 2.0) + point.Point(3.0, 4.5)
        self.assertIsInstance(s, point.Point)
        self.assertEqual(s.as_tuple(), (4.0, 6.5))
        with self.assertRaises(TypeError):
            point.Point() + 1
        with self.assertRaises(TypeError):
            1 + point.Point()

    def test_type(self):
        self.assertEqual(point.__doc__, "Sample HPy types: Point and Box.")
        self.assertEqual(point.Point.__doc__, "A 2-D point")
        self.assertEqual(point.Point.__name__, "Point")
        p = point.Point()
        self.assertIsInstance(p, point.Point)
        self.assertIs(type(p), point.Point)
        self.assertNotIsInstance(5, point.Point)
        self.assertNotIsInstance(point.Box(1), point.Point)

    def test_subclass(self):
        class P3(point.Point):
            def describe(self):
                return "P3 at %s" % (self.as_tuple(),)
        q = P3(1.0, 2.0)
        self.assertIs(type(q), P3)
        self.assertIsInstance(q, point.Point)
        self.assertEqual((q.x, q.y), (1.0, 2.0))
        self.assertEqual(q.describe(), "P3 at (1.0, 2.0)")
        q.z = 3.0
        self.assertEqual(q.z, 3.0)
        self.assertEqual(q.dot(point.Point(1.0, 1.0)), 3.0)
        self.assertIs(type(q.scale(2)), point.Point)
        self.assertEqual((q + q).as_tuple(), (2.0, 4.0))
        self.assertEqual(q, point.Point(1.0, 2.0))

    def test_many_allocations(self):
        total = 0.0
        for i in range(100000):
            total += point.Point(float(i), 1.0).x
        self.assertEqual(total, sum(float(i) for i in range(100000)))
        keep = [point.Point(float(i), -float(i)) for i in range(20000)]
        gc.collect()
        self.assertEqual(sum(p.y for p in keep), -sum(float(i) for i in range(20000)))
        del keep
        self.assertGreaterEqual(gc.collect(), 0)
        self.assertEqual(point.Point(7.0, 8.0).as_tuple(), (7.0, 8.0))

    def test_box(self):
        self.assertEqual(point.Box(5).get(), 5)
        self.assertEqual(point.Box().value, 0)
        self.assertEqual(point.Box(value=7).value, 7)
        self.assertEqual(point.Box(value=7).get(), 7)
        b = point.Box(7)
        b.value = 9
        self.assertEqual((b.get(), b.value), (9, 9))
        self.assertEqual(point.Box.__doc__, "A box holding one C long")
        with self.assertRaises(TypeError):
            point.Box("seven")


if __name__ == "__main__":
    unittest.main()
