/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Scratch memory of Kexec HandOver: the areas the next kernel may allocate
 * from before it knows what the previous kernel preserved.
 */
#ifndef _KERNEL_LIVEUPDATE_KHO_SCRATCH_H
#define _KERNEL_LIVEUPDATE_KHO_SCRATCH_H

#include <linux/types.h>
#include <linux/kho/abi/kexec_handover.h>

/* Default scratch size: twice what the kernel itself reserved at boot. */
#define KHO_SCRATCH_DEFAULT_SCALE	200

/**
 * struct kho_scratch_request - how big the scratch areas should be
 * @scale:   percent of the kernel's own boot-time reservations; 0 when the
 *           three sizes below are given explicitly instead
 * @lowmem:  bytes of the area below 4 GiB
 * @global:  bytes of the area placed anywhere
 * @pernode: bytes of the area on each NUMA node with memory
 */
struct kho_scratch_request {
	unsigned int scale;
	phys_addr_t lowmem;
	phys_addr_t global;
	phys_addr_t pernode;
};

int kho_scratch_parse(const char *arg, struct kho_scratch_request *req);
int kho_scratch_reserve(void);
void kho_scratch_release_cma(void);
int kho_scratch_carve(struct kho_scratch *areas, unsigned int *nr,
		      unsigned int max, phys_addr_t start, phys_addr_t size);
int kho_scratch_adopt(const struct kho_scratch *areas, unsigned int nr);
bool kho_scratch_overlap(phys_addr_t addr, phys_addr_t size);
unsigned int kho_scratch_areas(const struct kho_scratch **areas);
phys_addr_t kho_scratch_alloc_outside(phys_addr_t size, phys_addr_t align);

#endif /* _KERNEL_LIVEUPDATE_KHO_SCRATCH_H */
