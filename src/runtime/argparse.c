/* HPyArg_Parse, HPyArg_ParseKeywords, HPyArg_ParseKeywordsDict.
 *
 * Format units (one per argument, C output pointer type in brackets):
 *   b [unsigned char]  non-negative int, range checked
 *   B [unsigned char]  int, truncated without overflow check
 *   h [short]          range checked
 *   H [unsigned short] truncated
 *   i [int]            range checked
 *   I [unsigned int]   truncated
 *   l [long]  k [unsigned long, truncated]
 *   L [long long]  K [unsigned long long, truncated]
 *   n [HPy_ssize_t]
 *   f [float]  d [double]
 *   O [HPy]            the argument handle. The keyword parsers hand out a
 *                      duplicate owned by the tracker (*ht), so they require
 *                      ht; HPyArg_Parse lends the caller's own handle.
 *   p [int]            truth value (0/1)
 *   s [const char *]   UTF-8 of a str without NUL characters; valid while
 *                      the argument is alive
 * Markers: '|' the rest are optional (outputs keep their preset values when
 * missing), '$' the rest are keyword-only (keyword parsers; implies '|'),
 * ':name' names the function in messages, ';message' replaces messages.
 *
 * Keyword parsers: an empty name in keywords[] marks a positional-only
 * parameter (they come first); passed by keyword it counts as missing. Errors
 * are HPy's, in HPy's order; after them come checks HPy does not make: an
 * unknown keyword, a parameter passed both ways, too many positionals.
 *
 * Return value: 1 on success, 0 with an exception set. When ht is not NULL
 * a tracker is created in every case and closed again on failure.
 */
#include "hpy.h"
#include <limits.h>
#include <stdio.h>
#include <string.h>

#define ARGPARSE_MSG_MAX 512

/* Where the format units end, and what follows (':' or ';' part). */
typedef struct {
    const char *units_end;
    const char *suffix;     /* points at ':' or ';', or NULL */
} fmt_info;

static fmt_info scan_format(const char *fmt)
{
    fmt_info info;
    const char *c = fmt;
    while (*c != '\0' && *c != ':' && *c != ';')
        c++;
    info.units_end = c;
    info.suffix = (*c != '\0') ? c : NULL;
    return info;
}

/* Raise exc with msg worded according to the format's suffix. */
static void arg_error(HPyContext *ctx, HPy exc, const fmt_info *fi, const char *msg)
{
    char text[ARGPARSE_MSG_MAX];
    if (fi->suffix == NULL)
        snprintf(text, sizeof(text), "function %.256s", msg);
    else if (*fi->suffix == ':')
        snprintf(text, sizeof(text), "%.200s() %.256s", fi->suffix + 1, msg);
    else
        snprintf(text, sizeof(text), "%s", fi->suffix + 1);
    HPyErr_SetString(ctx, exc, text);
}

/* Fetch a C long, then range check it. */
static int long_in_range(HPyContext *ctx, HPy arg, const fmt_info *fi, long lo, long hi,
                         const char *too_small, const char *too_big, long *out)
{
    long v = HPyLong_AsLong(ctx, arg);
    if (v == -1 && HPyErr_Occurred(ctx))
        return 0;
    if (v < lo) {
        arg_error(ctx, ctx->h_OverflowError, fi, too_small);
        return 0;
    }
    if (v > hi) {
        arg_error(ctx, ctx->h_OverflowError, fi, too_big);
        return 0;
    }
    *out = v;
    return 1;
}

static int masked_ulong(HPyContext *ctx, HPy arg, unsigned long *out)
{
    unsigned long v = HPyLong_AsUnsignedLongMask(ctx, arg);
    if (v == (unsigned long)-1 && HPyErr_Occurred(ctx))
        return 0;
    *out = v;
    return 1;
}

/* Convert one argument according to the unit at **unit (and advance past
   it). A null arg means an omitted optional argument: the output pointer is
   consumed and left untouched. 'owned' asks for 'O' results to be
   duplicated into the tracker. */
