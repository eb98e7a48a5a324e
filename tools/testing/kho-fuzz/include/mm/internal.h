/* SPDX-License-Identifier: GPL-2.0-only */
/* What the receive path uses of mm/internal.h, on the fuzzed machine. */
#ifndef _KHO_FUZZ_MM_INTERNAL_H
#define _KHO_FUZZ_MM_INTERNAL_H

#include <kho_fuzz_shim.h>

void init_deferred_page(unsigned long pfn, int nid);

#endif
