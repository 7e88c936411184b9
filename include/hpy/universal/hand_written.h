/* Public functions of context members that are not plain forwarders
   (marked hand-written in api/hpy_context.api), and capsule accessors that
   pick a key for ctx_Capsule_Get / ctx_Capsule_Set. */
#ifndef HPY_SHIM_UNIVERSAL_HAND_WRITTEN_H
#define HPY_SHIM_UNIVERSAL_HAND_WRITTEN_H

/* The runtime writes into a local whose address never escapes the inline
   function; only the final value is copied out. That way the caller's own
   pointer variable stays register-allocatable after inlining. */
HPyAPI_FUNC HPy _HPy_New(HPyContext *ctx, HPy h_type, void **data)
{
    void *payload = NULL;
    HPy h = ctx->ctx_New(ctx, h_type, &payload);
    *data = payload;
    return h;
}

/* abort() after the call keeps the noreturn promise visible to the
   compiler once this is inlined, whatever the runtime does. */
HPyAPI_FUNC _HPy_NO_RETURN void HPy_FatalError(HPyContext *ctx, const char *message)
{
    ctx->ctx_FatalError(ctx, message);
    abort();
}

HPyAPI_FUNC void *HPyCapsule_GetPointer(HPyContext *ctx, HPy capsule, const char *utf8_name)
{
    return ctx->ctx_Capsule_Get(ctx, capsule, HPyCapsule_key_Pointer, utf8_name);
}

HPyAPI_FUNC const char *HPyCapsule_GetName(HPyContext *ctx, HPy capsule)
{
    return (const char *)ctx->ctx_Capsule_Get(ctx, capsule, HPyCapsule_key_Name, NULL);
}

HPyAPI_FUNC void *HPyCapsule_GetContext(HPyContext *ctx, HPy capsule)
{
    return ctx->ctx_Capsule_Get(ctx, capsule, HPyCapsule_key_Context, NULL);
}

HPyAPI_FUNC int HPyCapsule_SetPointer(HPyContext *ctx, HPy capsule, void *pointer)
{
    return ctx->ctx_Capsule_Set(ctx, capsule, HPyCapsule_key_Pointer, pointer);
}

HPyAPI_FUNC int HPyCapsule_SetName(HPyContext *ctx, HPy capsule, const char *utf8_name)
{
    return ctx->ctx_Capsule_Set(ctx, capsule, HPyCapsule_key_Name, (void *)utf8_name);
}

HPyAPI_FUNC int HPyCapsule_SetContext(HPyContext *ctx, HPy capsule, void *context)
{
    return ctx->ctx_Capsule_Set(ctx, capsule, HPyCapsule_key_Context, context);
}

HPyAPI_FUNC int HPyCapsule_SetDestructor(HPyContext *ctx, HPy capsule,
                                         HPyCapsule_Destructor *destructor)
{
    return ctx->ctx_Capsule_Set(ctx, capsule, HPyCapsule_key_Destructor, (void *)destructor);
}

#endif /* HPY_SHIM_UNIVERSAL_HAND_WRITTEN_H */