static int convert_unit(HPyContext *ctx, HPyTracker *ht, HPy arg, int owned,
                        const char **unit, va_list *va, const fmt_info *fi)
{
    const char code = *(*unit)++;
    void *out;

    switch (code) {
    case 'b': case 'B': case 'h': case 'H': case 'i': case 'I':
    case 'l': case 'k': case 'L': case 'K': case 'n':
    case 'f': case 'd': case 'O': case 'p': case 's':
        out = va_arg(*va, void *);
        break;
    default:
        arg_error(ctx, ctx->h_SystemError, fi, "unknown arg format code");
        return 0;
    }
    if (HPy_IsNull(arg))
        return 1;

    switch (code) {
    case 'b': {
        long v;
        if (!long_in_range(ctx, arg, fi, 0, UCHAR_MAX,
                           "unsigned byte integer is less than minimum",
                           "unsigned byte integer is greater than maximum", &v))
            return 0;
        *(unsigned char *)out = (unsigned char)v;
        return 1;
    }
    case 'B': {
        unsigned long v;
        if (!masked_ulong(ctx, arg, &v))
            return 0;
        *(unsigned char *)out = (unsigned char)v;
        return 1;
    }
    case 'h': {
        long v;
        if (!long_in_range(ctx, arg, fi, SHRT_MIN, SHRT_MAX,
                           "signed short integer is less than minimum",
                           "signed short integer is greater than maximum", &v))
            return 0;
        *(short *)out = (short)v;
        return 1;
    }
    case 'H': {
        unsigned long v;
        if (!masked_ulong(ctx, arg, &v))
            return 0;
        *(unsigned short *)out = (unsigned short)v;
        return 1;
    }
    case 'i': {
        long v;
        if (!long_in_range(ctx, arg, fi, INT_MIN, INT_MAX,
                           "signed integer is less than minimum",
                           "signed integer is greater than maximum", &v))
            return 0;
        *(int *)out = (int)v;
        return 1;
    }
    case 'I': {
        unsigned long v;
        if (!masked_ulong(ctx, arg, &v))
            return 0;
        *(unsigned int *)out = (unsigned int)v;
        return 1;
    }
    case 'l': {
        long v = HPyLong_AsLong(ctx, arg);
        if (v == -1 && HPyErr_Occurred(ctx))
            return 0;
        *(long *)out = v;
        return 1;
    }
    case 'k': {
        unsigned long v;
        if (!masked_ulong(ctx, arg, &v))
            return 0;
        *(unsigned long *)out = v;
        return 1;
    }
    case 'L': {
        long long v = HPyLong_AsLongLong(ctx, arg);
        if (v == -1 && HPyErr_Occurred(ctx))
            return 0;
        *(long long *)out = v;
        return 1;
    }
    case 'K': {
        unsigned long long v = HPyLong_AsUnsignedLongLongMask(ctx, arg);
        if (v == (unsigned long long)-1 && HPyErr_Occurred(ctx))
            return 0;
        *(unsigned long long *)out = v;
        return 1;
    }
    case 'n': {
        HPy_ssize_t v = HPyLong_AsSsize_t(ctx, arg);
        if (v == -1 && HPyErr_Occurred(ctx))
            return 0;
        *(HPy_ssize_t *)out = v;
        return 1;
    }
    case 'f':
    case 'd': {
        double v = HPyFloat_AsDouble(ctx, arg);
        if (v == -1.0 && HPyErr_Occurred(ctx))
            return 0;
        if (code == 'f')
            *(float *)out = (float)v;
        else
            *(double *)out = v;
        return 1;
    }
    case 'O': {
        HPy *dst = (HPy *)out;
        if (!owned) {
            *dst = arg;
            return 1;
        }
        *dst = HPy_Dup(ctx, arg);
        if (HPyTracker_Add(ctx, *ht, *dst) < 0) {
            HPy_Close(ctx, *dst);
            *dst = HPy_NULL;
            return 0;
        }
        return 1;
    }
    case 'p': {
        int truth = HPy_IsTrue(ctx, arg);
        if (truth < 0)
            return 0;
        *(int *)out = truth ? 1 : 0;
        return 1;
    }
    case 's': {
        HPy_ssize_t size, k;
        const char *data;
        if (!HPyUnicode_Check(ctx, arg)) {
            arg_error(ctx, ctx->h_TypeError, fi, "a str is required");
            return 0;
        }
        data = HPyUnicode_AsUTF8AndSize(ctx, arg, &size);
        if (data == NULL) {
            /* keep the codec's own exception if there is one */
            if (!HPyErr_Occurred(ctx))
                arg_error(ctx, ctx->h_SystemError, fi, "unicode conversion error");
            return 0;
        }
        for (k = 0; k < size; k++) {
            if (data[k] == '\0') {
                arg_error(ctx, ctx->h_ValueError, fi, "embedded null character");
                return 0;
            }
        }
        if (data[size] != '\0') {
            arg_error(ctx, ctx->h_SystemError, fi, "missing terminating null character");
            return 0;
        }
        *(const char **)out = data;
        return 1;
    }
    }
    return 0;   /* unreachable: codes were validated above */
}

