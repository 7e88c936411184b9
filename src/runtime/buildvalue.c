/* HPy_BuildValue(ctx, fmt, ...): build a Python value from C values.
 *
 * Units: i b h B H [int] I [unsigned int] l [long] k [unsigned long]
 *        L [long long] K [unsigned long long] n [HPy_ssize_t]
 *        f d [double, floats are promoted] s z [const char *, NULL -> None]
 *        O S [HPy, not consumed; a new handle is returned]
 *        (...) tuple  [...] list  {key:value, ...} dict
 * In tuples, lists and at the top level ' ', '\t' and ',' separate units.
 * In a dict each key is followed by ':' and pairs are separated by one ','
 * (a trailing one is allowed). No unit gives None, one unit gives that value,
 * several give a tuple. 'N' is rejected: HPy functions never steal handles.
 *
 * Errors are SystemErrors worded as HPy's. Brackets are checked over the
 * whole format before anything is built: a wrong closing bracket makes the
 * innermost open one "unmatched", the end of the format the outermost one.
 */
#include "hpy.h"
#include <stdio.h>
#include <string.h>

#define BV_MSG_MAX 256
#define BV_STACK 64
#define BV_SMALL_SEQUENCE 16   /* items of a tuple or list built without a heap array */

typedef struct {
    const char *p;      /* cursor into the format */
    va_list *va;
} bv_state;

