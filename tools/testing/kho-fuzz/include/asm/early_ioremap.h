/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Early mappings of the fuzzed machine: the identity, but only of RAM, and
 * with the kernel's limits on size and on mappings held at once, so a
 * leaked or oversized mapping fails the input.
 */
#ifndef _KHO_FUZZ_EARLY_IOREMAP_H
#define _KHO_FUZZ_EARLY_IOREMAP_H
#include <linux/types.h>
void *early_memremap(phys_addr_t phys, unsigned long size);
void early_memunmap(void *addr, unsigned long size);
#endif
