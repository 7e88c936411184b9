/* HPyUnicode_FromFormat, HPyUnicode_FromFormatV and HPyErr_Format.
 *
 * Units: %% %c[int code point] %d %i %u %x [int/unsigned]  with l, ll or z
 * length modifiers (%ld %li %lu %lld %lli %llu %zd %zi %zu), %s [const
 * char*, UTF-8], %p [void*, always "0x..."], and for handles %U (a str),
 * %S (str()), %R (repr()), %A (ascii()), %V [HPy, const char*] (the str, or
 * the C string when the handle is HPy_NULL).
 * Flags: %[0][width][.precision]unit. For numbers precision is the minimum
 * number of digits and '0' pads with zeros; for strings precision caps the
 * length (bytes for C strings, characters for handles) and width pads with
 * spaces on the left, counted in characters. Flags on %c/%p and '0' on
 * strings raise SystemError.
 */
#include "hpy.h"
#include <stdio.h>
#include <string.h>

typedef struct {
    char *data;
    size_t len, cap;
} fmt_buf;

static int buf_reserve(HPyContext *ctx, fmt_buf *b, size_t extra)
{
    size_t need = b->len + extra + 1;
    if (need > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        char *p;
        while (cap < need)
            cap *= 2;
        p = (char *)realloc(b->data, cap);
        if (p == NULL) {
            HPyErr_NoMemory(ctx);
            return 0;
        }
        b->data = p;
        b->cap = cap;
    }
    return 1;
}

static int buf_append(HPyContext *ctx, fmt_buf *b, const char *s, size_t n)
{
    if (!buf_reserve(ctx, b, n))
        return 0;
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 1;
}

static int buf_pad(HPyContext *ctx, fmt_buf *b, char c, size_t n)
{
    if (!buf_reserve(ctx, b, n))
        return 0;
    memset(b->data + b->len, c, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 1;
}

/* Byte length of the first max_chars UTF-8 characters of s[0..n). */
static size_t utf8_prefix(const char *s, size_t n, size_t max_chars)
{
    size_t i = 0, chars = 0;
    while (i < n) {
        if (((unsigned char)s[i] & 0xC0) != 0x80) {
            if (chars == max_chars)
                break;
            chars++;
        }
        i++;
    }
    return i;
}

static size_t utf8_chars(const char *s, size_t n)
{
    size_t i, chars = 0;
    for (i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            chars++;
    return chars;
}

/* Append a string honouring width/precision (precision in characters when
   prec_chars, else bytes). */
static int put_string(HPyContext *ctx, fmt_buf *b, const char *s, size_t n,
                      long width, long prec, int prec_chars)
{
    size_t chars;
    if (prec >= 0) {
        if (prec_chars)
            n = utf8_prefix(s, n, (size_t)prec);
        else if ((size_t)prec < n)
            n = (size_t)prec;
    }
    chars = utf8_chars(s, n);
    if (width > 0 && (size_t)width > chars && !buf_pad(ctx, b, ' ', (size_t)width - chars))
        return 0;
    return buf_append(ctx, b, s, n);
}

/* Append the text of a str handle. */
static int put_str_handle(HPyContext *ctx, fmt_buf *b, HPy s, long width, long prec)
{
    HPy_ssize_t n;
    const char *data = HPyUnicode_AsUTF8AndSize(ctx, s, &n);
    if (data == NULL)
        return 0;
    return put_string(ctx, b, data, (size_t)n, width, prec, 1);
}

/* UTF-8 encoding of one code point. */
static int put_codepoint(HPyContext *ctx, fmt_buf *b, int cp)
{
    char out[4];
    size_t n;
    if (cp < 0 || cp > 0x10FFFF) {
        HPyErr_SetString(ctx, ctx->h_OverflowError, "character argument not in range(0x110000)");
        return 0;
    }
    if (cp < 0x80) {
        out[0] = (char)cp; n = 1;
    } else if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F)); n = 2;
    } else if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F)); n = 3;
    } else {
        out[0] = (char)(0xF0 | (cp >> 18));
        out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[3] = (char)(0x80 | (cp & 0x3F)); n = 4;
    }
    return buf_append(ctx, b, out, n);
}

