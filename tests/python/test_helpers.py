"""The helper sources compiled into every extension (src/runtime/*.c: argument parsing,
HPy_BuildValue, HPyUnicode_FromFormat) and the CPython ABI mode runtime (src/runtime/cpython)
behave as HPy 0.9's: its semantics and its error messages, word for word.

Each extension is compiled here from C text with the current headers: universal and hybrid
binaries loaded through libhpy, or, with HPYSHIM_TEST_ABI=cpython, CPython ABI mode extensions
for the running interpreter. The same assertions run on each ABI."""

import importlib.util
import os
import shutil
import subprocess
import tempfile
import unittest

try:
    from . import support
except ImportError:  # run with tests/python itself as the top-level directory
    import support

import hpyshim
from hpyshim import build, config

_build_dir = None


def tearDownModule():
    if _build_dir is not None:
        shutil.rmtree(_build_dir, ignore_errors=True)


def build_module(name, source, abi):
    """Compile the C text `source` as extension `name` in `abi`; return the file's path."""
    global _build_dir
    support.compiler()
    if _build_dir is None:
        _build_dir = tempfile.mkdtemp(prefix="hpyshim-helpers-")
    outdir = os.path.join(_build_dir, abi)
    os.makedirs(outdir, exist_ok=True)
    src = os.path.join(outdir, name + ".c")
    with open(src, "w") as f:
        f.write(source)
    try:
        return build.build_extension(name, [src], abi=abi, outdir=outdir,
                                     extra_flags=["-Wall", "-Werror"])
    except build.BuildError as e:
        raise AssertionError("cannot build %s (%s ABI): %s" % (name, abi, e))


