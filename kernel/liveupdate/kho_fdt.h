/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The root FDT of Kexec HandOver: one page that names the preserved-memory
 * map and every subtree (see include/linux/kho/abi/kexec_handover.h).
 */
#ifndef _KERNEL_LIVEUPDATE_KHO_FDT_H
#define _KERNEL_LIVEUPDATE_KHO_FDT_H

#include <linux/sizes.h>
#include <linux/types.h>

/* The root FDT always fits in, and is handed over as, one page. */
#define KHO_FDT_SIZE	SZ_4K

int kho_fdt_create(void *fdt, phys_addr_t map_root);
int kho_fdt_add_subtree(void *fdt, const char *name, phys_addr_t data,
			u64 size);
int kho_fdt_remove_subtree(void *fdt, phys_addr_t data);
int kho_fdt_find_subtree(const void *fdt, const char *name,
			 phys_addr_t *data, u64 *size);
const char *kho_fdt_subtree_name(const void *fdt, unsigned int index);
int kho_fdt_check(const void *fdt, size_t len, phys_addr_t *map_root);
int kho_fdt_corrupt(void *fdt, const char *what);

#endif /* _KERNEL_LIVEUPDATE_KHO_FDT_H */