static HPy format_error(HPyContext *ctx, fmt_buf *b, const char *msg)
{
    free(b->data);
    if (msg != NULL)
        HPyErr_SetString(ctx, ctx->h_SystemError, msg);
    return HPy_NULL;
}

HPyAPI_HELPER HPy
HPyUnicode_FromFormatV(HPyContext *ctx, const char *format, va_list vargs)
{
    fmt_buf b = { NULL, 0, 0 };
    const char *f = format;
    const char *errmsg = NULL;   /* SystemError text for the fail path */
    va_list va;
    HPy result;

    va_copy(va, vargs);
    if (!buf_reserve(ctx, &b, strlen(format))) {
        va_end(va);
        return HPy_NULL;
    }
    while (*f) {
        const char *start;
        int zero = 0, lmod = 0; /* lmod: 1 = l, 2 = ll, 3 = z */
        long width = -1, prec = -1;
        char unit;

        if (*f != '%') {
            const char *run = f;
            while (*f && *f != '%')
                f++;
            if (!buf_append(ctx, &b, run, (size_t)(f - run)))
                goto fail;
            continue;
        }
        start = f++;
        if (*f == '%') {
            f++;
            if (!buf_append(ctx, &b, "%", 1))
                goto fail;
            continue;
        }
        if (*f == '0') {
            zero = 1;
            f++;
        }
        if (*f >= '0' && *f <= '9') {
            width = 0;
            while (*f >= '0' && *f <= '9')
                width = width * 10 + (*f++ - '0');
        }
        if (*f == '.') {
            f++;
            prec = 0;
            while (*f >= '0' && *f <= '9')
                prec = prec * 10 + (*f++ - '0');
        }
        if (f[0] == 'l' && f[1] == 'l') { lmod = 2; f += 2; }
        else if (*f == 'l') { lmod = 1; f++; }
        else if (*f == 'z') { lmod = 3; f++; }
        unit = *f++;

        switch (unit) {
        case 'd': case 'i': case 'u': case 'x': {
            /* reuse printf: its precision/'0' rules match the spec */
            char spec[32], num[128];
            const char *mod = lmod == 1 ? "l" : lmod == 2 ? "ll" : lmod == 3 ? "z" : "";
            int n;
            if (unit == 'x' && lmod != 0)
                goto bad_unit;
            snprintf(spec, sizeof(spec), "%%%s%s%s%s%c", zero ? "0" : "",
                     width >= 0 ? "*" : "", prec >= 0 ? ".*" : "", mod, unit);
            /* the argument type depends on the length modifier */
#define FMT_NUM(T) do {                                                        \
                T v = va_arg(va, T);                                           \
                if (width >= 0 && prec >= 0) n = snprintf(num, sizeof(num), spec, (int)width, (int)prec, v); \
                else if (width >= 0) n = snprintf(num, sizeof(num), spec, (int)width, v); \
                else if (prec >= 0) n = snprintf(num, sizeof(num), spec, (int)prec, v);   \
                else n = snprintf(num, sizeof(num), spec, v);                  \
            } while (0)
            if (unit == 'u') {
                if (lmod == 1) FMT_NUM(unsigned long);
                else if (lmod == 2) FMT_NUM(unsigned long long);
                else if (lmod == 3) FMT_NUM(size_t);
                else FMT_NUM(unsigned int);
            } else if (unit == 'x') {
                FMT_NUM(unsigned int);
            } else {
                if (lmod == 1) FMT_NUM(long);
                else if (lmod == 2) FMT_NUM(long long);
                else if (lmod == 3) FMT_NUM(HPy_ssize_t);
                else FMT_NUM(int);
            }
#undef FMT_NUM
            if (n < 0 || (size_t)n >= sizeof(num))
                { errmsg = "numeric field too wide in format string"; goto fail; }
            if (!buf_append(ctx, &b, num, (size_t)n))
                goto fail;
            break;
        }
        case 'c':
            if (zero || width >= 0 || prec >= 0 || lmod)
                goto bad_flags;
            if (!put_codepoint(ctx, &b, va_arg(va, int)))
                goto fail;
            break;
        case 'p': {
            char num[64];
            int n;
            if (zero || width >= 0 || prec >= 0 || lmod)
                goto bad_flags;
            n = snprintf(num, sizeof(num), "%p", va_arg(va, void *));
            if (n < 0)
                n = 0;
            /* platforms disagree on the prefix; always emit exactly one 0x */
            if (!(num[0] == '0' && (num[1] == 'x' || num[1] == 'X'))) {
                if (!buf_append(ctx, &b, "0x", 2))
                    goto fail;
            }
            if (!buf_append(ctx, &b, num, (size_t)n))
                goto fail;
            break;
        }
        case 's': {
            const char *s = va_arg(va, const char *);
            if (zero || lmod)
                goto bad_flags;
            if (s == NULL)
                s = "(null)";
            if (!put_string(ctx, &b, s, strlen(s), width, prec, 0))
                goto fail;
            break;
        }
        case 'U': case 'S': case 'R': case 'A': case 'V': {
            HPy h = va_arg(va, HPy);
            const char *fallback = (unit == 'V') ? va_arg(va, const char *) : NULL;
            HPy text;
            int ok;
            if (zero || lmod)
                goto bad_flags;
            if (unit == 'V' && HPy_IsNull(h)) {
                if (fallback == NULL)
                    { errmsg = "%V with HPy_NULL needs a C string"; goto fail; }
                if (!put_string(ctx, &b, fallback, strlen(fallback), width, prec, 0))
                    goto fail;
                break;
            }
            if (HPy_IsNull(h))
                { errmsg = "HPy_NULL passed to HPyUnicode_FromFormat"; goto fail; }
            if (unit == 'S')
                text = HPy_Str(ctx, h);
            else if (unit == 'R')
                text = HPy_Repr(ctx, h);
            else if (unit == 'A')
                text = HPy_ASCII(ctx, h);
            else
                text = HPy_Dup(ctx, h);
            if (HPy_IsNull(text))
                goto fail;
            ok = put_str_handle(ctx, &b, text, width, prec);
            HPy_Close(ctx, text);
            if (!ok)
                goto fail;
            break;
        }
        default:
            goto bad_unit;
        }
        continue;

bad_flags:
        {
            char msg[128];
            snprintf(msg, sizeof(msg), "unsupported flags for format unit '%.*s'",
                     (int)(f - start), start);
            va_end(va);
            return format_error(ctx, &b, msg);
        }
bad_unit:
        {
            char msg[128];
            snprintf(msg, sizeof(msg), "invalid format string: unsupported unit '%.*s'",
                     (int)(f - start), start);
            va_end(va);
            return format_error(ctx, &b, msg);
        }
    }
    va_end(va);
    result = HPyUnicode_FromString(ctx, b.data);
    free(b.data);
    return result;

fail:
    va_end(va);
    return format_error(ctx, &b, errmsg);
}

HPyAPI_HELPER HPy
HPyUnicode_FromFormat(HPyContext *ctx, const char *fmt, ...)
{
    va_list va;
    HPy result;
    va_start(va, fmt);
    result = HPyUnicode_FromFormatV(ctx, fmt, va);
    va_end(va);
    return result;
}

HPyAPI_HELPER HPy
HPyErr_Format(HPyContext *ctx, HPy h_type, const char *fmt, ...)
{
    va_list va;
    HPy message;
    va_start(va, fmt);
    message = HPyUnicode_FromFormatV(ctx, fmt, va);
    va_end(va);
    if (!HPy_IsNull(message)) {
        HPyErr_SetObject(ctx, h_type, message);
        HPy_Close(ctx, message);
    }
    return HPy_NULL;
}