HPyAPI_HELPER int
HPyArg_Parse(HPyContext *ctx, HPyTracker *ht, const HPy *args, size_t nargs,
             const char *fmt, ...)
{
    const fmt_info fi = scan_format(fmt);
    const char *unit = fmt;
    int optional = 0;
    size_t i = 0;
    va_list va;

    if (ht != NULL) {
        *ht = HPyTracker_New(ctx, 0);
        if (HPy_IsNull(*ht))
            return 0;
    }

    va_start(va, fmt);
    while (unit < fi.units_end) {
        HPy arg;
        if (*unit == '|') {
            optional = 1;
            unit++;
            continue;
        }
        arg = (i < nargs) ? args[i] : HPy_NULL;
        if (HPy_IsNull(arg) && !optional) {
            arg_error(ctx, ctx->h_TypeError, &fi, "required positional argument missing");
            goto fail;
        }
        if (!convert_unit(ctx, ht, arg, 0, &unit, &va, &fi))
            goto fail;
        i++;
    }
    if (i < nargs) {
        arg_error(ctx, ctx->h_TypeError, &fi, "mismatched args (too many arguments for fmt)");
        goto fail;
    }
    va_end(va);
    return 1;

fail:
    va_end(va);
    if (ht != NULL)
        HPyTracker_Close(ctx, *ht);
    return 0;
}

/* ---- keyword parsing ---- */

/* Keyword source: either a kwnames tuple whose values follow the positional
   arguments, or a dict. */
typedef struct {
    int is_dict;
    HPy kw;                 /* tuple of names, dict, or HPy_NULL */
    const HPy *values;      /* kwnames mode: values in name order */
    HPy_ssize_t count;
} kw_source;

/* utf8 of a keyword name, or NULL (with an exception) if it is not a str */
static const char *kw_name_utf8(HPyContext *ctx, HPy name, const fmt_info *fi)
{
    HPy_ssize_t size;
    const char *s;
    if (!HPyUnicode_Check(ctx, name)) {
        arg_error(ctx, ctx->h_TypeError, fi, "keywords must be strings");
        return NULL;
    }
    s = HPyUnicode_AsUTF8AndSize(ctx, name, &size);
    return s;
}

/* Look up keyword `key`. Returns 1 and a new handle in *found if present in a
   dict, 2 and the caller's own handle (borrowed: its char* data, for 's',
   must outlive the parse) if present in a kwnames array, 0 if absent, -1 on
   error. */
