"""HPy methods that misuse handles on purpose, in C, for the suites that check debug mode's reports
(tests/python/test_debug.py, test_under_pytest.py, tests/packaging/test_compat.py): one text of
each, so a report's expected function names (``keep_utf8_impl``...) are the same everywhere."""

METHODS = {
    "leak": r"""
HPyDef_METH(leak, "leak", HPyFunc_O)
static HPy leak_impl(HPyContext *ctx, HPy self, HPy arg)
{
    HPy_Dup(ctx, arg);   /* never closed */
    return HPy_Dup(ctx, ctx->h_None);
}
""",
    "double_close": r"""
HPyDef_METH(double_close, "double_close", HPyFunc_O)
static HPy double_close_impl(HPyContext *ctx, HPy self, HPy arg)
{
    HPy h = HPy_Dup(ctx, arg);
    HPy_Close(ctx, h);
    HPy_Close(ctx, h);
    return HPy_Dup(ctx, ctx->h_None);
}
""",
    # keep_utf8(s) keeps the char* of its argument, which lives only as long as the argument's
    # handle; read_kept_utf8() reads it in a later call
    "keep_utf8": r"""
static const char *kept_utf8;

HPyDef_METH(keep_utf8, "keep_utf8", HPyFunc_O)
static HPy keep_utf8_impl(HPyContext *ctx, HPy self, HPy arg)
{
    kept_utf8 = HPyUnicode_AsUTF8AndSize(ctx, arg, NULL);   /* lives only as long as arg */
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(read_kept_utf8, "read_kept_utf8", HPyFunc_NOARGS)
static HPy read_kept_utf8_impl(HPyContext *ctx, HPy self)
{
    return HPyUnicode_FromString(ctx, kept_utf8);
}
""",
    "echo": r"""
HPyDef_METH(echo, "echo", HPyFunc_O)
static HPy echo_impl(HPyContext *ctx, HPy self, HPy arg)
{
    return HPy_Dup(ctx, arg);
}
""",
}

# The HPyDefs each snippet defines.
DEFINES = {"leak": ["leak"], "double_close": ["double_close"], "keep_utf8": ["keep_utf8", "read_kept_utf8"],
           "echo": ["echo"]}


def methods(*names):
    """The C of the named snippets, in that order."""
    return "".join(METHODS[n] for n in names)


def module_source(module, *names):
    """A whole extension `module` with the named snippets and nothing else."""
    defines = ", ".join("&" + d for n in names for d in DEFINES[n])
    return ('#include "hpy.h"\n' + methods(*names) +
            "\nstatic HPyDef *defines[] = { %s, NULL };\n"
            "static HPyModuleDef moduledef = { .defines = defines };\n"
            "HPy_MODINIT(%s, moduledef)\n" % (defines, module))
