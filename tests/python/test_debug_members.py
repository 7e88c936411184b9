"""Debug mode names the member that was misused: each member of a family (builders, AsStruct,
trackers, calls) has its own index, so a report never names a sibling. Each misuse runs in a child
process, which the report ends, and the child's stderr must name exactly that member."""

import unittest

from tests.python import support

SOURCE = r"""
#include "hpy.h"

static HPy closed(HPyContext *ctx, HPy h)
{
    HPy d = HPy_Dup(ctx, h);
    HPy_Close(ctx, d);
    return d;
}

static HPyContext *kept;

HPyDef_METH(keep_ctx, "keep_ctx", HPyFunc_NOARGS)
static HPy keep_ctx_impl(HPyContext *ctx, HPy self)
{
    kept = ctx;
    return HPy_Dup(ctx, ctx->h_None);
}

/* misuse(which, obj): one misuse per case, named for the member it must be reported as */
HPyDef_METH(misuse, "misuse", HPyFunc_VARARGS)
static HPy misuse_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    long which = HPyLong_AsLong(ctx, args[0]);
    HPy obj = args[1];
    switch (which) {
    case 0: { HPyListBuilder b = HPyListBuilder_New(ctx, 1);
              HPyListBuilder_Set(ctx, b, 0, closed(ctx, obj)); HPyListBuilder_Cancel(ctx, b); break; }
    case 1: { HPyTupleBuilder b = HPyTupleBuilder_New(ctx, 1);
              HPyTupleBuilder_Set(ctx, b, 0, closed(ctx, obj)); HPyTupleBuilder_Cancel(ctx, b); break; }
    case 2: { HPyListBuilder b = HPyListBuilder_New(ctx, 0);
              HPyListBuilder_Cancel(ctx, b); HPyListBuilder_Cancel(ctx, b); break; }
    case 3: { HPyTupleBuilder b = HPyTupleBuilder_New(ctx, 0);
              HPy t = HPyTupleBuilder_Build(ctx, b); HPy_Close(ctx, t);
              HPyTupleBuilder_Set(ctx, b, 0, obj); break; }
    case 4: HPyListBuilder_New(kept, 1); break;
    case 5: _HPy_AsStruct_List(ctx, closed(ctx, obj)); break;
    case 6: _HPy_AsStruct_Tuple(ctx, closed(ctx, obj)); break;
    case 7: { HPyTracker ht = HPyTracker_New(ctx, 1);
              HPyTracker_Add(ctx, ht, closed(ctx, obj)); HPyTracker_Close(ctx, ht); break; }
    case 8: HPyTracker_New(kept, 1); break;
    case 9: { HPyTracker ht = HPyTracker_New(ctx, 1);
              HPyTracker_ForgetAll(kept, ht); break; }
    case 10: HPy_Call(ctx, closed(ctx, obj), NULL, 0, HPy_NULL); break;
    case 11: HPy_CallMethod(ctx, closed(ctx, obj), &obj, 1, HPy_NULL); break;
    case 12: HPy_CallTupleDict(ctx, closed(ctx, obj), HPy_NULL, HPy_NULL); break;
    }
    return HPy_Dup(ctx, ctx->h_None);
}

static HPyDef *defines[] = { &keep_ctx, &misuse, NULL };
static HPyModuleDef moduledef = { .defines = defines };
HPy_MODINIT(membertest, moduledef)
"""

# case: (the text the report must hold, a sibling member it must not name)
CASES = {
    0: ("argument 3 of HPyListBuilder_Set", "HPyTupleBuilder_Build"),
    1: ("argument 3 of HPyTupleBuilder_Set", "HPyTupleBuilder_Build"),
    2: ("HPyListBuilder_Cancel was given", "HPyTupleBuilder"),
    3: ("HPyTupleBuilder_Set was given", "HPyListBuilder"),
    4: ("HPyListBuilder_New was called with the context", "HPyTupleBuilder_Build"),
    5: ("argument 1 of _HPy_AsStruct_List", "_HPy_AsStruct_Object"),
    6: ("argument 1 of _HPy_AsStruct_Tuple", "_HPy_AsStruct_Object"),
    7: ("argument 2 of HPyTracker_Add", "HPyTracker_Close"),
    8: ("HPyTracker_New was called with the context", "HPyTracker_Add"),
    9: ("HPyTracker_ForgetAll was called with the context", "HPyTracker_Add"),
    10: ("argument 1 of HPy_Call", "HPy_CallTupleDict"),
    11: ("argument 1 of HPy_CallMethod", "HPy_Call "),
    12: ("argument 1 of HPy_CallTupleDict", "HPy_Call "),
}

EXTENSION = support.TempExtension("membertest", SOURCE)


def tearDownModule():
    EXTENSION.remove()


class ReportNamesTheMemberTest(unittest.TestCase):
    def report(self, case):
        code = ("import hpyshim\nm = hpyshim.load('membertest', %r, mode='debug')\nm.keep_ctx()\n"
                "m.misuse(%d, ['x'])\nprint('survived')\n" % (EXTENSION.path(), case))
        proc = support.run_python(["-c", code])
        self.assertNotEqual(proc.returncode, 0, support.describe(proc))
        self.assertNotIn("survived", proc.stdout)
        return proc.stderr

    def test_every_family(self):
        for case, (expected, sibling) in sorted(CASES.items()):
            with self.subTest(case=case, expected=expected):
                err = self.report(case)
                self.assertIn(expected, err)
                self.assertNotIn(sibling, err)


if __name__ == "__main__":
    unittest.main()
