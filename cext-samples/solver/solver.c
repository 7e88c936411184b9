/* solver: a small linear-constraint modelling library, written the way real HPy extensions are
 * (it is the realistic workload of the benchmark, see bench/realistic.py).
 *   Variable(name="", value=0.0)    a named value
 *   Term(variable, coefficient=1.0) coefficient * variable
 *   Expression(terms, constant=0.0) sum of terms plus a constant (terms: a tuple of Term)
 *   Constraint(expression, op="==", strength="required")
 *                                   expression OP 0, also made by comparing expressions
 * Python operators build the graph: v * 2.0 is a Term, t + t an Expression, e <= v a Constraint,
 * c | "strong" the same Constraint with another strength.
 * Every object holds the objects it refers to in HPyFields and supports the GC; the module keeps
 * its types in HPyGlobals and checks arguments against them with HPy_TypeCheck. Text arrives as
 * real extensions take it: a Variable keeps a C copy of its name (read with
 * HPyUnicode_AsUTF8AndSize, or HPyBytes_AsString for a bytes name), and operators and strengths
 * are strings compared in C (HPyUnicode_AsUTF8AndSize, HPyBytes_AS_STRING for bytes). */
#include <stdlib.h>
#include <string.h>
#include "hpy.h"

typedef struct { HPyField name; double value; char *label; HPy_ssize_t label_size; } Variable;
typedef struct { HPyField variable; double coefficient; } Term;
typedef struct { HPyField terms; double constant; } Expression;
typedef struct { HPyField expression; int op; double strength; } Constraint;

HPyType_HELPERS(Variable)
HPyType_HELPERS(Term)
HPyType_HELPERS(Expression)
HPyType_HELPERS(Constraint)

static HPyGlobal g_Variable, g_Term, g_Expression, g_Constraint;

/* 1 if h is an instance of the type kept in global g, 0 if not. */
static int is_a(HPyContext *ctx, HPy h, HPyGlobal g)
{
    HPy type = HPyGlobal_Load(ctx, g);
    int res = HPy_TypeCheck(ctx, h, type);
    HPy_Close(ctx, type);
    return res;
}

static HPy new_term(HPyContext *ctx, HPy variable, double coefficient)
{
    HPy type = HPyGlobal_Load(ctx, g_Term);
    Term *t;
    HPy h = HPy_New(ctx, type, &t);
    HPy_Close(ctx, type);
    if (HPy_IsNull(h))
        return HPy_NULL;
    HPyField_Store(ctx, h, &t->variable, variable);
    t->coefficient = coefficient;
    return h;
}

static HPy new_expression(HPyContext *ctx, HPy terms, double constant)
{
    HPy type = HPyGlobal_Load(ctx, g_Expression);
    Expression *e;
    HPy h = HPy_New(ctx, type, &e);
    HPy_Close(ctx, type);
    if (HPy_IsNull(h))
        return HPy_NULL;
    HPyField_Store(ctx, h, &e->terms, terms);
    e->constant = constant;
    return h;
}

/* Any operand as an Expression (new reference): Expression, Term, Variable or a number. */
static HPy as_expression(HPyContext *ctx, HPy x)
{
    if (is_a(ctx, x, g_Expression))
        return HPy_Dup(ctx, x);
    HPy term;
    if (is_a(ctx, x, g_Term)) {
        term = HPy_Dup(ctx, x);
    } else if (is_a(ctx, x, g_Variable)) {
        term = new_term(ctx, x, 1.0);
    } else {
        double c = HPyFloat_AsDouble(ctx, x);
        if (c == -1.0 && HPyErr_Occurred(ctx))
            return HPy_NULL;
        HPy empty = HPyTuple_FromArray(ctx, NULL, 0);
        HPy e = new_expression(ctx, empty, c);
        HPy_Close(ctx, empty);
        return e;
    }
    if (HPy_IsNull(term))
        return HPy_NULL;
    HPy terms = HPyTuple_FromArray(ctx, &term, 1);
    HPy_Close(ctx, term);
    if (HPy_IsNull(terms))
        return HPy_NULL;
    HPy e = new_expression(ctx, terms, 0.0);
    HPy_Close(ctx, terms);
    return e;
}

