/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Included first in every kernel file the receive-path fuzzer builds: the
 * configuration of the kernel under test and what its headers would bring
 * in implicitly.
 */
#ifndef _KHO_FUZZ_KERNEL_H
#define _KHO_FUZZ_KERNEL_H

#define CONFIG_DEFERRED_STRUCT_PAGE_INIT 1
#define CONFIG_TRANSPARENT_HUGEPAGE 1
/* Memory is online a subsection at a time, as on x86 (see shim.c). */
#define CONFIG_SPARSEMEM 1
#define PAGES_PER_SUBSECTION	512UL

#include <linux/kernel.h>
#include <linux/kconfig.h>
#include <linux/export.h>
#include <linux/log2.h>
#include <linux/pfn.h>
#include <linux/sizes.h>
#include <linux/mm.h>

#include "kho_fuzz_shim.h"

#define PAGE_ALIGNED(x)		IS_ALIGNED((unsigned long)(x), PAGE_SIZE)

/* Every file under test sets its own prefix after this header. */
#undef pr_fmt

#endif /* _KHO_FUZZ_KERNEL_H */