static int kw_lookup(HPyContext *ctx, const kw_source *src, const char *key,
                     const fmt_info *fi, HPy *found)
{
    HPy_ssize_t k;
    *found = HPy_NULL;
    if (HPy_IsNull(src->kw) || src->count == 0)
        return 0;
    if (src->is_dict) {
        HPy h_key = HPyUnicode_FromString(ctx, key);
        int present;
        if (HPy_IsNull(h_key))
            return -1;
        present = HPy_Contains(ctx, src->kw, h_key);
        if (present == 1)
            *found = HPy_GetItem(ctx, src->kw, h_key);
        HPy_Close(ctx, h_key);
        if (present < 0 || (present == 1 && HPy_IsNull(*found)))
            return -1;
        return present;
    }
    for (k = 0; k < src->count; k++) {
        HPy name = HPy_GetItem_i(ctx, src->kw, k);
        const char *s;
        int match;
        if (HPy_IsNull(name))
            return -1;
        s = kw_name_utf8(ctx, name, fi);
        match = (s != NULL) && strcmp(s, key) == 0;
        HPy_Close(ctx, name);
        if (s == NULL)
            return -1;
        if (match) {
            *found = src->values[k];
            return 2;
        }
    }
    return 0;
}

/* Checks stricter than HPy's, made only once the format was parsed
   without error, so every error HPy reports comes first and reads the same:
   each supplied keyword must name a parameter that has a name ("" marks a
   positional-only one) and was not also passed by position. */
static int kw_check_supplied(HPyContext *ctx, const kw_source *src, size_t nargs,
                             const char *keywords[], size_t nkw, const fmt_info *fi)
{
    HPy names;
    HPy_ssize_t k;
    int ok = 1;

    if (HPy_IsNull(src->kw) || src->count == 0)
        return 1;
    names = src->is_dict ? HPyDict_Keys(ctx, src->kw) : HPy_Dup(ctx, src->kw);
    if (HPy_IsNull(names))
        return 0;
    for (k = 0; ok && k < src->count; k++) {
        HPy name = HPy_GetItem_i(ctx, names, k);
        const char *s;
        size_t j;
        if (HPy_IsNull(name)) {
            ok = 0;
            break;
        }
        s = kw_name_utf8(ctx, name, fi);
        if (s == NULL) {
            ok = 0;
        } else {
            char msg[ARGPARSE_MSG_MAX];
            for (j = 0; j < nkw; j++)
                if (keywords[j][0] != '\0' && strcmp(keywords[j], s) == 0)
                    break;
            if (j == nkw) {
                snprintf(msg, sizeof(msg), "got an unexpected keyword argument '%.200s'", s);
                arg_error(ctx, ctx->h_TypeError, fi, msg);
                ok = 0;
            } else if (j < nargs) {
                snprintf(msg, sizeof(msg), "got multiple values for argument '%.200s'", s);
                arg_error(ctx, ctx->h_TypeError, fi, msg);
                ok = 0;
            }
        }
        HPy_Close(ctx, name);
    }
    HPy_Close(ctx, names);
    return ok;
}

