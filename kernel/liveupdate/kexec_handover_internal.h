/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Interfaces between the files of kernel/liveupdate. The map has its own
 * header (kho_radix.h), as it is also built in userspace by its tests.
 */
#ifndef _KERNEL_LIVEUPDATE_KEXEC_HANDOVER_INTERNAL_H
#define _KERNEL_LIVEUPDATE_KEXEC_HANDOVER_INTERNAL_H

#include <linux/mmzone.h>
#include <linux/sizes.h>
#include <linux/types.h>
#include <linux/kho/abi/kexec_handover.h>

#include "kho_radix.h"

struct mutex;
struct page;

/* kho_scratch.c: the areas a kernel booted by a handover starts in. */

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
int kho_scratch_check_room(const struct kho_scratch *areas, unsigned int nr,
			   phys_addr_t low, phys_addr_t low_size);
int kho_scratch_mark(const struct kho_scratch *areas, unsigned int nr,
		     phys_addr_t low, phys_addr_t low_size);
void kho_scratch_unmark(const struct kho_scratch *areas, unsigned int nr,
			phys_addr_t low, phys_addr_t low_size);
int kho_scratch_adopt(struct kho_scratch *areas, unsigned int nr);
void kho_scratch_keep(void);
bool kho_scratch_overlap(phys_addr_t addr, phys_addr_t size);
unsigned int kho_scratch_areas(const struct kho_scratch **areas);
phys_addr_t kho_scratch_alloc_outside(phys_addr_t size, phys_addr_t align);

/*
 * kho_fdt.c: the root FDT, one page that names the map and every subtree
 * (see include/linux/kho/abi/kexec_handover.h).
 */

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

/* kexec_handover.c, kho_in.c, kho_restore.c: outgoing and incoming. */
void *kho_out_fdt(void);
struct kho_radix_map *kho_out_map(void);
const void *kho_in_fdt(void);
void kho_in_retire(void);
struct kho_radix_map *kho_in_map(void);
phys_addr_t kho_in_fdt_phys(void);
u64 kho_in_orders(void);
bool kho_in_range_preserved(phys_addr_t phys, u64 size);
int kho_in_find_subtree(const char *name, phys_addr_t *phys, u64 *size,
			bool report);
int kho_in_reserve(void);

/* kho_folio.c: preserved blocks as compound pages from boot on */
void kho_folio_prepare(struct page *page, unsigned int order);
void kho_folio_split(struct page *page, unsigned int order);

/* kho_metadata.c, kho_kexec.c */
void kho_metadata_init(bool hand_over);
phys_addr_t kho_kexec_initrd_addr(void);

/* kexec_handover_debugfs.c: /sys/kernel/debug/kho. */

/**
 * struct kho_debugfs_out - what the out/ directory shows
 * @fdt:       the live root FDT, read under @lock at its current size
 * @lock:      serialises readers with edits of @fdt and @finalized
 * @finalized: out/finalize; while true, subtrees cannot change
 * @set_finalized: what writing out/finalize does; called without @lock
 * @corrupt:   fault injection: damage the handover as the string says
 *             (see kho_corrupt.c); called with @lock held
 */
struct kho_debugfs_out {
	void *fdt;
	struct mutex *lock;	/* see @lock above */
	bool *finalized;
	int (*set_finalized)(bool finalize);
	int (*corrupt)(char *what);
};

#ifdef CONFIG_KEXEC_HANDOVER_DEBUGFS
void kho_debugfs_init_out(const struct kho_debugfs_out *out);
void kho_debugfs_add_subtree(const char *name, void *blob, size_t size);
void kho_debugfs_remove_subtree(void *blob);
void kho_debugfs_init_in(const void *fdt);
#else
static inline void kho_debugfs_init_out(const struct kho_debugfs_out *out) { }
static inline void kho_debugfs_add_subtree(const char *name, void *blob,
					   size_t size) { }
static inline void kho_debugfs_remove_subtree(void *blob) { }
static inline void kho_debugfs_init_in(const void *fdt) { }
#endif

/* kho_corrupt.c: fault injection (CONFIG_KEXEC_HANDOVER_FAULT_INJECTION). */
#ifdef CONFIG_KEXEC_HANDOVER_FAULT_INJECTION
int kho_corrupt(char *what);
const struct kho_scratch *kho_corrupt_scratch_array(const struct kho_scratch *areas,
						    size_t *bytes, u64 *handed);
#else
static inline const struct kho_scratch *
kho_corrupt_scratch_array(const struct kho_scratch *areas, size_t *bytes,
			  u64 *handed)
{
	*handed = *bytes;
	return areas;
}
#endif

#endif /* _KERNEL_LIVEUPDATE_KEXEC_HANDOVER_INTERNAL_H */
