"""HPyStructSequence_NewType and HPyStructSequence_New (src/runtime/structseq.c), through the
`structseq` sample (cext-samples/structseq).

The sample is compiled here from its source, so the helper sources under test are the current
ones: as a universal and as a hybrid binary loaded through libhpy, or, with
HPYSHIM_TEST_ABI=cpython, in CPython ABI mode for the running interpreter. The same assertions run
on each; where the two implementations (collections.namedtuple, CPython's struct sequences) cannot
agree, the test says which ABI expects what."""

import importlib.util
import os
import shutil
import sys
import tempfile
import unittest
import warnings

try:
    from . import support
except ImportError:  # run with tests/python itself as the top-level directory
    import support

import hpyshim
from hpyshim import build

SOURCE = os.path.join(support.REPO_DIR, "cext-samples", "structseq", "structseq.c")

_build_dir = None
_modules = {}


def tearDownModule():
    if _build_dir is not None:
        shutil.rmtree(_build_dir, ignore_errors=True)


def load_sample(abi):
    """The structseq sample built in `abi` (once per run) and loaded."""
    global _build_dir
    if abi in _modules:
        return _modules[abi]
    if not os.path.isfile(SOURCE):
        raise support.MissingPrerequisite("%s is missing" % SOURCE)
    support.compiler()
    if _build_dir is None:
        _build_dir = tempfile.mkdtemp(prefix="hpyshim-structseq-")
    outdir = os.path.join(_build_dir, abi)
    try:
        path = build.build_extension("structseq", [SOURCE], abi=abi, outdir=outdir)
    except build.BuildError as e:
        raise AssertionError("cannot build the structseq sample (%s ABI): %s" % (abi, e))
    with warnings.catch_warnings():
        # CPython 3.9+ warns when PyStructSequence_NewType gets a name without a dot (NoDot)
        warnings.simplefilter("ignore", DeprecationWarning)
        if abi == "cpython":
            spec = importlib.util.spec_from_file_location("structseq", path)
            mod = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(mod)
        else:
            mod = hpyshim.load("structseq", path)
    _modules[abi] = mod
    return mod