/* a + b * sign for two Expressions: their terms concatenated (b's scaled), constants summed. */
static HPy combine(HPyContext *ctx, HPy a, HPy b, double sign)
{
    Expression *ea = Expression_AsStruct(ctx, a), *eb = Expression_AsStruct(ctx, b);
    HPy ta = HPyField_Load(ctx, a, ea->terms), tb = HPyField_Load(ctx, b, eb->terms);
    HPy_ssize_t na = HPy_Length(ctx, ta), nb = HPy_Length(ctx, tb);
    HPy result = HPy_NULL;
    HPyTupleBuilder builder = HPyTupleBuilder_New(ctx, na + nb);
    for (HPy_ssize_t i = 0; i < na; i++) {
        HPy t = HPy_GetItem_i(ctx, ta, i);
        HPyTupleBuilder_Set(ctx, builder, i, t);
        HPy_Close(ctx, t);
    }
    for (HPy_ssize_t i = 0; i < nb; i++) {
        HPy t = HPy_GetItem_i(ctx, tb, i);
        if (sign != 1.0) {
            Term *term = Term_AsStruct(ctx, t);
            HPy var = HPyField_Load(ctx, t, term->variable);
            HPy scaled = new_term(ctx, var, term->coefficient * sign);
            HPy_Close(ctx, var);
            HPy_Close(ctx, t);
            if (HPy_IsNull(scaled)) {
                HPyTupleBuilder_Cancel(ctx, builder);
                goto done;
            }
            t = scaled;
        }
        HPyTupleBuilder_Set(ctx, builder, na + i, t);
        HPy_Close(ctx, t);
    }
    HPy terms = HPyTupleBuilder_Build(ctx, builder);
    if (!HPy_IsNull(terms)) {
        result = new_expression(ctx, terms, ea->constant + sign * eb->constant);
        HPy_Close(ctx, terms);
    }
done:
    HPy_Close(ctx, ta);
    HPy_Close(ctx, tb);
    return result;
}

/* The shared number protocol: +, - and * of any two operands (one at least ours). */
static HPy add_sub(HPyContext *ctx, HPy x, HPy y, double sign)
{
    HPy a = as_expression(ctx, x);
    if (HPy_IsNull(a))
        goto not_implemented;
    HPy b = as_expression(ctx, y);
    if (HPy_IsNull(b)) {
        HPy_Close(ctx, a);
        goto not_implemented;
    }
    HPy r = combine(ctx, a, b, sign);
    HPy_Close(ctx, a);
    HPy_Close(ctx, b);
    return r;
not_implemented:
    HPyErr_Clear(ctx);
    return HPy_Dup(ctx, ctx->h_NotImplemented);
}

static HPy multiply(HPyContext *ctx, HPy x, HPy y)
{
    HPy thing = x, number = y;
    if (HPyNumber_Check(ctx, x) && !is_a(ctx, x, g_Variable) && !is_a(ctx, x, g_Term) && !is_a(ctx, x, g_Expression)) {
        thing = y;
        number = x;
    }
    double k = HPyFloat_AsDouble(ctx, number);
    if (k == -1.0 && HPyErr_Occurred(ctx)) {
        HPyErr_Clear(ctx);
        return HPy_Dup(ctx, ctx->h_NotImplemented);
    }
    if (is_a(ctx, thing, g_Variable))
        return new_term(ctx, thing, k);
    if (is_a(ctx, thing, g_Term)) {
        Term *t = Term_AsStruct(ctx, thing);
        HPy var = HPyField_Load(ctx, thing, t->variable);
        HPy r = new_term(ctx, var, t->coefficient * k);
        HPy_Close(ctx, var);
        return r;
    }
    if (is_a(ctx, thing, g_Expression)) {
        HPy empty = HPyTuple_FromArray(ctx, NULL, 0);
        HPy base = new_expression(ctx, empty, 0.0);
        HPy_Close(ctx, empty);
        if (HPy_IsNull(base))
            return HPy_NULL;
        HPy r = combine(ctx, base, thing, k);
        HPy_Close(ctx, base);
        return r;
    }
    return HPy_Dup(ctx, ctx->h_NotImplemented);
}

