/* Points the context's fast members at the fast path. */
#include "interop/boundary.gen.h"

native_trampoline_fallback native_fallback_trampoline;

const char *shim_member_name(int32_t member, int ctx)
{
    if (member < 0 || member >= native_member_count)
        return NULL;
    return ctx ? native_member_names[member] : native_member_public_names[member];
}

/* Returns NULL on success, or why the fast path cannot be filled. The CPython symbols were
 * resolved (and missing ones reported) when the runtime bound to this CPython. */
const char *shim_fill_context(HPyContext *ctx, native_trampoline_fallback fallback)
{
    if (cpy.Py_IncRef == NULL)
        return "the CPython symbol table, which is not resolved yet";
    native_fallback_trampoline = fallback;
    native_fill_generated(ctx);
    native_specialize_refcounts(ctx);
    native_init_shapes();
    native_thunks_init(ctx);
    return NULL;
}
