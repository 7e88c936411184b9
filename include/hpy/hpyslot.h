/* Slot identifiers for HPyDef_SLOT and the HPyFunc_Signature each one
 * implies. Numbers follow CPython's typeslots.h where a CPython slot exists;
 * HPy-only slots live at 1000 (type) and 2000 (module). */
#ifndef HPY_SHIM_HPYSLOT_H
#define HPY_SHIM_HPYSLOT_H

/* HPySlot_Slot and the _HPySlot_SIG__<slot> macros, generated from api/hpyfunc.api. */
#include "hpy/hpyslot.gen.h"

#endif /* HPY_SHIM_HPYSLOT_H */