static int is_separator(char c)
{
    return c == ' ' || c == '\t' || c == ',';
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static char closer_of(char open)
{
    return open == '(' ? ')' : open == '[' ? ']' : '}';
}

static HPy bv_error(HPyContext *ctx, const char *msg)
{
    HPyErr_SetString(ctx, ctx->h_SystemError, msg);
    return HPy_NULL;
}

static void bv_error_char(HPyContext *ctx, const char *what, char c)
{
    char msg[BV_MSG_MAX];
    snprintf(msg, sizeof(msg), "%s '%c' in the format string passed to HPy_BuildValue",
             what, c);
    bv_error(ctx, msg);
}

/* 0 if every bracket of fmt is closed by its own kind, else -1 with an
   exception. The stack holds the open brackets, outermost first. */
static int check_brackets(HPyContext *ctx, const char *fmt)
{
    char small[BV_STACK];
    char *stack = small;
    size_t len = strlen(fmt), depth = 0;
    const char *p;
    int ok = 1;

    if (len > BV_STACK) {
        stack = (char *)malloc(len);
        if (stack == NULL) {
            HPyErr_NoMemory(ctx);
            return -1;
        }
    }
    for (p = fmt; ok && *p != '\0'; p++) {
        char c = *p;
        if (c == '(' || c == '[' || c == '{') {
            stack[depth++] = c;
        } else if (c == ')' || c == ']' || c == '}') {
            if (depth == 0) {
                bv_error_char(ctx, "unmatched", c);
                ok = 0;
            } else if (closer_of(stack[depth - 1]) != c) {
                bv_error_char(ctx, "unmatched", stack[depth - 1]);
                ok = 0;
            } else {
                depth--;
            }
        }
    }
    if (ok && depth > 0) {
        bv_error_char(ctx, "unmatched", stack[0]);
        ok = 0;
    }
    if (stack != small)
        free(stack);
    return ok ? 0 : -1;
}

/* Units from p up to the closing bracket `end` of this level ('\0' for the
   top level). Only valid after check_brackets. */
static HPy_ssize_t count_units(const char *p, char end)
{
    HPy_ssize_t n = 0;
    int depth = 0;
    for (; depth > 0 || *p != end; p++) {
        char c = *p;
        if (c == '(' || c == '[' || c == '{') {
            if (depth++ == 0)
                n++;
        } else if (c == ')' || c == ']' || c == '}') {
            depth--;
        } else if (depth == 0 && !is_separator(c)) {
            n++;
        }
    }
    return n;
}

static HPy build_unit(HPyContext *ctx, bv_state *st);

/* Tuple or list of the units up to `end`; the cursor is just past the
   opening bracket (or at the start of the format, end '\0'). */
static HPy build_sequence(HPyContext *ctx, bv_state *st, int is_list, char end)
{
    HPy_ssize_t n = count_units(st->p, end), i;
    HPy small[BV_SMALL_SEQUENCE];   /* the usual case: no malloc/free per call */
    HPy *items = small;
    HPy result = HPy_NULL;

    if (n > BV_SMALL_SEQUENCE) {
        items = (HPy *)malloc((size_t)n * sizeof(HPy));
        if (items == NULL)
            return HPyErr_NoMemory(ctx);
    }
    for (i = 0; i < n; i++) {
        while (is_separator(*st->p))
            st->p++;
        items[i] = build_unit(ctx, st);
        if (HPy_IsNull(items[i]))
            break;
    }
    if (i == n) {
        while (is_separator(*st->p))
            st->p++;
        if (end != '\0')
            st->p++;            /* the closing bracket */
        if (!is_list) {
            result = HPyTuple_FromArray(ctx, items, n);
        } else {
            HPy_ssize_t k;
            result = HPyList_New(ctx, 0);
            for (k = 0; k < n && !HPy_IsNull(result); k++) {
                if (HPyList_Append(ctx, result, items[k]) < 0) {
                    HPy_Close(ctx, result);
                    result = HPy_NULL;
                }
            }
        }
    }
    while (i-- > 0)
        HPy_Close(ctx, items[i]);
    if (items != small)
        free(items);
    return result;
}

/* Dict; the cursor is just past the '{'. */
static HPy build_dict(HPyContext *ctx, bv_state *st)
{
    HPy dict = HPyDict_New(ctx);
    int expect_comma = 0;

    if (HPy_IsNull(dict))
        return HPy_NULL;
    for (;;) {
        HPy key, value;
        int r;
        while (is_blank(*st->p))
            st->p++;
        if (*st->p == '}') {
            st->p++;
            return dict;
        }
        if (*st->p == ',') {
            if (!expect_comma) {
                bv_error_char(ctx, "unexpected", ',');
                break;
            }
            st->p++;
            expect_comma = 0;
            continue;
        }
        if (expect_comma) {
            bv_error_char(ctx, "missing", ',');
            break;
        }
        key = build_unit(ctx, st);
        if (HPy_IsNull(key))
            break;
        while (is_blank(*st->p))
            st->p++;
        if (*st->p != ':') {
            HPy_Close(ctx, key);
            bv_error_char(ctx, "missing", ':');
            break;
        }
        st->p++;
        while (is_blank(*st->p))
            st->p++;
        value = build_unit(ctx, st);
        if (HPy_IsNull(value)) {
            HPy_Close(ctx, key);
            break;
        }
        r = HPy_SetItem(ctx, dict, key, value);
        HPy_Close(ctx, key);
        HPy_Close(ctx, value);
        if (r < 0)
            break;
        expect_comma = 1;
    }
    HPy_Close(ctx, dict);
    return HPy_NULL;
}

static HPy string_or_none(HPyContext *ctx, const char *s)
{
    if (s == NULL)
        return HPy_Dup(ctx, ctx->h_None);
    return HPyUnicode_FromString(ctx, s);
}

/* The unit at the cursor; always a new handle (or HPy_NULL with an
   exception). */
static HPy build_unit(HPyContext *ctx, bv_state *st)
{
    char c = *st->p++;
    switch (c) {
    case '(':
        return build_sequence(ctx, st, 0, ')');
    case '[':
        return build_sequence(ctx, st, 1, ']');
    case '{':
        return build_dict(ctx, st);
    case 'b': case 'h': case 'i': case 'B': case 'H':
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
            "HPy_BuildValue does not support the 'N' formatting unit. HPy functions "
            "never steal handles: use 'O' and close the handle yourself if needed.");
    default:
        bv_error_char(ctx, "bad format char", c);
        return HPy_NULL;
    }
}

HPyAPI_HELPER HPy
HPy_BuildValue(HPyContext *ctx, const char *fmt, ...)
{
    va_list va;
    bv_state st;
    HPy result;
    HPy_ssize_t n;

    if (check_brackets(ctx, fmt) < 0)
        return HPy_NULL;
    n = count_units(fmt, '\0');
    if (n == 0)
        return HPy_Dup(ctx, ctx->h_None);

    va_start(va, fmt);
    st.p = fmt;
    st.va = &va;
    if (n == 1) {
        while (is_separator(*st.p))
            st.p++;
        result = build_unit(ctx, &st);
    } else {
        result = build_sequence(ctx, &st, 0, '\0');
    }
    va_end(va);
    return result;
}
