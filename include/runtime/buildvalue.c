/* HPy_BuildValue(ctx, fmt, ...): build a Python value from C values.
 *
 * Units: i b h B H [int] I [unsigned int] l [long] k [unsigned long]
 *        L [long long] K [unsigned long long] n [HPy_ssize_t]
 *        f d [double, floats are promoted] s z [const char *, NULL -> None]
 *        O S [HPy, not consumed; a new handle is returned]
 *        (...) tuple  [...] list  {k:v, ...} dict
 * ' ', '\t', ',' and ':' between units are separators. No unit gives None,
 * one unit gives that value, several give a tuple. 'N' is rejected: HPy
 * functions never steal handles.
 */
#include "hpy.h"
#include <stdio.h>

#define BV_MSG_MAX 256

typedef struct {
    const char *p;      /* cursor into the format */
    va_list *va;
} bv_state;

static int is_separator(char c)
{
    return c == ' ' || c == '\t' || c == ',' || c == ':';
}

static HPy bv_error(HPyContext *ctx, const char *msg)
{
    HPyErr_SetString(ctx, ctx->h_SystemError, msg);
    return HPy_NULL;
}

/* Number of units from p up to the (unnested) terminator `end`, or -1 with
   an exception when a bracket is left open. */
static HPy_ssize_t count_units(HPyContext *ctx, const char *p, char end)
{
    char stack[64];
    int depth = 0;
    HPy_ssize_t n = 0;

    for (;; p++) {
        char c = *p;
        if (depth == 0 && c == end)
            return n;
        if (c == '\0') {
            char msg[BV_MSG_MAX];
            char open = depth > 0 ? stack[depth - 1]
                      : end == ')' ? '(' : end == ']' ? '[' : '{';
            snprintf(msg, sizeof(msg),
                     "unmatched '%c' in the format string passed to HPy_BuildValue", open);
            bv_error(ctx, msg);
            return -1;
        }
        if (c == '(' || c == '[' || c == '{') {
            if (depth == 0)
                n++;
            if (depth == (int)sizeof(stack)) {
                bv_error(ctx, "format string passed to HPy_BuildValue is nested too deeply");
                return -1;
            }
            stack[depth++] = c;
        } else if (c == ')' || c == ']' || c == '}') {
            char want = c == ')' ? '(' : c == ']' ? '[' : '{';
            if (depth == 0 || stack[depth - 1] != want) {
                char msg[BV_MSG_MAX];
                snprintf(msg, sizeof(msg),
                         "unmatched '%c' in the format string passed to HPy_BuildValue", c);
                bv_error(ctx, msg);
                return -1;
            }
            depth--;
        } else if (depth == 0 && !is_separator(c)) {
            n++;
        }
    }
}

static HPy build_unit(HPyContext *ctx, bv_state *st);

/* Build n units into a freshly allocated array (closed by the caller). */
static int build_units(HPyContext *ctx, bv_state *st, HPy_ssize_t n, HPy *items)
{
    HPy_ssize_t i;
    for (i = 0; i < n; i++) {
        items[i] = build_unit(ctx, st);
        if (HPy_IsNull(items[i])) {
            while (i-- > 0)
                HPy_Close(ctx, items[i]);
            return 0;
        }
    }
    return 1;
}

static void close_units(HPyContext *ctx, HPy *items, HPy_ssize_t n)
{
    HPy_ssize_t i;
    for (i = 0; i < n; i++)
        HPy_Close(ctx, items[i]);
}

/* Container whose units run to `end`; kind is '(' '[' or '{'. The cursor is
   just past the opening bracket (or at the start of the top-level format,
   with end '\0'). */
