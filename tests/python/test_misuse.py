"""Malformed definitions an extension hands the runtime: each is a clear Python exception naming
what is wrong, and the interpreter goes on."""

import os
import shutil
import tempfile
import unittest

try:
    from . import support
except ImportError:  # run with tests/python itself as the top-level directory
    import support

import hpyshim
from hpyshim import build

SOURCE = r"""
#include "hpy.h"

static HPyType_Spec negative_basicsize = { .name = "misuse.A", .basicsize = -8 };
static HPyType_Spec negative_itemsize = { .name = "misuse.B", .basicsize = 16, .itemsize = -1 };

static HPyDef nameless = { .kind = HPyDef_Kind_Meth, .meth = { .name = NULL,
    .signature = HPyFunc_NOARGS } };
static HPyDef *nameless_defines[] = { &nameless, NULL };
static HPyType_Spec nameless_method = { .name = "misuse.C", .defines = nameless_defines };

HPyDef_METH(make, "make", HPyFunc_O)
static HPy make_impl(HPyContext *ctx, HPy self, HPy which)
{
    long n = HPyLong_AsLong(ctx, which);
    HPyType_Spec *spec = n == 0 ? &negative_basicsize : n == 1 ? &negative_itemsize : &nameless_method;
    return HPyType_FromSpec(ctx, spec, NULL);
}

static HPyDef *defines[] = { &make, NULL };
static HPyModuleDef moduledef = { .defines = defines };
HPy_MODINIT(misuse, moduledef)
"""

NAMELESS_MODULE = r"""
#include "hpy.h"
static HPyDef nameless = { .kind = HPyDef_Kind_Meth, .meth = { .name = NULL,
    .signature = HPyFunc_NOARGS } };
static HPyDef *defines[] = { &nameless, NULL };
static HPyModuleDef moduledef = { .defines = defines };
HPy_MODINIT(nameless, moduledef)
"""

_dir = None


def built(name, source):
    global _dir
    support.compiler()
    if _dir is None:
        _dir = tempfile.mkdtemp(prefix="hpyshim-misuse-")
    src = os.path.join(_dir, name + ".c")
    with open(src, "w") as f:
        f.write(source)
    return build.build_extension(name, [src], outdir=_dir)


def tearDownModule():
    if _dir is not None:
        shutil.rmtree(_dir, ignore_errors=True)


class MalformedTypeSpecTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.m = hpyshim.load("misuse", built("misuse", SOURCE))

    def test_negative_basicsize(self):
        with self.assertRaises(ValueError) as cm:
            self.m.make(0)
        self.assertIn("'misuse.A' has a negative basicsize", str(cm.exception))

    def test_negative_itemsize(self):
        with self.assertRaises(ValueError) as cm:
            self.m.make(1)
        self.assertIn("'misuse.B' has a negative itemsize", str(cm.exception))

    def test_method_without_a_name(self):
        with self.assertRaises(ValueError) as cm:
            self.m.make(2)
        self.assertIn("a method of type 'misuse.C' has no name", str(cm.exception))


HUGE_STATE = r"""
#include "hpy.h"
static HPyModuleDef moduledef = { .size = (HPy_ssize_t)1 << 60 };
HPy_MODINIT(hugestate, moduledef)
"""


class MalformedModuleTest(unittest.TestCase):
    def test_module_state_too_big(self):
        path = built("hugestate", HUGE_STATE)
        with self.assertRaises(MemoryError) as cm:
            hpyshim.load("hugestate", path)
        self.assertIn("module state", str(cm.exception))
        self.assertIn(path, str(cm.exception))

    def test_function_without_a_name(self):
        path = built("nameless", NAMELESS_MODULE)
        with self.assertRaises(SystemError) as cm:
            hpyshim.load("nameless", path)
        self.assertIn("has no name", str(cm.exception))
        self.assertIn(path, str(cm.exception))


BUILDERS = r"""
#include "hpy.h"

/* New with a size the caller got wrong, then straight back to Python: the error must be CPython's. */
HPyDef_METH(tuple_of, "tuple_of", HPyFunc_O)
static HPy tuple_of_impl(HPyContext *ctx, HPy self, HPy size)
{
    HPyTupleBuilder b = HPyTupleBuilder_New(ctx, HPyLong_AsSsize_t(ctx, size));
    if (b._tup == 0)
        return HPy_NULL;
    return HPyTupleBuilder_Build(ctx, b);
}

HPyDef_METH(list_of, "list_of", HPyFunc_O)
static HPy list_of_impl(HPyContext *ctx, HPy self, HPy size)
{
    HPyListBuilder b = HPyListBuilder_New(ctx, HPyLong_AsSsize_t(ctx, size));
    if (b._lst == 0)
        return HPy_NULL;
    return HPyListBuilder_Build(ctx, b);
}

/* The HPy idiom: no check after New, Set and Build as usual. */
HPyDef_METH(filled_tuple, "filled_tuple", HPyFunc_O)
static HPy filled_tuple_impl(HPyContext *ctx, HPy self, HPy size)
{
    HPyTupleBuilder b = HPyTupleBuilder_New(ctx, HPyLong_AsSsize_t(ctx, size));
    HPyTupleBuilder_Set(ctx, b, 0, self);
    return HPyTupleBuilder_Build(ctx, b);
}

static HPyDef *defines[] = { &tuple_of, &list_of, &filled_tuple, NULL };
static HPyModuleDef moduledef = { .defines = defines };
HPy_MODINIT(builders, moduledef)
"""


class BuilderSizeTest(unittest.TestCase):
    """A builder of negative size raises SystemError, one too big MemoryError, as CPython's
    PyTuple_New and PyList_New do, in every mode."""

    def check(self, mode):
        m = hpyshim.load("builders", built("builders", BUILDERS), mode=mode)
        for make in (m.tuple_of, m.list_of, m.filled_tuple):
            with self.subTest(mode=mode, function=make.__name__):
                with self.assertRaises(SystemError) as cm:
                    make(-1)
                self.assertNotIn("without", str(cm.exception))  # not "returned NULL without setting an error"
                with self.assertRaises(MemoryError):
                    make(1 << 60)
        self.assertEqual((m.tuple_of(0), m.list_of(0), m.filled_tuple(1)), ((), [], (m,)))

    def test_universal(self):
        self.check("universal")

    def test_debug(self):
        self.check("debug")

    def test_trace(self):
        self.check("trace")


if __name__ == "__main__":
    unittest.main()
