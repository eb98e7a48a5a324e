/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Between memblock's reserve_mem= table (mm/memblock.c) and its Kexec
 * HandOver support (mm/memblock_kho.c).
 */
#ifndef __MM_MEMBLOCK_KHO_H
#define __MM_MEMBLOCK_KHO_H

#include <linux/types.h>

typedef int (*reserve_mem_fn)(const char *name, phys_addr_t start,
			      phys_addr_t size, void *arg);

int reserve_mem_for_each(reserve_mem_fn fn, void *arg);

#ifdef CONFIG_KEXEC_HANDOVER
bool reserve_mem_kho_revive(const char *name, phys_addr_t size,
			    phys_addr_t align, phys_addr_t *start);
phys_addr_t reserve_mem_kho_alloc(const char *name, phys_addr_t size,
				  phys_addr_t align);
#else
static inline bool reserve_mem_kho_revive(const char *name, phys_addr_t size,
					  phys_addr_t align,
					  phys_addr_t *start)
{
	return false;
}

static inline phys_addr_t reserve_mem_kho_alloc(const char *name,
						phys_addr_t size,
						phys_addr_t align)
{
	return 0;
}
#endif

#endif /* __MM_MEMBLOCK_KHO_H */
