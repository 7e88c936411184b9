"""The `solver` sample (cext-samples/solver), the realistic benchmark's extension: GC'd types that
hold objects in HPyFields, number protocol and rich comparison creating objects, tuple builders,
types in HPyGlobals checked with HPy_TypeCheck, HPyArg_Parse. Runs against the universal build in
every mode and the CPython ABI build (HPYSHIM_TEST_ABI=cpython) alike; this is what the native fast
path (fields, globals, items, GC traversal and deallocation of HPy types) must keep identical."""

import gc
import importlib
import sys
import unittest

try:
    from . import support
except ImportError:  # run with tests/python itself as the top-level directory
    import support

import hpyshim  # noqa: F401  (the finder)

solver = None


def setUpModule():
    global solver
    support.add_samples_to_path()
    solver = importlib.import_module("solver")


def instances(cls):
    return sum(1 for o in gc.get_objects() if type(o) is cls)


class ModelTest(unittest.TestCase):
    def test_loaded_in_the_test_mode(self):
        support.assert_loaded_in_test_mode(self, lambda: (solver.Variable("x", 1.0) * 2.0).value())

    def test_operators_build_the_model(self):
        V = solver.Variable
        x, y = V("x", 1.0), V("y", 2.0)
        e = x * 2.0 + y * 3.0 + 1.0
        self.assertIs(type(e), solver.Expression)
        self.assertEqual(e.value(), 9.0)
        self.assertEqual(e.constant(), 1.0)
        self.assertEqual([(t.coefficient(), t.variable().name()) for t in e.terms()],
                         [(2.0, "x"), (3.0, "y")])
        self.assertEqual((x - y).value(), -1.0)
        self.assertEqual((3.0 * x).value(), 3.0)
        self.assertEqual((e * 2.0).value(), 18.0)
        self.assertIs(type(x * 2.0), solver.Term)
        self.assertEqual(solver.Term(x, 4.0).value(), 4.0)

    def test_comparisons_make_constraints(self):
        V = solver.Variable
        x, y = V("x", 1.0), V("y", 2.0)
        e = x * 2.0 + y * 3.0 + 1.0
        c = e <= y
        self.assertIs(type(c), solver.Constraint)
        self.assertEqual((c.op(), c.violation(), c.violated()), ("<=", 7.0, True))
        self.assertEqual((e >= 100.0).violation(), 91.0)
        self.assertEqual((e == 9.0).violation(), 0.0)
        self.assertEqual(solver.total_violation([c, e >= 100.0]), 98.0)
        self.assertIs(x.__lt__(y), NotImplemented)

    def test_arguments_are_checked(self):
        V = solver.Variable
        with self.assertRaises(TypeError):
            V("x", "y")        # the name may be any object, the value must be a number
        with self.assertRaises(TypeError):
            V("x").setValue("y")
        with self.assertRaises(TypeError):
            solver.Term(1.0)
        with self.assertRaises(TypeError):
            solver.Expression((1,))
        with self.assertRaises(TypeError):
            solver.total_violation([1])
        with self.assertRaises(ValueError):
            solver.update_variables([V()], [])
        self.assertIs(V().__add__("x"), NotImplemented)

    def test_names_are_kept_as_c_text(self):
        # str names through HPyUnicode_AsUTF8AndSize, bytes names through HPyBytes_AsString
        V = solver.Variable
        self.assertEqual(V("x").label(), "x")
        self.assertEqual(V("h\u00e9llo \u2603").label(), "h\u00e9llo \u2603")
        self.assertEqual(V(b"by\xc3\xa9").label(), "by\u00e9")
        self.assertEqual(V(b"").label(), "")
        self.assertEqual(V().label(), "")
        self.assertEqual(V(["a list"]).label(), "")
        self.assertEqual(V(b"b").name(), b"b")
        labels = [V("v%d" % i).label() for i in range(300)]
        self.assertEqual(labels, ["v%d" % i for i in range(300)])

    def test_strengths_and_operators_as_strings(self):
        V = solver.Variable
        x, y = V("x", 1.0), V("y", 2.0)
        c = x * 2.0 + 1.0 <= y
        self.assertEqual(c.strength(), 1001001000.0)   # required
        strong = c | "strong"
        self.assertIs(type(strong), solver.Constraint)
        self.assertEqual((strong.strength(), strong.op(), strong.violation()), (1000000.0, "<=", 1.0))
        self.assertEqual(c.strength(), 1001001000.0)   # c itself is unchanged
        self.assertEqual(("weak" | c).strength(), 1.0)
        self.assertEqual((c | b"medium").strength(), 1000.0)
        self.assertEqual((c | 5.0).strength(), 5.0)
        self.assertEqual((c | 1e20).strength(), 1001001000.0)
        with self.assertRaises(ValueError):
            c | "strongest"
        with self.assertRaises(ValueError):
            c | b"weak\0"
        C = solver.Constraint
        made = C(x * 2.0 - y, "<=", "strong")
        self.assertEqual((made.op(), made.strength(), made.violation()), ("<=", 1000000.0, 0.0))
        self.assertEqual((C(x, ">=").op(), C(x, ">=").strength()), (">=", 1001001000.0))
        self.assertEqual(C(x - 1.0).op(), "==")
        self.assertEqual(C(x, strength=b"weak").strength(), 1.0)
        self.assertEqual(C(x - y, op="==", strength="medium").violation(), 1.0)
        for op in ("!=", "<", "<==", "", b"<="):
            with self.assertRaises(ValueError, msg=repr(op)):
                C(x, op)
        with self.assertRaises(TypeError):
            C("not an expression", "<=")
        with self.assertRaises(ValueError):
            C(x, "<=", "bogus")

    def test_string_paths_keep_refcounts(self):
        V = solver.Variable
        name = "a name that is not interned" + str(id(self))
        strength = "strong" + ""
        c = V("x", 1.0) - 2.0 <= 0.0
        before = sys.getrefcount(name), sys.getrefcount(strength), sys.getrefcount(c)
        for _ in range(1000):
            V(name, 1.0).label()
            c | strength
            solver.Constraint(c.expression(), "<=", strength)
        self.assertEqual((sys.getrefcount(name), sys.getrefcount(strength), sys.getrefcount(c)), before)

    def test_update_variables(self):
        V = solver.Variable
        xs = [V("v%d" % i, 0.0) for i in range(50)]
        solver.update_variables(xs, [float(i) for i in range(50)])
        self.assertEqual([x.value() for x in xs], [float(i) for i in range(50)])
        solver.update_variables(tuple(xs), tuple(range(50, 100)))
        self.assertEqual(xs[-1].value(), 99.0)