def load_module(name, path, abi):
    if abi == "cpython":
        spec = importlib.util.spec_from_file_location(name, path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        return mod
    return hpyshim.load(name, path)


def c_string(text):
    return '"%s"' % text.replace("\\", "\\\\").replace('"', '\\"')


# ---- HPy_BuildValue: (format and C arguments, expected value) ----
BUILD_VALUES = [
    ('""', None),
    ('"i", 42', 42),
    ('"ii", -1, 1', (-1, 1)),
    ('"i i", -1, 1', (-1, 1)),
    ('"(i)", -1', (-1,)),
    ('"(i,i)", -1, 1', (-1, 1)),
    ('"(i, i)", -1, 1', (-1, 1)),
    ('"[i,i]", 4, 2', [4, 2]),
    ('"[]"', []),
    ('"{}"', {}),
    ('"{s:i, s:f}", "A", 4, "B", 0.25', {"A": 4, "B": 0.25}),
    ('"{s : i}", "A", 4', {"A": 4}),
    ('"{s:i,}", "A", 4', {"A": 4}),
    ('"[{s:(i,i), s:f},i]", "A", 4, 4, "B", 0.25, 42', [{"A": (4, 4), "B": 0.25}, 42]),
    ('"({s:(i,i)},[i])", "A", 4, 4, 42', ({"A": (4, 4)}, [42])),
    ('"z", (const char *)NULL', None),
]

# ---- HPy_BuildValue: (format and C arguments, SystemError message) ----
WHERE = " in the format string passed to HPy_BuildValue"
BUILD_ERRORS = [
    ('"(q)", 42', "bad format char 'q'" + WHERE),
    ('"(i", 42', "unmatched '('" + WHERE),
    ('"[i", 42', "unmatched '['" + WHERE),
    # at the end of the format, the outermost open bracket is the unmatched one
    ('"([(i)k", 42', "unmatched '('" + WHERE),
    # a wrong closing bracket leaves the innermost open one unmatched
    ('"(i]", 42', "unmatched '('" + WHERE),
    ('"[i)", 42', "unmatched '['" + WHERE),
    ('"i)", 42', "unmatched ')'" + WHERE),
    ('"{i:i", "foo", 42', "unmatched '{'" + WHERE),
    ('"{i:i,,}", "foo", 42', "unexpected ','" + WHERE),
    ('"{,}"', "unexpected ','" + WHERE),
    ('"{i:ii,}", "foo", 42, 42', "missing ','" + WHERE),
    ('"{i}", 42', "missing ':'" + WHERE),
    # ':' only separates a key from its value
    ('"i:i", 1, 2', "bad format char ':'" + WHERE),
]
BUILD_N_PREFIX = "HPy_BuildValue does not support the 'N' formatting unit."

# ---- HPyUnicode_FromFormat: (format, C arguments, expected str or (exception, message)) ----
INVALID = (SystemError, "invalid format string")
FORMATS = [
    ("%d|%i|%u|%x", "123, -4, 5u, 255", "123|-4|5|ff"),
    ("%ld %lld %zd %lu %llu %zu", "-1L, -2LL, (HPy_ssize_t)-3, 4UL, 5ULL, (size_t)6", "-1 -2 -3 4 5 6"),
    ("%x", "-123", "ffffff85"),
    # width pads with spaces before the sign, '0' with zeros after it
    ("%5d", "-123", " -123"),
    ("%05d", "-123", "-0123"),
    ("%05x", "123", "0007b"),
    # precision is the minimum number of digits
    ("%.5d", "-123", "-00123"),
    ("%7.5d", "-123", " -00123"),
    ("%5.7d", "123", "0000123"),
    # '0' still pads to the width when there is a precision too (C would use spaces)
    ("%07.5d", "123", "0000123"),
    ("%07.5d", "-123", "-000123"),
    ("%010.9x", "-123", "00ffffff85"),
    ("%.0d", "0", "0"),
    ("%.d", "7", "7"),
    ("%1d", "-123", "-123"),
    ("%%|%c|%c", "'w', 0x20ac", "%|w|\u20ac"),
    ("%5s|%.1s|%5.1s|%1.5s", '"None", "None", "None", "None"', " None|N|    N|None"),
    ("%5U|%.2S|%6.3R|%A", 'unicode, ctx->h_True, unicode, unicode', " None|Tr|   'No|'None'"),
    ("%V|%5V", 'unicode, "ignored", HPy_NULL, "abc"', "None|  abc"),
    ("check if %5d %s %6.3d is %5S or %6.3S",
     '42, "==", -42, ctx->h_True, ctx->h_False', "check if    42 ==   -042 is  True or    Fal"),
    # unknown units, and options on %%
    ("%y%d", "'w', 42", INVALID),
    ("%u %? %u", "1, 2", INVALID),
    ("%0%", "0", INVALID),
    ("%2%", "0", INVALID),
    ("%.2%", "0", INVALID),
    # length modifiers exist only before d, i and u
    ("%lx", "1L", INVALID),
    ("%ls", '"a"', INVALID),
    ("%zx", "(size_t)1", INVALID),
    # a format that ends inside a unit
    ("abc%", "0", INVALID),
    ("%5", "0", INVALID),
    ("%.12", "0", INVALID),
    ("%c", "0x10ffff + 2", (OverflowError, "character argument not in range(0x110000)")),
    ("%s", "(const char *)NULL",
     (SystemError, "null c string passed as value for formatting unit '%s'")),
    ("%4c", "0", (SystemError, "formatting unit '%c' does not support width nor precision")),
    ("%.4c", "0", (SystemError, "formatting unit '%c' does not support width nor precision")),
    ("%04c", "0", (SystemError, "formatting unit '%c' does not support 0-padding")),
    ("%4p", "(void *)0", (SystemError, "formatting unit '%p' does not support width nor precision")),
    ("%08.4p", "(void *)0", (SystemError, "formatting unit '%p' does not support 0-padding")),
    ("%0s", '"a"', (SystemError, "formatting unit '%s' does not support 0-padding")),
    ("%0U", "unicode", (SystemError, "formatting unit '%U' does not support 0-padding")),
    ("%0V", 'unicode, "x"', (SystemError, "formatting unit '%V' does not support 0-padding")),
    ("%0S", "unicode", (SystemError, "formatting unit '%S' does not support 0-padding")),
    ("%0R", "unicode", (SystemError, "formatting unit '%R' does not support 0-padding")),
    ("%0A", "unicode", (SystemError, "formatting unit '%A' does not support 0-padding")),
    ("%U", "HPy_NULL", (SystemError, "HPy_NULL passed as value for formatting unit '%U'")),
    ("%S", "HPy_NULL", (SystemError, "HPy_NULL passed as value for formatting unit '%S'")),
    ("%R", "HPy_NULL", (SystemError, "HPy_NULL passed as value for formatting unit '%R'")),
    ("%A", "HPy_NULL", (SystemError, "HPy_NULL passed as value for formatting unit '%A'")),
    # a width or precision beyond HPy_ssize_t
    ("%9223372036854775808d", "42", (ValueError, "width too big")),
    ("%.9223372036854775808d", "42", (ValueError, "precision too big")),
    ("%99999999999999999999999d", "42", (ValueError, "width too big")),
]


def probe_source():
    build_cases = "\n".join("    case %d: return HPy_BuildValue(ctx, %s);" % (i, args)
                            for i, (args, _) in enumerate(BUILD_VALUES + BUILD_ERRORS))
    n_build = len(BUILD_VALUES + BUILD_ERRORS)
    fmt_cases = "\n".join(
        "    case %d: result = HPyUnicode_FromFormat(ctx, %s, %s); break;"
        % (i, c_string(fmt), args) for i, (fmt, args, _) in enumerate(FORMATS))
    return PROBE_SOURCE % {"build_cases": build_cases, "n_build": n_build,
                           "fmt_cases": fmt_cases}


PROBE_SOURCE = r"""
#include "hpy.h"
#include <stddef.h>

/* a positional-only parameter (empty name), then a named one */
HPyDef_METH(posonly, "posonly", HPyFunc_KEYWORDS)
static HPy posonly_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs, HPy kwnames)
{
    static const char *kwlist[] = { "", "b", NULL };
    long a, b = 5;
    if (!HPyArg_ParseKeywords(ctx, NULL, args, nargs, kwnames, "l|l", kwlist, &a, &b))
        return HPy_NULL;
    return HPyLong_FromLong(ctx, a * 10 + b);
}

/* posonly_dict(args_tuple, kwargs_dict): the same through HPyArg_ParseKeywordsDict */
HPyDef_METH(posonly_dict, "posonly_dict", HPyFunc_VARARGS)
static HPy posonly_dict_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    static const char *kwlist[] = { "", "b", NULL };
    long a, b = 5;
    HPy items[8];
    HPy_ssize_t n, i;
    int ok;
    if (nargs != 2) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "posonly_dict(args, kwargs)");
        return HPy_NULL;
    }
    n = HPy_Length(ctx, args[0]);
    if (n < 0 || n > 8) {
        if (n > 8)
            HPyErr_SetString(ctx, ctx->h_ValueError, "at most 8 arguments");
        return HPy_NULL;
    }
    for (i = 0; i < n; i++)
        items[i] = HPy_GetItem_i(ctx, args[0], i);
    ok = HPyArg_ParseKeywordsDict(ctx, NULL, items, n,
                                  HPy_Is(ctx, args[1], ctx->h_None) ? HPy_NULL : args[1],
                                  "l|l", kwlist, &a, &b);
    for (i = 0; i < n; i++)
        HPy_Close(ctx, items[i]);
    if (!ok)
        return HPy_NULL;
    return HPyLong_FromLong(ctx, a * 10 + b);
}

/* two named parameters, with a function name for the messages */
HPyDef_METH(named, "named", HPyFunc_KEYWORDS)
static HPy named_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs, HPy kwnames)
{
    static const char *kwlist[] = { "a", "b", NULL };
    long a, b = 5;
    if (!HPyArg_ParseKeywords(ctx, NULL, args, nargs, kwnames, "l|l:named", kwlist, &a, &b))
        return HPy_NULL;
    return HPyLong_FromLong(ctx, a * 10 + b);
}

HPyDef_METH(build, "build", HPyFunc_O)
static HPy build_impl(HPyContext *ctx, HPy self, HPy arg)
{
    switch (HPyLong_AsLong(ctx, arg)) {
%(build_cases)s
    case %(n_build)d: return HPy_BuildValue(ctx, "N", ctx->h_None);
    }
    if (!HPyErr_Occurred(ctx))
        HPyErr_SetString(ctx, ctx->h_ValueError, "no such case");
    return HPy_NULL;
}

HPyDef_METH(fmt, "fmt", HPyFunc_O)
static HPy fmt_impl(HPyContext *ctx, HPy self, HPy arg)
{
    HPy unicode = HPyUnicode_FromString(ctx, "None");
    HPy result = HPy_NULL;
    if (HPy_IsNull(unicode))
        return HPy_NULL;
    switch (HPyLong_AsLong(ctx, arg)) {
%(fmt_cases)s
    default:
        if (!HPyErr_Occurred(ctx))
            HPyErr_SetString(ctx, ctx->h_ValueError, "no such case");
    }
    HPy_Close(ctx, unicode);
    return result;
}

/* the UTF-8 of a str used as the format itself */
HPyDef_METH(fmt_of, "fmt_of", HPyFunc_O)
static HPy fmt_of_impl(HPyContext *ctx, HPy self, HPy arg)
{
    const char *text = HPyUnicode_AsUTF8AndSize(ctx, arg, NULL);
    if (text == NULL)
        return HPy_NULL;
    return HPyUnicode_FromFormat(ctx, text);
}

HPyDef_METH(fmt_ptr, "fmt_ptr", HPyFunc_NOARGS)
static HPy fmt_ptr_impl(HPyContext *ctx, HPy self)
{
    return HPyUnicode_FromFormat(ctx, "<%%p>", (void *)0xbeef);
}

/* HPyErr_Format goes through the same formatter */
HPyDef_METH(err_format, "err_format", HPyFunc_NOARGS)
static HPy err_format_impl(HPyContext *ctx, HPy self)
{
    return HPyErr_Format(ctx, ctx->h_KeyError, "%%s-%%05d", "key", -42);
}

/* ---- types that HPyType_FromSpec refuses ---- */

HPyDef_SLOT(LegacyCall_call, HPy_tp_call)
static HPy LegacyCall_call_impl(HPyContext *ctx, HPy callable, const HPy *args, size_t nargs,
                                HPy kwnames)
{
    return HPyLong_FromLong(ctx, 1);
}
static HPyDef *LegacyCall_defines[] = { &LegacyCall_call, NULL };
static HPyType_Spec LegacyCall_spec = {
    .name = "probe.LegacyCall",
    .builtin_shape = HPyType_BuiltinShape_Legacy,
    .defines = LegacyCall_defines,
};

HPyDef_METH(legacy_call_type, "legacy_call_type", HPyFunc_NOARGS)
static HPy legacy_call_type_impl(HPyContext *ctx, HPy self)
{
    return HPyType_FromSpec(ctx, &LegacyCall_spec, NULL);
}

static HPyType_Spec Pure_spec = {
    .name = "probe.Pure",
    .basicsize = sizeof(long),
    .flags = HPy_TPFLAGS_DEFAULT | HPy_TPFLAGS_BASETYPE,
};
static HPyType_Spec LegacyOnPure_spec = {
    .name = "probe.LegacyOnPure",
    .builtin_shape = HPyType_BuiltinShape_Legacy,
};

HPyDef_METH(legacy_on_pure_type, "legacy_on_pure_type", HPyFunc_NOARGS)
static HPy legacy_on_pure_type_impl(HPyContext *ctx, HPy self)
{
    HPy pure = HPyType_FromSpec(ctx, &Pure_spec, NULL), result;
    HPyType_SpecParam params[] = { { HPyType_SpecParam_Base, pure }, { (HPyType_SpecParam_Kind)0 } };
    if (HPy_IsNull(pure))
        return HPy_NULL;
    result = HPyType_FromSpec(ctx, &LegacyOnPure_spec, params);
    HPy_Close(ctx, pure);
    return result;
}

typedef struct { long x; } ZeroObject;
HPyType_HELPERS(ZeroObject)
HPyDef_MEMBER(Zero_x, "x", HPyMember_LONG, offsetof(ZeroObject, x))
static HPyDef *Zero_defines[] = { &Zero_x, NULL };
static HPyType_Spec Zero_spec = {
    .name = "probe.Zero",
    .defines = Zero_defines,
};

HPyDef_METH(zero_with_members_type, "zero_with_members_type", HPyFunc_NOARGS)
static HPy zero_with_members_type_impl(HPyContext *ctx, HPy self)
{
    return HPyType_FromSpec(ctx, &Zero_spec, NULL);
}

static HPyDef *module_defines[] = {
    &posonly, &posonly_dict, &named, &build, &fmt, &fmt_of, &fmt_ptr, &err_format,
    &legacy_call_type, &legacy_on_pure_type, &zero_with_members_type, NULL
};
static HPyModuleDef moduledef = { .doc = "helper probes", .defines = module_defines };
HPy_MODINIT(probe, moduledef)
"""

# HPyType_GenericNew named as a slot implementation, the documented idiom
GENERIC_NEW_SOURCE = r"""
#include "hpy.h"

typedef struct { long x; } PointObject;
HPyType_HELPERS(PointObject)
HPyDef_SLOT_IMPL(Point_new, HPyType_GenericNew, HPy_tp_new)
static HPyDef *Point_defines[] = { &Point_new, NULL };
static HPyType_Spec Point_spec = {
    .name = "genericnew.Point",
    .basicsize = sizeof(PointObject),
    .defines = Point_defines,
};
HPyDef_SLOT(mod_exec, HPy_mod_exec)
static int mod_exec_impl(HPyContext *ctx, HPy m)
{
    return HPyHelpers_AddType(ctx, m, "Point", &Point_spec, NULL) ? 0 : -1;
}
static HPyDef *module_slots[] = { &mod_exec, NULL };
static HPyModuleDef moduledef = { .defines = module_slots };
HPy_MODINIT(genericnew, moduledef)
"""

BAD_SIGNATURE_SOURCE = r"""
#include "hpy.h"
HPyDef f = { .kind = HPyDef_Kind_Meth, .meth = { .name = "f", .signature = (HPyFunc_Signature)1234 } };
static HPyDef *defines[] = { &f, NULL };
static HPyModuleDef moduledef = { .defines = defines };
HPy_MODINIT(badsig, moduledef)
"""

# HPy_mod_create together with %(what)s
CREATE_AND_MORE_SOURCE = r"""
#include "hpy.h"
HPyDef_SLOT(mod_create, HPy_mod_create)
static HPy mod_create_impl(HPyContext *ctx, HPy spec)
{
    return HPyUnicode_FromString(ctx, "not a module");
}
HPyDef_SLOT(mod_exec, HPy_mod_exec)
static int mod_exec_impl(HPyContext *ctx, HPy m)
{
    return 0;
}
static HPyDef *defines[] = { &mod_create, %(defines)s NULL };
static HPyModuleDef moduledef = { .defines = defines, %(fields)s };
HPy_MODINIT(%(name)s, moduledef)
"""

CREATE_ALONE = (
    "This is not allowed because custom HPy_mod_create slot cannot return a builtin module "
    "object and cannot make any use of any other data defined in the HPyModuleDef. Either do "
    "not define HPy_mod_create slot and let the runtime create a builtin module object from the "
    "provided HPyModuleDef, or do not define anything else but the HPy_mod_create slot.")


class HelperTests:
    abi = None  # set by the concrete classes below

    @classmethod
    def setUpClass(cls):
        cls.m = load_module("probe", build_module("probe", probe_source(), cls.abi), cls.abi)

    def assertRaisesMessage(self, exc_type, message, func, *args, **kwargs):
        with self.assertRaises(exc_type) as cm:
            func(*args, **kwargs)
        self.assertEqual(str(cm.exception), message)
        return cm.exception

    # ---- argument parsing ----

    def test_positional_only_parameter(self):
        f = self.m.posonly
        self.assertEqual(f(1, b=2), 12)
        self.assertEqual(f(1, 2), 12)
        self.assertEqual(f(1), 15)
        # passed by keyword, a positional-only parameter is missing: HPy's message
        self.assertRaisesMessage(TypeError, "function no value for required argument", f, a=1)
        self.assertRaisesMessage(TypeError, "function no value for required argument",
                                 f, a=1, b=2)
        self.assertRaisesMessage(TypeError, "function no value for required argument", f, b=2)

    def test_positional_only_parameter_dict(self):
        f = self.m.posonly_dict
        self.assertEqual(f((1,), {"b": 2}), 12)
        self.assertEqual(f((1, 2), None), 12)
        self.assertEqual(f((1,), {}), 15)
        self.assertRaisesMessage(TypeError, "function no value for required argument",
                                 f, (), {"a": 1})
        self.assertRaisesMessage(TypeError, "function no value for required argument",
                                 f, (), {"a": 1, "b": 2})

    def test_stricter_checks_come_after_hpys(self):
        # checks HPy does not make, made once HPy's own have passed
        f = self.m.posonly
        self.assertRaisesMessage(TypeError, "function got an unexpected keyword argument 'a'",
                                 f, 1, a=2)
        self.assertRaisesMessage(TypeError, "function got an unexpected keyword argument 'c'",
                                 f, 1, c=2)
        self.assertRaisesMessage(TypeError, "function got an unexpected keyword argument 'a'",
                                 self.m.posonly_dict, (1,), {"a": 1})
        g = self.m.named
        self.assertEqual(g(1, b=2), 12)
        self.assertEqual(g(b=2, a=1), 12)
        self.assertRaisesMessage(TypeError, "named() got multiple values for argument 'a'",
                                 g, 1, a=2)
        self.assertRaisesMessage(TypeError, "named() got an unexpected keyword argument 'c'",
                                 g, 1, c=2)
        self.assertRaisesMessage(TypeError, "named() no value for required argument", g, c=2)
        self.assertRaisesMessage(TypeError, "named() mismatched args (too many arguments for fmt)",
                                 g, 1, 2, 3)

    # ---- HPy_BuildValue ----

    def test_build_value(self):
        for i, (args, expected) in enumerate(BUILD_VALUES):
            with self.subTest(args=args):
                self.assertEqual(self.m.build(i), expected)
        for i, (args, message) in enumerate(BUILD_ERRORS, len(BUILD_VALUES)):
            with self.subTest(args=args):
                self.assertRaisesMessage(SystemError, message, self.m.build, i)
        with self.subTest(args="N"):
            with self.assertRaises(SystemError) as cm:
                self.m.build(len(BUILD_VALUES) + len(BUILD_ERRORS))
            self.assertTrue(str(cm.exception).startswith(BUILD_N_PREFIX), str(cm.exception))

    # ---- HPyUnicode_FromFormat ----

    def test_from_format(self):
        for i, (fmt, args, expected) in enumerate(FORMATS):
            with self.subTest(fmt=fmt, args=args):
                if isinstance(expected, tuple):
                    self.assertRaisesMessage(expected[0], expected[1], self.m.fmt, i)
                else:
                    self.assertEqual(self.m.fmt(i), expected)
        with self.subTest(fmt="<%p>"):
            # one "0x" prefix whatever the platform's printf writes
            self.assertRegex(self.m.fmt_ptr(), r"^<0x0*[bB][eE][eE][fF]>$")
        with self.subTest(fmt="HPyErr_Format"):
            self.assertRaisesMessage(KeyError, "'key--0042'", self.m.err_format)

    def test_from_format_needs_ascii_text(self):
        self.assertRaisesMessage(
            ValueError, "expected an ASCII-encoded format string, got a non-ASCII byte: 0xc3",
            self.m.fmt_of, "format \u00fc")
        self.assertEqual(self.m.fmt_of("plain ascii"), "plain ascii")

    # ---- HPyType_FromSpec ----

    def test_legacy_type_cannot_add_the_call_field_to_an_inherited_struct(self):
        self.assertRaisesMessage(
            TypeError, "Cannot use HPy call protocol with legacy types that inherit the struct. "
            "Either set the basicsize to a non-zero value or use legacy slot 'Py_tp_call'.",
            self.m.legacy_call_type)

    def test_legacy_type_cannot_extend_a_pure_one(self):
        self.assertRaisesMessage(
            TypeError, "A legacy type should not inherit its memory layout from a pure type",
            self.m.legacy_on_pure_type)

    def test_members_need_a_basicsize(self):
        self.assertRaisesMessage(TypeError, "Type claims to have basicsize==0 but defines members",
                                 self.m.zero_with_members_type)

    def test_generic_new_as_a_slot_implementation(self):
        mod = load_module("genericnew", build_module("genericnew", GENERIC_NEW_SOURCE, self.abi),
                          self.abi)
        p = mod.Point()
        self.assertIs(type(p), mod.Point)

    # ---- module definitions that cannot be loaded ----

    def assertLoadFails(self, name, source, exc_type, message):
        path = build_module(name, source, self.abi)
        with self.assertRaises(exc_type) as cm:
            load_module(name, path, self.abi)
        self.assertTrue(str(cm.exception).startswith(message),
                        "%r does not start with %r" % (str(cm.exception), message))
        return cm.exception

    def test_unsupported_method_signature(self):
        e = self.assertLoadFails("badsig", BAD_SIGNATURE_SOURCE, ValueError,
                                 "Unsupported HPyMeth signature")
        self.assertEqual(str(e), "Unsupported HPyMeth signature")
        # caused by an error that names the method
        self.assertIsInstance(e.__cause__, ValueError)
        self.assertIn("'f'", str(e.__cause__))
        self.assertIn("1234", str(e.__cause__))

    def test_create_slot_with_other_slots_or_methods(self):
        self.assertLoadFails(
            "create_exec", CREATE_AND_MORE_SOURCE % {
                "name": "create_exec", "defines": "&mod_exec,", "fields": ".doc = NULL"},
            SystemError,
            "HPyModuleDef defines a HPy_mod_create slot and some other slots or methods. "
            + CREATE_ALONE)

    def test_create_slot_with_other_fields(self):
        self.assertLoadFails(
            "create_doc", CREATE_AND_MORE_SOURCE % {
                "name": "create_doc", "defines": "", "fields": '.doc = "some doc"'},
            SystemError,
            "HPyModuleDef defines a HPy_mod_create slot and some of the other fields are not "
            "set to their default value. " + CREATE_ALONE)


LEGACY_SLOTS_SOURCE = r"""
#include <Python.h>
#include "hpy.h"

static PyType_Slot Dummy_legacy_slots[] = { { 0, NULL } };
static HPyType_Spec Dummy_spec = {
    .name = "legacyslots.Dummy",
    .legacy_slots = Dummy_legacy_slots,
};

HPyDef_METH(make, "make", HPyFunc_NOARGS)
static HPy make_impl(HPyContext *ctx, HPy self)
{
    return HPyType_FromSpec(ctx, &Dummy_spec, NULL);
}
static HPyDef *defines[] = { &make, NULL };
static HPyModuleDef moduledef = { .defines = defines };
HPy_MODINIT(legacyslots, moduledef)
"""


class LegacySlotsTests:
    """What needs the C API (<Python.h>): hybrid and CPython ABI mode."""

    def test_legacy_slots_need_the_legacy_shape(self):
        mod = load_module("legacyslots", build_module("legacyslots", LEGACY_SLOTS_SOURCE, self.abi),
                          self.abi)
        self.assertRaisesMessage(
            TypeError,
            "cannot specify .legacy_slots without setting .builtin_shape=HPyType_BuiltinShape_Legacy",
            mod.make)


if support.ABI == "universal":
    class UniversalHelperTest(HelperTests, unittest.TestCase):
        abi = "universal"

        def test_python_h_is_forbidden(self):
            # with hpy/forbid_python_h first on the include path, as HPy's build does
            tmp = support.make_temp_dir(self)
            src = os.path.join(tmp, "forbidden.c")
            with open(src, "w") as f:
                f.write('#include <Python.h>\n#include "hpy.h"\n')
            inc = config.include_dir()
            cmd = support.compiler() + [
                "-DHPY_ABI_UNIVERSAL", "-I" + os.path.join(inc, "hpy", "forbid_python_h"),
                "-I" + inc, "-fsyntax-only", src]
            proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  universal_newlines=True, timeout=support.SUBPROCESS_TIMEOUT)
            self.assertNotEqual(proc.returncode, 0, proc.stdout)
            self.assertIn("It is forbidden to #include <Python.h> when targeting the HPy "
                          "Universal ABI", proc.stdout)

    class HybridHelperTest(HelperTests, LegacySlotsTests, unittest.TestCase):
        abi = "hybrid"
else:
    class CPythonHelperTest(HelperTests, LegacySlotsTests, unittest.TestCase):
        abi = "cpython"


if __name__ == "__main__":
    unittest.main()