static int parse_with_keywords(HPyContext *ctx, HPyTracker *ht, const HPy *args,
                               size_t nargs, kw_source *src, const char *fmt,
                               const char *keywords[], va_list *va)
{
    const fmt_info fi = scan_format(fmt);
    const char *unit = fmt;
    int optional = 0, keyword_only = 0;
    size_t nkw = 0, i = 0;

    /* positional-only parameters ("" names) come first */
    while (keywords[nkw] != NULL && keywords[nkw][0] == '\0')
        nkw++;
    for (; keywords[nkw] != NULL; nkw++) {
        if (keywords[nkw][0] == '\0') {
            arg_error(ctx, ctx->h_SystemError, &fi, "empty keyword parameter name");
            return 0;
        }
    }

    if (ht != NULL) {
        *ht = HPyTracker_New(ctx, 0);
        if (HPy_IsNull(*ht))
            return 0;
    }

    src->count = 0;
    if (!HPy_IsNull(src->kw)) {
        src->count = HPy_Length(ctx, src->kw);
        if (src->count < 0) {
            if (!src->is_dict)
                arg_error(ctx, ctx->h_SystemError, &fi,
                          "could not retrieve length of keyword names tuple");
            goto fail;
        }
    }

    /* The order of the checks is HPy's: it decides which error a call with
       several faults reports. */
    while (unit < fi.units_end) {
        HPy arg = HPy_NULL;
        int from_kw = 0, r;

        if (*unit == '|') {
            optional = 1;
            unit++;
            continue;
        }
        if (*unit == '$') {
            optional = 1;
            keyword_only = 1;
            unit++;
            continue;
        }
        if (*unit == 'O' && ht == NULL) {
            arg_error(ctx, ctx->h_SystemError, &fi,
                      "HPyArg_ParseKeywords cannot use the format character 'O' unless"
                      " an HPyTracker is provided. Please supply an HPyTracker.");
            goto fail;
        }
        if (i >= nkw) {
            arg_error(ctx, ctx->h_TypeError, &fi, "mismatched args (too few keywords for fmt)");
            goto fail;
        }
        if (i < nargs) {
            if (keyword_only) {
                arg_error(ctx, ctx->h_TypeError, &fi,
                          "keyword only argument passed as positional argument");
                goto fail;
            }
            arg = args[i];
        } else if (keywords[i][0] != '\0') {
            /* a positional-only parameter is never looked up: passed by
               keyword it stays missing */
            r = kw_lookup(ctx, src, keywords[i], &fi, &arg);
            if (r < 0)
                goto fail;
            from_kw = r == 1;   /* a handle of ours, to close after conversion */
        }
        if (HPy_IsNull(arg) && !optional) {
            arg_error(ctx, ctx->h_TypeError, &fi, "no value for required argument");
            goto fail;
        }
        r = convert_unit(ctx, ht, arg, 1, &unit, va, &fi);
        if (from_kw)
            HPy_Close(ctx, arg);
        if (!r)
            goto fail;
        i++;
    }
    if (i != nkw) {
        arg_error(ctx, ctx->h_TypeError, &fi, "mismatched args (too many keywords for fmt)");
        goto fail;
    }
    if (nargs > i) {
        arg_error(ctx, ctx->h_TypeError, &fi, "mismatched args (too many arguments for fmt)");
        goto fail;
    }
    if (!kw_check_supplied(ctx, src, nargs, keywords, nkw, &fi))
        goto fail;
    return 1;

fail:
    if (ht != NULL)
        HPyTracker_Close(ctx, *ht);
    return 0;
}

HPyAPI_HELPER int
HPyArg_ParseKeywords(HPyContext *ctx, HPyTracker *ht, const HPy *args,
                     size_t nargs, HPy kwnames, const char *fmt,
                     const char *keywords[], ...)
{
    kw_source src;
    va_list va;
    int ok;

    src.is_dict = 0;
    src.kw = kwnames;
    src.values = args + nargs;
    src.count = 0;
    va_start(va, keywords);
    ok = parse_with_keywords(ctx, ht, args, nargs, &src, fmt, keywords, &va);
    va_end(va);
    return ok;
}

HPyAPI_HELPER int
HPyArg_ParseKeywordsDict(HPyContext *ctx, HPyTracker *ht, const HPy *args,
                         HPy_ssize_t nargs, HPy kw, const char *fmt,
                         const char *keywords[], ...)
{
    kw_source src;
    va_list va;
    int ok;

    src.is_dict = 1;
    src.kw = kw;
    src.values = NULL;
    src.count = 0;
    va_start(va, keywords);
    ok = parse_with_keywords(ctx, ht, args, nargs < 0 ? 0 : (size_t)nargs, &src,
                             fmt, keywords, &va);
    va_end(va);
    return ok;
}