class GarbageCollectionTest(unittest.TestCase):
    def test_cycles_through_fields_are_collected(self):
        gc.collect()
        before = instances(solver.Variable)
        for i in range(200):
            box = []
            v = solver.Variable(box, 1.0)   # v -> (field) box -> v
            box.append(v)
            e = v * 2.0 + 1.0               # e -> tuple -> term -> (field) v
            box.append(e)
        del box, v, e
        gc.collect()
        self.assertEqual(instances(solver.Variable), before)
        self.assertEqual(instances(solver.Expression), 0)

    def test_reachable_objects_survive_collections(self):
        V = solver.Variable
        xs = [V("v%d" % i, float(i)) for i in range(300)]
        cons = [xs[i] * 2.0 + xs[(i + 1) % 300] * 3.0 + 1.0 <= xs[(i + 2) % 300] for i in range(300)]
        for x in xs:
            box = [x]
            x.setValue(x.value())   # touch
            del box
        del xs
        for _ in range(3):
            gc.collect()
        # every constraint still reaches its variables through HPyFields only
        total = sum(c.violation() for c in cons)
        expected = sum(max(0.0, 2.0 * i + 3.0 * ((i + 1) % 300) + 1.0 - ((i + 2) % 300)) for i in range(300))
        self.assertEqual(total, expected)
        names = sorted(t.variable().name() for c in cons for t in c.expression().terms())
        self.assertEqual(len(names), 900)

    def test_referents_are_what_traverse_visits(self):
        x = solver.Variable("x", 1.0)
        t = x * 2.0
        self.assertEqual(gc.get_referents(t), [x])
        self.assertEqual(gc.get_referents(x), ["x"])

    def test_refcounts_balance(self):
        x = solver.Variable("x", 1.0)
        name = "a name that is not interned" + str(id(x))
        v = solver.Variable(name, 1.0)
        before = sys.getrefcount(name), sys.getrefcount(v)
        for _ in range(1000):
            v.name()
            (v * 2.0).variable()
            solver.update_variables([v], [2.0])
        self.assertEqual((sys.getrefcount(name), sys.getrefcount(v)), before)


if __name__ == "__main__":
    unittest.main()
