/* SPDX-License-Identifier: GPL-2.0-only */
/* Interfaces between the files of kernel/liveupdate. */
#ifndef _KERNEL_LIVEUPDATE_KHO_INTERNAL_H
#define _KERNEL_LIVEUPDATE_KHO_INTERNAL_H

#include <linux/mmzone.h>
#include <linux/types.h>

#include "kho_radix.h"

struct kho_radix_map;

/*
 * Cursors into a map, one per order a folio can have and one shared by
 * larger blocks: an owner preserving or restoring folios of mixed orders
 * in address order keeps a leaf for each order.
 */
#define KHO_CURSOR_SLOTS	(MAX_PAGE_ORDER + 2)

struct kho_cursors {
	struct kho_radix_cursor slot[KHO_CURSOR_SLOTS];
};

static inline struct kho_radix_cursor *
kho_cursor(struct kho_cursors *cursors, unsigned int order)
{
	return &cursors->slot[order < KHO_CURSOR_SLOTS ? order :
			      KHO_CURSOR_SLOTS - 1];
}

void *kho_out_fdt(void);
struct kho_radix_map *kho_out_map(void);
const void *kho_in_fdt(void);
struct kho_radix_map *kho_in_map(void);
phys_addr_t kho_in_fdt_phys(void);
u64 kho_in_orders(void);
bool kho_in_range_preserved(phys_addr_t phys, u64 size);
int kho_in_find_subtree(const char *name, phys_addr_t *phys, u64 *size,
			bool report);
int kho_in_reserve(void);
void kho_metadata_init(bool hand_over);
phys_addr_t kho_kexec_initrd_addr(void);

#endif /* _KERNEL_LIVEUPDATE_KHO_INTERNAL_H */
