/* HPyUnicode_FromFormat, HPyUnicode_FromFormatV and HPyErr_Format.
 *
 * Units: %% %c [int code point] %d %i %u [int/unsigned] with l, ll or z
 * length modifiers (%ld %li %lu %lld %lli %llu %zd %zi %zu), %x [int, as
 * unsigned hex], %s [const char*, UTF-8], %p [void*, always "0x..."], and
 * for handles %U (a str), %S (str()), %R (repr()), %A (ascii()), %V [HPy,
 * const char*] (the str, or the C string when the handle is HPy_NULL).
 *
 * Options: %[0][width][.precision]unit, as HPy defines them (not quite C's):
 * - numbers: precision is the minimum number of digits; width pads on the
 *   left, with spaces, or with zeros after the sign when '0' is given, even
 *   together with a precision; "%.0d" of 0 is "0".
 * - strings: precision caps the length (bytes for C strings, characters for
 *   handles), width pads with spaces on the left, counted in characters.
 * - %c and %p take no options; '0' is refused on every non-number (all
 *   SystemError). A width or precision beyond HPy_ssize_t is a ValueError.
 * The text between units must be ASCII (ValueError otherwise); anything
 * else after a '%', '%%' with options included, is SystemError "invalid
 * format string".
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
        while (cap < need && cap <= ((size_t)-1) / 2)
            cap *= 2;
        if (cap < need)
            cap = need;
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
                      HPy_ssize_t width, HPy_ssize_t prec, int prec_chars)
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
static int put_str_handle(HPyContext *ctx, fmt_buf *b, HPy s, HPy_ssize_t width,
                          HPy_ssize_t prec)
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

/* Append a number printed without options (text: optional '-', digits),
   padded as described at the top. */
static int put_number(HPyContext *ctx, fmt_buf *b, const char *text, int zero,
                      HPy_ssize_t width, HPy_ssize_t prec)
{
    size_t neg = text[0] == '-', ndigits = strlen(text) - neg;
    size_t digits = prec > 0 && (size_t)prec > ndigits ? (size_t)prec : ndigits;
    size_t fill = width > 0 && (size_t)width > digits + neg ? (size_t)width - digits - neg : 0;

    if (!buf_reserve(ctx, b, fill + neg + digits))
        return 0;
    if (!zero && !buf_pad(ctx, b, ' ', fill))
        return 0;
    if (neg && !buf_append(ctx, b, "-", 1))
        return 0;
    if (zero && !buf_pad(ctx, b, '0', fill))
        return 0;
    if (!buf_pad(ctx, b, '0', digits - ndigits))
        return 0;
    return buf_append(ctx, b, text + neg, ndigits);
}

enum { LEN_NONE, LEN_L, LEN_LL, LEN_Z };

/* What follows a '%' (other than a second '%'). */
typedef struct {
    int zero;
    HPy_ssize_t width, prec;    /* -1 when not given */
    int len;                    /* LEN_*; only ever set before d, i or u */
    char unit;                  /* '\0' when the format ends first */
} fmt_spec;

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int is_int_unit(char c)
{
    return c == 'd' || c == 'i' || c == 'u';
}

/* Digits at *f into *out; 0 with a ValueError naming `what` on overflow. */
static int read_count(HPyContext *ctx, const char **f, HPy_ssize_t *out, const char *what)
{
    HPy_ssize_t v = 0;
    for (; is_digit(**f); (*f)++) {
        int d = **f - '0';
        if (v > (HPY_SSIZE_T_MAX - d) / 10) {
            HPyErr_SetString(ctx, ctx->h_ValueError, what);
            return 0;
        }
        v = v * 10 + d;
    }
    *out = v;
    return 1;
}

/* Parse the spec at f (just past the '%'). Returns the position after the
   unit (or at the terminating NUL), or NULL with an exception. */
static const char *parse_spec(HPyContext *ctx, const char *f, fmt_spec *sp)
{
    sp->zero = 0;
    sp->width = sp->prec = -1;
    sp->len = LEN_NONE;
    if (*f == '0') {
        sp->zero = 1;
        f++;
    }
    if (is_digit(*f) && !read_count(ctx, &f, &sp->width, "width too big"))
        return NULL;
    if (*f == '.') {
        f++;
        if (is_digit(*f) && !read_count(ctx, &f, &sp->prec, "precision too big"))
            return NULL;
    }
    /* a length modifier exists only before d, i and u: "%lx" or "%ls" are
       invalid units 'l' */
    if (f[0] == 'l' && is_int_unit(f[1])) {
        sp->len = LEN_L;
        f += 1;
    } else if (f[0] == 'l' && f[1] == 'l' && is_int_unit(f[2])) {
        sp->len = LEN_LL;
        f += 2;
    } else if (f[0] == 'z' && is_int_unit(f[1])) {
        sp->len = LEN_Z;
        f += 1;
    }
    sp->unit = *f;
    return *f != '\0' ? f + 1 : f;
}

static void unit_error(HPyContext *ctx, char unit, const char *what)
{
    char msg[128];
    snprintf(msg, sizeof(msg), "formatting unit '%%%c' %s", unit, what);
    HPyErr_SetString(ctx, ctx->h_SystemError, msg);
}

/* Format one spec, taking its arguments from va. 0 with an exception on
   failure. */
