/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The preserved-memory map of Kexec HandOver: a radix tree of bitmaps with
 * one bit per preserved block (see include/linux/kho/abi/kexec_handover.h).
 *
 * Insert and remove take no lock: table entries are installed with cmpxchg
 * and leaf bits are set and cleared atomically, so concurrent preservations
 * of different blocks never wait for each other. Walking and destroying the
 * map are the caller's to serialise against each other.
 */
#ifndef _KERNEL_LIVEUPDATE_KHO_RADIX_H
#define _KERNEL_LIVEUPDATE_KHO_RADIX_H

#include <linux/bits.h>
#include <linux/types.h>
#include <linux/kho/abi/kexec_handover.h>

/*
 * The largest order whose marker bit still lies above the leaf bits: every
 * leaf then holds keys of a single order, which is what lets the walk turn
 * runs of set bits into physical ranges without looking at each bit.
 */
#define KHO_RADIX_MAX_ORDER	(KHO_RADIX_KEY_BITS - 1 - KHO_RADIX_LEAF_SHIFT)

struct kho_radix_map {
	u64 *root;
};

/**
 * struct kho_radix_cursor - the leaf a lookup found last
 * @leaf_key: key of the leaf's first bit
 * @leaf:     the leaf, or NULL before the first lookup
 *
 * Nodes are never freed while a map is in use, so a remembered leaf stays
 * valid, and a lookup of a key in the same leaf skips the descent from the
 * root: preserving or restoring the pages of a large area in address
 * order then costs one bit operation per block. Zero-initialise; one
 * cursor per map.
 */
struct kho_radix_cursor {
	u64 leaf_key;
	unsigned long *leaf;
};

/**
 * struct kho_radix_walk_ops - what kho_radix_walk() reports
 * @node:  called with the physical address and level of every node before
 *         it is read (root first); a non-zero return stops the walk with
 *         that value. Optional. Lets the receiver check that a node handed
 *         over by another kernel lies in memory it may read.
 * @range: called for each run of preserved blocks of one order that are
 *         physically contiguous, in ascending key order: @start and @size
 *         in bytes. A non-zero return stops the walk with that value.
 * @map:   how to read a node: returns a mapping of the node at @phys, or
 *         NULL (the walk then stops with -ENOMEM). Optional; without it
 *         nodes are read through the direct map. Lets the receiver walk
 *         the map before the direct map exists.
 * @unmap: undoes @map; required with it.
 */
struct kho_radix_walk_ops {
	int (*node)(phys_addr_t phys, unsigned int level, void *arg);
	int (*range)(phys_addr_t start, phys_addr_t size, unsigned int order,
		     void *arg);
	void *(*map)(phys_addr_t phys);
	void (*unmap)(void *node);
};

static inline u64 kho_radix_key(phys_addr_t pa, unsigned int order)
{
	unsigned int shift = KHO_RADIX_PAGE_SHIFT + order;

	return BIT_ULL(KHO_RADIX_KEY_BITS - 1 - order) | ((u64)pa >> shift);
}

int kho_radix_init(struct kho_radix_map *map);
void kho_radix_attach(struct kho_radix_map *map, phys_addr_t root);
phys_addr_t kho_radix_root_phys(const struct kho_radix_map *map);
int kho_radix_insert(struct kho_radix_map *map, phys_addr_t pa,
		     unsigned int order);
int kho_radix_remove(struct kho_radix_map *map, phys_addr_t pa,
		     unsigned int order);
int kho_radix_insert_near(struct kho_radix_map *map,
			  struct kho_radix_cursor *cursor, phys_addr_t pa,
			  unsigned int order);
int kho_radix_insert_word_near(struct kho_radix_map *map,
			       struct kho_radix_cursor *cursor, phys_addr_t pa,
			       unsigned int order, unsigned long mask);
int kho_radix_remove_near(struct kho_radix_map *map,
			  struct kho_radix_cursor *cursor, phys_addr_t pa,
			  unsigned int order);
bool kho_radix_contains(const struct kho_radix_map *map, phys_addr_t pa,
			unsigned int order);
bool kho_radix_contains_near(const struct kho_radix_map *map,
			     struct kho_radix_cursor *cursor, phys_addr_t pa,
			     unsigned int order);
bool kho_radix_any(const struct kho_radix_map *map, phys_addr_t start,
		   phys_addr_t end, unsigned int order);
int kho_radix_claim_range(struct kho_radix_map *map, phys_addr_t start,
			  phys_addr_t end, unsigned int order,
			  int (*claimed)(phys_addr_t base, unsigned long *taken,
					 void *arg),
			  void *arg);
int kho_radix_walk(const struct kho_radix_map *map,
		   const struct kho_radix_walk_ops *ops, void *arg);
int kho_radix_walk_from(phys_addr_t root, const struct kho_radix_walk_ops *ops,
			void *arg);
void kho_radix_destroy(struct kho_radix_map *map);

/*
 * kho_map_check.c: how the nodes and blocks of an incoming map relate, which
 * kho_radix_walk() alone cannot see, and which of its blocks lie under
 * memory the receiving kernel used when it checked the map.
 */
int kho_map_check_tree(const struct kho_radix_map *map,
		       unsigned long max_nodes, u64 orders);
int kho_map_note_used(phys_addr_t low, phys_addr_t low_size,
		      phys_addr_t scratch, phys_addr_t scratch_size);
bool kho_map_range_used(phys_addr_t start, phys_addr_t size);
bool kho_map_run_used(phys_addr_t start, phys_addr_t size, unsigned int order);
void kho_map_drop_used(struct kho_radix_map *map);

#endif /* _KERNEL_LIVEUPDATE_KHO_RADIX_H */