#define NUMBER_SLOTS(T)                                                                       \
    HPyDef_SLOT(T##_add, HPy_nb_add)                                                          \
    static HPy T##_add_impl(HPyContext *ctx, HPy x, HPy y) { return add_sub(ctx, x, y, 1.0); } \
    HPyDef_SLOT(T##_sub, HPy_nb_subtract)                                                     \
    static HPy T##_sub_impl(HPyContext *ctx, HPy x, HPy y) { return add_sub(ctx, x, y, -1.0); } \
    HPyDef_SLOT(T##_mul, HPy_nb_multiply)                                                     \
    static HPy T##_mul_impl(HPyContext *ctx, HPy x, HPy y) { return multiply(ctx, x, y); }

NUMBER_SLOTS(Variable)
NUMBER_SLOTS(Term)
NUMBER_SLOTS(Expression)

/* ---- Variable ---- */

HPyDef_SLOT(Variable_new, HPy_tp_new)
static HPy Variable_new_impl(HPyContext *ctx, HPy cls, const HPy *args, HPy_ssize_t nargs, HPy kw)
{
    static const char *kwlist[] = { "name", "value", NULL };
    HPy name = HPy_NULL;
    double value = 0.0;
    HPyTracker ht;
    if (!HPyArg_ParseKeywordsDict(ctx, &ht, args, nargs, kw, "|Od:Variable", kwlist, &name, &value))
        return HPy_NULL;
    /* a str or bytes name is also kept as C text, the way a C++ solver keeps a std::string */
    const char *text = NULL;
    HPy_ssize_t size = 0;
    if (!HPy_IsNull(name) && HPyUnicode_Check(ctx, name)) {
        text = HPyUnicode_AsUTF8AndSize(ctx, name, &size);
    } else if (!HPy_IsNull(name) && HPyBytes_Check(ctx, name)) {
        text = HPyBytes_AsString(ctx, name);
        size = HPyBytes_Size(ctx, name);
    }
    if (!HPy_IsNull(name) && text == NULL && HPyErr_Occurred(ctx)) {
        HPyTracker_Close(ctx, ht);
        return HPy_NULL;
    }
    char *label = malloc((size_t)size + 1);
    if (label == NULL) {
        HPyTracker_Close(ctx, ht);
        return HPyErr_NoMemory(ctx);
    }
    if (text != NULL)
        memcpy(label, text, (size_t)size);
    label[size] = '\0';
    Variable *v;
    HPy h = HPy_New(ctx, cls, &v);
    if (!HPy_IsNull(h)) {
        HPy n = HPy_IsNull(name) ? HPyUnicode_FromString(ctx, "") : HPy_Dup(ctx, name);
        HPyField_Store(ctx, h, &v->name, n);
        HPy_Close(ctx, n);
        v->value = value;
        v->label = label;
        v->label_size = size;
    } else {
        free(label);
    }
    HPyTracker_Close(ctx, ht);
    return h;
}

HPyDef_SLOT(Variable_destroy, HPy_tp_destroy)
static void Variable_destroy_impl(void *self)
{
    free(((Variable *)self)->label);
}

HPyDef_METH(Variable_label, "label", HPyFunc_NOARGS,
            .doc = "The name as the C text kept of it ('' unless the name is a str or bytes).")
static HPy Variable_label_impl(HPyContext *ctx, HPy self)
{
    Variable *v = Variable_AsStruct(ctx, self);
    return HPyUnicode_FromString(ctx, v->label != NULL ? v->label : "");
}

HPyDef_SLOT(Variable_traverse, HPy_tp_traverse)
static int Variable_traverse_impl(void *self, HPyFunc_visitproc visit, void *arg)
{
    HPy_VISIT(&((Variable *)self)->name);
    return 0;
}

HPyDef_METH(Variable_value, "value", HPyFunc_NOARGS, .doc = "The value.")
static HPy Variable_value_impl(HPyContext *ctx, HPy self)
{
    return HPyFloat_FromDouble(ctx, Variable_AsStruct(ctx, self)->value);
}

HPyDef_METH(Variable_setValue, "setValue", HPyFunc_VARARGS,
            .doc = "setValue($self, value, /)\n--\n\nSet the value.")
static HPy Variable_setValue_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    double value;
    if (!HPyArg_Parse(ctx, NULL, args, nargs, "d:setValue", &value))
        return HPy_NULL;
    Variable_AsStruct(ctx, self)->value = value;
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(Variable_name, "name", HPyFunc_NOARGS)
static HPy Variable_name_impl(HPyContext *ctx, HPy self)
{
    return HPyField_Load(ctx, self, Variable_AsStruct(ctx, self)->name);
}

static HPyDef *Variable_defines[] = {
    &Variable_new, &Variable_destroy, &Variable_traverse, &Variable_value, &Variable_setValue,
    &Variable_name, &Variable_label, &Variable_add, &Variable_sub, &Variable_mul, NULL
};
static HPyType_Spec Variable_spec = {
    .name = "solver.Variable", .basicsize = sizeof(Variable),
    .flags = HPy_TPFLAGS_DEFAULT | HPy_TPFLAGS_HAVE_GC, .defines = Variable_defines,
};

/* ---- Term ---- */

HPyDef_SLOT(Term_new, HPy_tp_new)
static HPy Term_new_impl(HPyContext *ctx, HPy cls, const HPy *args, HPy_ssize_t nargs, HPy kw)
{
    static const char *kwlist[] = { "variable", "coefficient", NULL };
    HPy variable, result = HPy_NULL;
    double coefficient = 1.0;
    HPyTracker ht;
    if (!HPyArg_ParseKeywordsDict(ctx, &ht, args, nargs, kw, "O|d:Term", kwlist, &variable, &coefficient))
        return HPy_NULL;
    if (is_a(ctx, variable, g_Variable))
        result = new_term(ctx, variable, coefficient);
    else
        HPyErr_SetString(ctx, ctx->h_TypeError, "Term: variable must be a Variable");
    HPyTracker_Close(ctx, ht);
    return result;
}

HPyDef_SLOT(Term_traverse, HPy_tp_traverse)
static int Term_traverse_impl(void *self, HPyFunc_visitproc visit, void *arg)
{
    HPy_VISIT(&((Term *)self)->variable);
    return 0;
}

static double term_value(HPyContext *ctx, HPy h)
{
    Term *t = Term_AsStruct(ctx, h);
    HPy var = HPyField_Load(ctx, h, t->variable);
    double v = t->coefficient * Variable_AsStruct(ctx, var)->value;
    HPy_Close(ctx, var);
    return v;
}

HPyDef_METH(Term_value, "value", HPyFunc_NOARGS)
static HPy Term_value_impl(HPyContext *ctx, HPy self)
{
    return HPyFloat_FromDouble(ctx, term_value(ctx, self));
}

HPyDef_METH(Term_variable, "variable", HPyFunc_NOARGS)
static HPy Term_variable_impl(HPyContext *ctx, HPy self)
{
    return HPyField_Load(ctx, self, Term_AsStruct(ctx, self)->variable);
}

HPyDef_METH(Term_coefficient, "coefficient", HPyFunc_NOARGS)
static HPy Term_coefficient_impl(HPyContext *ctx, HPy self)
{
    return HPyFloat_FromDouble(ctx, Term_AsStruct(ctx, self)->coefficient);
}

static HPyDef *Term_defines[] = {
    &Term_new, &Term_traverse, &Term_value, &Term_variable, &Term_coefficient,
    &Term_add, &Term_sub, &Term_mul, NULL
};
static HPyType_Spec Term_spec = {
    .name = "solver.Term", .basicsize = sizeof(Term),
    .flags = HPy_TPFLAGS_DEFAULT | HPy_TPFLAGS_HAVE_GC, .defines = Term_defines,
};

/* ---- Expression ---- */

HPyDef_SLOT(Expression_new, HPy_tp_new)
static HPy Expression_new_impl(HPyContext *ctx, HPy cls, const HPy *args, HPy_ssize_t nargs, HPy kw)
{
    static const char *kwlist[] = { "terms", "constant", NULL };
    HPy terms, result = HPy_NULL;
    double constant = 0.0;
    HPyTracker ht;
    if (!HPyArg_ParseKeywordsDict(ctx, &ht, args, nargs, kw, "O|d:Expression", kwlist, &terms, &constant))
        return HPy_NULL;
    int ok = HPyTuple_Check(ctx, terms);
    HPy_ssize_t n = ok ? HPy_Length(ctx, terms) : 0;
    for (HPy_ssize_t i = 0; ok && i < n; i++) {
        HPy t = HPy_GetItem_i(ctx, terms, i);
        ok = is_a(ctx, t, g_Term);
        HPy_Close(ctx, t);
    }
    if (ok)
        result = new_expression(ctx, terms, constant);
    else
        HPyErr_SetString(ctx, ctx->h_TypeError, "Expression: terms must be a tuple of Term");
    HPyTracker_Close(ctx, ht);
    return result;
}

HPyDef_SLOT(Expression_traverse, HPy_tp_traverse)
static int Expression_traverse_impl(void *self, HPyFunc_visitproc visit, void *arg)
{
    HPy_VISIT(&((Expression *)self)->terms);
    return 0;
}

static int expression_value(HPyContext *ctx, HPy h, double *out)
{
    Expression *e = Expression_AsStruct(ctx, h);
    HPy terms = HPyField_Load(ctx, h, e->terms);
    HPy_ssize_t n = HPy_Length(ctx, terms);
    double sum = e->constant;
    for (HPy_ssize_t i = 0; i < n; i++) {
        HPy t = HPy_GetItem_i(ctx, terms, i);
        if (HPy_IsNull(t)) {
            HPy_Close(ctx, terms);
            return -1;
        }
        sum += term_value(ctx, t);
        HPy_Close(ctx, t);
    }
    HPy_Close(ctx, terms);
    *out = sum;
    return 0;
}

HPyDef_METH(Expression_value, "value", HPyFunc_NOARGS)
static HPy Expression_value_impl(HPyContext *ctx, HPy self)
{
    double v;
    if (expression_value(ctx, self, &v) < 0)
        return HPy_NULL;
    return HPyFloat_FromDouble(ctx, v);
}

HPyDef_METH(Expression_terms, "terms", HPyFunc_NOARGS)
static HPy Expression_terms_impl(HPyContext *ctx, HPy self)
{
    return HPyField_Load(ctx, self, Expression_AsStruct(ctx, self)->terms);
}

HPyDef_METH(Expression_constant, "constant", HPyFunc_NOARGS)
static HPy Expression_constant_impl(HPyContext *ctx, HPy self)
{
    return HPyFloat_FromDouble(ctx, Expression_AsStruct(ctx, self)->constant);
}

/* Strengths as a constraint solver names them (a number is taken as it is). */
static const struct { const char *name; double value; } strengths[] = {
    { "required", 1001001000.0 }, { "strong", 1000000.0 }, { "medium", 1000.0 }, { "weak", 1.0 },
};
#define REQUIRED 1001001000.0

/* A strength given as a name (str or bytes, compared in C) or a number; -1 with an error set. */
static int strength_of(HPyContext *ctx, HPy x, double *out)
{
    const char *s;
    HPy_ssize_t n;
    if (HPyUnicode_Check(ctx, x)) {
        s = HPyUnicode_AsUTF8AndSize(ctx, x, &n);
    } else if (HPyBytes_Check(ctx, x)) {
        s = HPyBytes_AS_STRING(ctx, x);
        n = HPyBytes_GET_SIZE(ctx, x);
    } else {
        double d = HPyFloat_AsDouble(ctx, x);
        if (d == -1.0 && HPyErr_Occurred(ctx))
            return -1;
        *out = d < 0.0 ? 0.0 : d > REQUIRED ? REQUIRED : d;
        return 0;
    }
    if (s == NULL)
        return -1;
    for (size_t i = 0; i < sizeof strengths / sizeof strengths[0]; i++) {
        if ((size_t)n == strlen(strengths[i].name) && memcmp(s, strengths[i].name, (size_t)n) == 0) {
            *out = strengths[i].value;
            return 0;
        }
    }
    HPyErr_SetString(ctx, ctx->h_ValueError, "strength must be 'required', 'strong', 'medium', 'weak' or a number");
    return -1;
}

/* The Constraint `expression` OP 0 (the expression is an Expression). */
static HPy new_constraint(HPyContext *ctx, HPy expression, int op, double strength)
{
    HPy type = HPyGlobal_Load(ctx, g_Constraint);
    Constraint *c;
    HPy h = HPy_New(ctx, type, &c);
    HPy_Close(ctx, type);
    if (!HPy_IsNull(h)) {
        HPyField_Store(ctx, h, &c->expression, expression);
        c->op = op;
        c->strength = strength;
    }
    return h;
}

/* e <= x, e >= x, e == x: the Constraint (e - x) OP 0. */
static HPy make_constraint(HPyContext *ctx, HPy x, HPy y, HPy_RichCmpOp op)
{
    if (op != HPy_LE && op != HPy_GE && op != HPy_EQ)
        return HPy_Dup(ctx, ctx->h_NotImplemented);
    HPy diff = add_sub(ctx, x, y, -1.0);
    if (HPy_IsNull(diff) || HPy_Is(ctx, diff, ctx->h_NotImplemented))
        return diff;
    HPy h = new_constraint(ctx, diff, (int)op, REQUIRED);
    HPy_Close(ctx, diff);
    return h;
}

HPyDef_SLOT(Expression_richcompare, HPy_tp_richcompare)
static HPy Expression_richcompare_impl(HPyContext *ctx, HPy self, HPy other, HPy_RichCmpOp op)
{
    return make_constraint(ctx, self, other, op);
}

HPyDef_SLOT(Term_richcompare, HPy_tp_richcompare)
static HPy Term_richcompare_impl(HPyContext *ctx, HPy self, HPy other, HPy_RichCmpOp op)
{
    return make_constraint(ctx, self, other, op);
}

static HPyDef *Expression_defines[] = {
    &Expression_new, &Expression_traverse, &Expression_value, &Expression_terms, &Expression_constant,
    &Expression_richcompare, &Expression_add, &Expression_sub, &Expression_mul, NULL
};
static HPyType_Spec Expression_spec = {
    .name = "solver.Expression", .basicsize = sizeof(Expression),
    .flags = HPy_TPFLAGS_DEFAULT | HPy_TPFLAGS_HAVE_GC, .defines = Expression_defines,
};

/* ---- Constraint ---- */

HPyDef_SLOT(Constraint_new, HPy_tp_new)
static HPy Constraint_new_impl(HPyContext *ctx, HPy cls, const HPy *args, HPy_ssize_t nargs, HPy kw)
{
    static const char *kwlist[] = { "expression", "op", "strength", NULL };
    HPy expression, op = HPy_NULL, strength = HPy_NULL, result = HPy_NULL;
    HPyTracker ht;
    if (!HPyArg_ParseKeywordsDict(ctx, &ht, args, nargs, kw, "O|OO:Constraint", kwlist, &expression, &op, &strength))
        return HPy_NULL;
    int code = HPy_EQ;
    double s = REQUIRED;
    if (!HPy_IsNull(op)) {
        /* "<=", ">=" or "==", compared in C */
        HPy_ssize_t n;
        const char *text = HPyUnicode_Check(ctx, op) ? HPyUnicode_AsUTF8AndSize(ctx, op, &n) : NULL;
        if (text != NULL && n == 2 && text[1] == '=' && (text[0] == '<' || text[0] == '>' || text[0] == '='))
            code = text[0] == '<' ? HPy_LE : text[0] == '>' ? HPy_GE : HPy_EQ;
        else {
            if (!HPyErr_Occurred(ctx))
                HPyErr_SetString(ctx, ctx->h_ValueError, "Constraint: op must be '<=', '>=' or '=='");
            goto done;
        }
    }
    if (!HPy_IsNull(strength) && strength_of(ctx, strength, &s) < 0)
        goto done;
    HPy e = as_expression(ctx, expression);
    if (HPy_IsNull(e)) {
        if (!HPyErr_Occurred(ctx))
            HPyErr_SetString(ctx, ctx->h_TypeError, "Constraint: expression expected");
        goto done;
    }
    result = new_constraint(ctx, e, code, s);
    HPy_Close(ctx, e);
done:
    HPyTracker_Close(ctx, ht);
    return result;
}

/* c | strength (or strength | c): the same constraint with that strength. */
HPyDef_SLOT(Constraint_or, HPy_nb_or)
static HPy Constraint_or_impl(HPyContext *ctx, HPy x, HPy y)
{
    HPy self = x, strength = y;
    if (!is_a(ctx, x, g_Constraint)) {
        self = y;
        strength = x;
    }
    double s;
    if (strength_of(ctx, strength, &s) < 0)
        return HPy_NULL;
    Constraint *c = Constraint_AsStruct(ctx, self);
    HPy e = HPyField_Load(ctx, self, c->expression);
    HPy r = new_constraint(ctx, e, c->op, s);
    HPy_Close(ctx, e);
    return r;
}

HPyDef_METH(Constraint_strength, "strength", HPyFunc_NOARGS)
static HPy Constraint_strength_impl(HPyContext *ctx, HPy self)
{
    return HPyFloat_FromDouble(ctx, Constraint_AsStruct(ctx, self)->strength);
}

HPyDef_SLOT(Constraint_traverse, HPy_tp_traverse)
static int Constraint_traverse_impl(void *self, HPyFunc_visitproc visit, void *arg)
{
    HPy_VISIT(&((Constraint *)self)->expression);
    return 0;
}

/* How far the constraint is from holding (0.0 when it holds). */
static int violation(HPyContext *ctx, HPy self, double *out)
{
    Constraint *c = Constraint_AsStruct(ctx, self);
    HPy e = HPyField_Load(ctx, self, c->expression);
    double v;
    int res = expression_value(ctx, e, &v);
    HPy_Close(ctx, e);
    if (res < 0)
        return -1;
    switch (c->op) {
    case HPy_LE: *out = v > 0.0 ? v : 0.0; break;
    case HPy_GE: *out = v < 0.0 ? -v : 0.0; break;
    default: *out = v < 0.0 ? -v : v; break;
    }
    return 0;
}

HPyDef_METH(Constraint_violation, "violation", HPyFunc_NOARGS)
static HPy Constraint_violation_impl(HPyContext *ctx, HPy self)
{
    double v;
    if (violation(ctx, self, &v) < 0)
        return HPy_NULL;
    return HPyFloat_FromDouble(ctx, v);
}

HPyDef_METH(Constraint_violated, "violated", HPyFunc_NOARGS)
static HPy Constraint_violated_impl(HPyContext *ctx, HPy self)
{
    double v;
    if (violation(ctx, self, &v) < 0)
        return HPy_NULL;
    return HPyBool_FromLong(ctx, v > 1e-9);
}

HPyDef_METH(Constraint_expression, "expression", HPyFunc_NOARGS)
static HPy Constraint_expression_impl(HPyContext *ctx, HPy self)
{
    return HPyField_Load(ctx, self, Constraint_AsStruct(ctx, self)->expression);
}

HPyDef_METH(Constraint_op, "op", HPyFunc_NOARGS)
static HPy Constraint_op_impl(HPyContext *ctx, HPy self)
{
    int op = Constraint_AsStruct(ctx, self)->op;
    return HPyUnicode_FromString(ctx, op == HPy_LE ? "<=" : op == HPy_GE ? ">=" : "==");
}

static HPyDef *Constraint_defines[] = {
    &Constraint_new, &Constraint_or, &Constraint_traverse, &Constraint_violation, &Constraint_violated,
    &Constraint_expression, &Constraint_op, &Constraint_strength, NULL
};
static HPyType_Spec Constraint_spec = {
    .name = "solver.Constraint", .basicsize = sizeof(Constraint),
    .flags = HPy_TPFLAGS_DEFAULT | HPy_TPFLAGS_HAVE_GC, .defines = Constraint_defines,
};

/* ---- module functions ---- */

/* total_violation(constraints): the sum of violation() over a sequence of Constraints. */
HPyDef_METH(total_violation, "total_violation", HPyFunc_O,
            .doc = "total_violation($module, constraints, /)\n--\n\nThe sum of violation() over a sequence of Constraints.")
static HPy total_violation_impl(HPyContext *ctx, HPy self, HPy seq)
{
    HPy_ssize_t n = HPy_Length(ctx, seq);
    if (n < 0)
        return HPy_NULL;
    double sum = 0.0;
    for (HPy_ssize_t i = 0; i < n; i++) {
        HPy c = HPy_GetItem_i(ctx, seq, i);
        if (HPy_IsNull(c))
            return HPy_NULL;
        double v;
        if (!is_a(ctx, c, g_Constraint)) {
            HPy_Close(ctx, c);
            HPyErr_SetString(ctx, ctx->h_TypeError, "total_violation: expected Constraint items");
            return HPy_NULL;
        }
        int res = violation(ctx, c, &v);
        HPy_Close(ctx, c);
        if (res < 0)
            return HPy_NULL;
        sum += v;
    }
    return HPyFloat_FromDouble(ctx, sum);
}

/* update_variables(variables, values): setValue for each pair of two sequences. */
HPyDef_METH(update_variables, "update_variables", HPyFunc_VARARGS,
            .doc = "update_variables($module, variables, values, /)\n--\n\nSet each variable to its value.")
static HPy update_variables_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    HPy vars, values;
    if (!HPyArg_Parse(ctx, NULL, args, nargs, "OO:update_variables", &vars, &values))
        return HPy_NULL;
    HPy_ssize_t n = HPy_Length(ctx, vars);
    if (n < 0)
        return HPy_NULL;
    if (HPy_Length(ctx, values) != n) {
        HPyErr_SetString(ctx, ctx->h_ValueError, "update_variables: sequences differ in length");
        return HPy_NULL;
    }
    for (HPy_ssize_t i = 0; i < n; i++) {
        HPy v = HPy_GetItem_i(ctx, vars, i);
        HPy x = HPy_GetItem_i(ctx, values, i);
        if (HPy_IsNull(v) || HPy_IsNull(x) || !is_a(ctx, v, g_Variable)) {
            if (!HPyErr_Occurred(ctx))
                HPyErr_SetString(ctx, ctx->h_TypeError, "update_variables: expected Variable items");
            HPy_Close(ctx, v);
            HPy_Close(ctx, x);
            return HPy_NULL;
        }
        double d = HPyFloat_AsDouble(ctx, x);
        HPy_Close(ctx, x);
        if (d == -1.0 && HPyErr_Occurred(ctx)) {
            HPy_Close(ctx, v);
            return HPy_NULL;
        }
        Variable_AsStruct(ctx, v)->value = d;
        HPy_Close(ctx, v);
    }
    return HPy_Dup(ctx, ctx->h_None);
}

static int add_type(HPyContext *ctx, HPy module, HPyType_Spec *spec, const char *name, HPyGlobal *g)
{
    HPy type = HPyType_FromSpec(ctx, spec, NULL);
    if (HPy_IsNull(type))
        return -1;
    HPyGlobal_Store(ctx, g, type);
    int res = HPy_SetAttr_s(ctx, module, name, type);
    HPy_Close(ctx, type);
    return res;
}

HPyDef_SLOT(solver_exec, HPy_mod_exec)
static int solver_exec_impl(HPyContext *ctx, HPy module)
{
    if (add_type(ctx, module, &Variable_spec, "Variable", &g_Variable) < 0 ||
        add_type(ctx, module, &Term_spec, "Term", &g_Term) < 0 ||
        add_type(ctx, module, &Expression_spec, "Expression", &g_Expression) < 0 ||
        add_type(ctx, module, &Constraint_spec, "Constraint", &g_Constraint) < 0)
        return -1;
    return 0;
}

static HPyDef *module_defines[] = { &solver_exec, &total_violation, &update_variables, NULL };
static HPyGlobal *module_globals[] = { &g_Variable, &g_Term, &g_Expression, &g_Constraint, NULL };
static HPyModuleDef moduledef = {
    .doc = "A small linear-constraint modelling library (the realistic benchmark)",
    .defines = module_defines,
    .globals = module_globals,
};

HPy_MODINIT(solver, moduledef)