static int format_unit(HPyContext *ctx, fmt_buf *b, const fmt_spec *sp, va_list *va)
{
    char num[96];

    if (sp->zero && strchr("sUVSRApc", sp->unit) != NULL && sp->unit != '\0') {
        unit_error(ctx, sp->unit, "does not support 0-padding");
        return 0;
    }
    switch (sp->unit) {
    case 'd': case 'i':
        if (sp->len == LEN_L)
            snprintf(num, sizeof(num), "%ld", va_arg(*va, long));
        else if (sp->len == LEN_LL)
            snprintf(num, sizeof(num), "%lld", va_arg(*va, long long));
        else if (sp->len == LEN_Z)
            snprintf(num, sizeof(num), "%lld", (long long)va_arg(*va, HPy_ssize_t));
        else
            snprintf(num, sizeof(num), "%d", va_arg(*va, int));
        return put_number(ctx, b, num, sp->zero, sp->width, sp->prec);
    case 'u':
        if (sp->len == LEN_L)
            snprintf(num, sizeof(num), "%lu", va_arg(*va, unsigned long));
        else if (sp->len == LEN_LL)
            snprintf(num, sizeof(num), "%llu", va_arg(*va, unsigned long long));
        else if (sp->len == LEN_Z)
            snprintf(num, sizeof(num), "%llu", (unsigned long long)va_arg(*va, size_t));
        else
            snprintf(num, sizeof(num), "%u", va_arg(*va, unsigned int));
        return put_number(ctx, b, num, sp->zero, sp->width, sp->prec);
    case 'x':
        snprintf(num, sizeof(num), "%x", va_arg(*va, unsigned int));
        return put_number(ctx, b, num, sp->zero, sp->width, sp->prec);
    case 'c':
        if (sp->width >= 0 || sp->prec >= 0) {
            unit_error(ctx, 'c', "does not support width nor precision");
            return 0;
        }
        return put_codepoint(ctx, b, va_arg(*va, int));
    case 'p': {
        int n;
        if (sp->width >= 0 || sp->prec >= 0) {
            unit_error(ctx, 'p', "does not support width nor precision");
            return 0;
        }
        n = snprintf(num, sizeof(num), "%p", va_arg(*va, void *));
        if (n < 0)
            n = 0;
        /* platforms disagree on the prefix; always emit exactly one 0x */
        if (!(num[0] == '0' && (num[1] == 'x' || num[1] == 'X'))) {
            if (!buf_append(ctx, b, "0x", 2))
                return 0;
        } else {
            num[1] = 'x';
        }
        return buf_append(ctx, b, num, (size_t)n);
    }
    case 's': {
        const char *s = va_arg(*va, const char *);
        if (s == NULL) {
            HPyErr_SetString(ctx, ctx->h_SystemError,
                             "null c string passed as value for formatting unit '%s'");
            return 0;
        }
        return put_string(ctx, b, s, strlen(s), sp->width, sp->prec, 0);
    }
    case 'U': case 'V': case 'S': case 'R': case 'A': {
        HPy h = va_arg(*va, HPy);
        const char *fallback = sp->unit == 'V' ? va_arg(*va, const char *) : NULL;
        HPy text;
        int ok;
        if (HPy_IsNull(h)) {
            if (sp->unit == 'V' && fallback != NULL)
                return put_string(ctx, b, fallback, strlen(fallback), sp->width, sp->prec, 0);
            snprintf(num, sizeof(num), "%s passed as value for formatting unit '%%%c'",
                     sp->unit == 'V' ? "HPy_NULL and a null c string" : "HPy_NULL",
                     sp->unit);
            HPyErr_SetString(ctx, ctx->h_SystemError, num);
            return 0;
        }
        if (sp->unit == 'S')
            text = HPy_Str(ctx, h);
        else if (sp->unit == 'R')
            text = HPy_Repr(ctx, h);
        else if (sp->unit == 'A')
            text = HPy_ASCII(ctx, h);
        else
            text = HPy_Dup(ctx, h);
        if (HPy_IsNull(text))
            return 0;
        ok = put_str_handle(ctx, b, text, sp->width, sp->prec);
        HPy_Close(ctx, text);
        return ok;
    }
    default:
        HPyErr_SetString(ctx, ctx->h_SystemError, "invalid format string");
        return 0;
    }
}

HPyAPI_HELPER HPy
HPyUnicode_FromFormatV(HPyContext *ctx, const char *format, va_list vargs)
{
    fmt_buf b = { NULL, 0, 0 };
    const char *f = format;
    va_list va;
    HPy result;

    va_copy(va, vargs);
    if (!buf_reserve(ctx, &b, strlen(format)))
        goto fail;
    while (*f) {
        fmt_spec sp;
        if (*f != '%') {
            const char *run = f;
            for (; *f && *f != '%'; f++) {
                if ((unsigned char)*f > 127) {
                    HPyErr_Format(ctx, ctx->h_ValueError,
                                  "expected an ASCII-encoded format string, got a "
                                  "non-ASCII byte: 0x%02x", (unsigned)(unsigned char)*f);
                    goto fail;
                }
            }
            if (!buf_append(ctx, &b, run, (size_t)(f - run)))
                goto fail;
            continue;
        }
        f++;
        if (*f == '%') {
            f++;
            if (!buf_append(ctx, &b, "%", 1))
                goto fail;
            continue;
        }
        f = parse_spec(ctx, f, &sp);
        if (f == NULL || !format_unit(ctx, &b, &sp, &va))
            goto fail;
    }
    va_end(va);
    result = HPyUnicode_FromString(ctx, b.data);
    free(b.data);
    return result;

fail:
    va_end(va);
    free(b.data);
    return HPy_NULL;
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