class StructSeqTests(support.RefcountMixin):
    abi = None  # set by the concrete classes below

    @classmethod
    def setUpClass(cls):
        cls.m = load_sample(cls.abi)

    # ---- the types ----

    def test_name_and_module_split_at_the_last_dot(self):
        m = self.m
        for t, name, module in ((m.Stats, "Stats", "structseq"), (m.Empty, "Empty", "structseq"),
                                (m.Deep, "Deep", "pkg.sub"), (m.NoDot, "NoDot", "builtins")):
            self.assertEqual(t.__name__, name)
            self.assertEqual(t.__qualname__, name)
            self.assertEqual(t.__module__, module)

    def test_struct_sequence_types_are_tuple_subclasses(self):
        for t in (self.m.Stats, self.m.Empty, self.m.Deep, self.m.NoDot):
            self.assertIsInstance(t, type)
            self.assertTrue(issubclass(t, tuple))
            self.assertIsNot(t, tuple)

    def test_type_doc_is_the_given_one_or_none(self):
        self.assertEqual(self.m.Stats.__doc__, "Summary of some numbers")
        self.assertEqual(self.m.Deep.__doc__, "Two levels down")
        self.assertIsNone(self.m.Empty.__doc__)
        self.assertIsNone(self.m.NoDot.__doc__)

    def test_field_docs(self):
        self.assertEqual(self.m.Stats.count.__doc__, "number of values")
        self.assertIsNone(self.m.Stats.total.__doc__)
        self.assertEqual(self.m.Stats._2.__doc__, "the largest value")
        self.assertEqual(self.m.Deep.a.__doc__, "first")
        self.assertEqual(self.m.Deep.b.__doc__, "second")
        self.assertIsNone(self.m.NoDot.x.__doc__)

    def test_every_field_is_in_the_sequence(self):
        # HPy 0.9's descriptor has no n_in_sequence: it is the number of fields, unnamed ones included
        for t, n in ((self.m.Stats, 3), (self.m.Empty, 0), (self.m.Deep, 2), (self.m.NoDot, 1)):
            self.assertEqual(t.n_fields, n, t)
            self.assertEqual(t.n_sequence_fields, n, t)
            self.assertEqual(t.n_unnamed_fields, 0, t)

    # ---- instances ----

    def test_fields_by_name_and_index(self):
        s = self.m.stats(3, 9, 4)
        self.assertIs(type(s), self.m.Stats)
        self.assertIsInstance(s, tuple)
        self.assertEqual(len(s), 3)
        self.assertEqual((s.count, s.total), (3, 16))
        self.assertEqual((s[0], s[1], s[2], s[-1]), (3, 16, 9, 9))
        self.assertEqual(s[1:], (16, 9))
        self.assertEqual(tuple(s), (3, 16, 9))
        self.assertEqual(s, (3, 16, 9))
        self.assertEqual(hash(s), hash((3, 16, 9)))
        count, total, largest = s
        self.assertEqual((count, total, largest), (3, 16, 9))
        with self.assertRaises(IndexError):
            s[3]

    def test_unnamed_field_is_reachable_by_index_and_as_underscore_index(self):
        s = self.m.make(self.m.Stats, 1, 2, "third")
        self.assertEqual(s[2], "third")
        self.assertEqual(s._2, "third")
        self.assertFalse(hasattr(s, "_"))

    def test_items_are_the_objects_given(self):
        a, b = object(), [1]
        d = self.m.make(self.m.Deep, a, b)
        self.assertIs(d.a, a)
        self.assertIs(d[1], b)
        self.assertEqual(self.m.make(self.m.NoDot, None).x, None)

    def test_instances_are_immutable(self):
        s = self.m.stats(1)
        with self.assertRaises(AttributeError):
            s.count = 5
        with self.assertRaises(TypeError):
            s[0] = 5
        self.assertEqual(s, (1, 1, 1))

    def test_repr(self):
        # namedtuple's repr names the type by __name__, CPython's by its full dotted name
        prefix = {"cpython": "structseq."}.get(self.abi, "")
        self.assertEqual(repr(self.m.stats(3, 9, 4)), prefix + "Stats(count=3, total=16, _2=9)")
        self.assertEqual(repr(self.m.make(self.m.Stats, "a", None, 2.5)),
                         prefix + "Stats(count='a', total=None, _2=2.5)")
        self.assertEqual(repr(self.m.make(self.m.Empty)), prefix + "Empty()")
        deep_prefix = "pkg.sub." if self.abi == "cpython" else ""
        self.assertEqual(repr(self.m.make(self.m.Deep, 1, "x")), deep_prefix + "Deep(a=1, b='x')")
        self.assertEqual(repr(self.m.make(self.m.NoDot, 7)), "NoDot(x=7)")

    def test_type_without_fields(self):
        for e in (self.m.make(self.m.Empty), self.m.make_empty(self.m.Empty)):
            self.assertIs(type(e), self.m.Empty)
            self.assertEqual(e, ())
            self.assertEqual(len(e), 0)

    # ---- errors ----

    def test_wrong_number_of_items(self):
        m = self.m
        for args, msg in (((m.Stats, 1, 2), "expected exactly 3 arguments but got 2"),
                          ((m.Stats, 1, 2, 3, 4), "expected exactly 3 arguments but got 4"),
                          ((m.Stats,), "expected exactly 3 arguments but got 0"),
                          ((m.Empty, 1), "expected exactly 0 arguments but got 1"),
                          ((m.NoDot, 1, 2), "expected exactly 1 arguments but got 2")):
            with self.assertRaises(TypeError) as cm:
                m.make(*args)
            self.assertEqual(str(cm.exception), msg)
        with self.assertRaises(TypeError) as cm:
            m.make_empty(m.Deep)
        self.assertEqual(str(cm.exception), "expected exactly 2 arguments but got 0")

    def test_not_a_struct_sequence_type(self):
        class Fake(tuple):
            n_fields = "one"

        for t in (str, tuple, Fake):
            with self.assertRaises(TypeError) as cm:
                self.m.make(t, 1)
            self.assertEqual(str(cm.exception),
                             "type '%s' does not look like a struct sequence type" % t.__name__)
        with self.assertRaises(TypeError) as cm:
            self.m.make(42)
        self.assertEqual(str(cm.exception), "expected a struct sequence type, got a 'int' object")
        with self.assertRaises(TypeError):
            self.m.make(self.m.stats(1), 1, 2, 3)   # an instance, not the type

    def test_bad_descriptors_raise_system_error(self):
        for which, msg in ((0, "Struct sequence descriptor does not define the name field."),
                           (1, "Struct sequence descriptor does not define the fields field."),
                           (2, "HPyStructSequence_NewType: the descriptor is NULL")):
            with self.assertRaises(SystemError) as cm:
                self.m.new_bad_type(which)
            self.assertEqual(str(cm.exception), msg)

    def test_errors_of_the_sample_itself(self):
        with self.assertRaises(ValueError):
            self.m.stats()
        with self.assertRaises(TypeError):
            self.m.stats(1, "a")

    # ---- references ----

    def test_no_reference_leaks(self):
        m = self.m
        item = object()
        self.assertNoRefGrowth(item, lambda: m.make(m.Deep, item, item))
        self.assertNoRefGrowth(item, lambda: m.stats(10 ** 20, 10 ** 21)[1])
        self.assertNoRefGrowth(m.Deep, lambda: m.make(m.Deep, 1, 2))
        self.assertNoRefGrowth(m.Stats, lambda: m.stats(1, 2))

        def wrong_count():
            try:
                m.make(m.Deep, item)
            except TypeError:
                pass
        self.assertNoRefGrowth(item, wrong_count)
        self.assertNoRefGrowth(m.Deep, wrong_count)

    def test_instances_are_freed(self):
        import weakref

        class Item:
            pass
        item = Item()
        ref = weakref.ref(item)
        s = self.m.make(self.m.Deep, item, None)
        del item
        self.assertIsNotNone(ref())
        del s
        self.assertIsNone(ref())


if support.ABI == "universal":
    class UniversalStructSeqTest(StructSeqTests, unittest.TestCase):
        abi = "universal"

        def test_loaded_through_libhpy(self):
            self.assertIsInstance(self.m.__loader__, hpyshim.HPyExtensionLoader)

        def test_called_from_python_like_a_namedtuple(self):
            # the universal type is a collections.namedtuple: one argument per field
            self.assertEqual(self.m.Stats(1, 2, 3), (1, 2, 3))
            self.assertIs(type(self.m.Stats(1, 2, 3)), self.m.Stats)
            # missing values are None, as with HPy 0.9's universal types
            self.assertEqual(self.m.Stats(1), (1, None, None))

    class HybridStructSeqTest(StructSeqTests, unittest.TestCase):
        abi = "hybrid"
else:
    class CPythonStructSeqTest(StructSeqTests, unittest.TestCase):
        abi = "cpython"

        def test_called_from_python_like_os_stat_result(self):
            # a CPython struct sequence type takes one sequence
            self.assertEqual(self.m.Stats((1, 2, 3)), (1, 2, 3))
            self.assertIs(type(self.m.Stats((1, 2, 3))), self.m.Stats)


if __name__ == "__main__":
    unittest.main()