static HPy build_container(HPyContext *ctx, bv_state *st, char kind, char end)
{
    HPy_ssize_t n = count_units(ctx, st->p, end);
    HPy *items;
    HPy result = HPy_NULL;
    HPy_ssize_t i;

    if (n < 0)
        return HPy_NULL;
    if (kind == '{' && n % 2 != 0)
        return bv_error(ctx, "missing ':' in the format string passed to HPy_BuildValue");

    items = (HPy *)malloc((size_t)(n > 0 ? n : 1) * sizeof(HPy));
    if (items == NULL)
        return HPyErr_NoMemory(ctx);
    if (!build_units(ctx, st, n, items)) {
        free(items);
        return HPy_NULL;
    }
    /* skip trailing separators and the closing bracket */
    while (is_separator(*st->p))
        st->p++;
    if (end != '\0')
        st->p++;

    if (kind == '(') {
        result = HPyTuple_FromArray(ctx, items, n);
    } else if (kind == '[') {
        result = HPyList_New(ctx, 0);
        for (i = 0; i < n && !HPy_IsNull(result); i++) {
            if (HPyList_Append(ctx, result, items[i]) < 0) {
                HPy_Close(ctx, result);
                result = HPy_NULL;
            }
        }
    } else {
        result = HPyDict_New(ctx);
        for (i = 0; i + 1 < n && !HPy_IsNull(result); i += 2) {
            if (HPy_SetItem(ctx, result, items[i], items[i + 1]) < 0) {
                HPy_Close(ctx, result);
                result = HPy_NULL;
            }
        }
    }
    close_units(ctx, items, n);
    free(items);
    return result;
}

static HPy string_or_none(HPyContext *ctx, const char *s)
{
    if (s == NULL)
        return HPy_Dup(ctx, ctx->h_None);
    return HPyUnicode_FromString(ctx, s);
}

/* One unit; always a new handle (or HPy_NULL with an exception). */
static HPy build_unit(HPyContext *ctx, bv_state *st)
{
    char c;
    while (is_separator(*st->p))
        st->p++;
    c = *st->p++;
    switch (c) {
    case '(':
        return build_container(ctx, st, '(', ')');
    case '[':
        return build_container(ctx, st, '[', ']');
    case '{':
        return build_container(ctx, st, '{', '}');
    case 'b': case 'h': case 'i':
        return HPyLong_FromLong(ctx, (long)va_arg(*st->va, int));
    case 'B': case 'H':
        return HPyLong_FromLong(ctx, (long)va_arg(*st->va, int));
    case 'I':
        return HPyLong_FromUnsignedLong(ctx, (unsigned long)va_arg(*st->va, unsigned int));
    case 'l':
        return HPyLong_FromLong(ctx, va_arg(*st->va, long));
    case 'k':
        return HPyLong_FromUnsignedLong(ctx, va_arg(*st->va, unsigned long));
    case 'L':
        return HPyLong_FromLongLong(ctx, va_arg(*st->va, long long));
    case 'K':
        return HPyLong_FromUnsignedLongLong(ctx, va_arg(*st->va, unsigned long long));
    case 'n':
        return HPyLong_FromSsize_t(ctx, va_arg(*st->va, HPy_ssize_t));
    case 'f': case 'd':
        return HPyFloat_FromDouble(ctx, va_arg(*st->va, double));
    case 's': case 'z':
        return string_or_none(ctx, va_arg(*st->va, const char *));
    case 'O': case 'S': {
        HPy h = va_arg(*st->va, HPy);
        if (HPy_IsNull(h)) {
            /* a failed call's result passed straight in keeps its error */
            if (!HPyErr_Occurred(ctx))
                bv_error(ctx, "HPy_NULL object passed to HPy_BuildValue");
            return HPy_NULL;
        }
        return HPy_Dup(ctx, h);
    }
    case 'N':
        return bv_error(ctx,
            "HPy_BuildValue does not support the 'N' formatting unit: HPy functions "
            "never steal handles. Use 'O' and close the handle yourself if needed.");
    default: {
        char msg[BV_MSG_MAX];
        snprintf(msg, sizeof(msg),
                 "bad format char '%c' in the format string passed to HPy_BuildValue", c);
        return bv_error(ctx, msg);
    }
    }
}

HPyAPI_HELPER HPy
HPy_BuildValue(HPyContext *ctx, const char *fmt, ...)
{
    va_list va;
    bv_state st;
    HPy result;
    HPy_ssize_t n;

    n = count_units(ctx, fmt, '\0');
    if (n < 0)
        return HPy_NULL;
    if (n == 0)
        return HPy_Dup(ctx, ctx->h_None);

    va_start(va, fmt);
    st.p = fmt;
    st.va = &va;
    if (n == 1)
        result = build_unit(ctx, &st);
    else
        result = build_container(ctx, &st, '(', '\0');
    va_end(va);
    return result;
}
