/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Chains of serialization blocks (include/linux/kho/abi/block.h): arrays
 * of fixed-size records in preserved pages, for LUO's sessions and files.
 */
#ifndef _KERNEL_LIVEUPDATE_KHO_BLOCK_H
#define _KERNEL_LIVEUPDATE_KHO_BLOCK_H

#include <linux/kho/abi/block.h>
#include <linux/list.h>
#include <linux/types.h>

/**
 * struct kho_block_set - an outgoing chain of blocks
 * @blocks:     the blocks, in chain order
 * @nr_blocks:  how many there are
 * @entry_size: bytes per record
 * @per_block:  records that fit in one block
 *
 * The blocks are allocated and preserved while the owner's array grows
 * (kho_block_set_grow()), so that writing the records at kexec allocates
 * nothing and cannot fail for lack of memory.
 */
struct kho_block_set {
	struct list_head blocks;
	unsigned long nr_blocks;
	size_t entry_size;
	unsigned int per_block;
};

/**
 * struct kho_block_writer - where the next record of a set goes
 * @set:   the set written
 * @block: the block being filled, NULL before the first record
 */
struct kho_block_writer {
	struct kho_block_set *set;
	struct kho_block *block;
};

void kho_block_set_init(struct kho_block_set *set, size_t entry_size);
int kho_block_set_grow(struct kho_block_set *set, u64 count);
void kho_block_set_shrink(struct kho_block_set *set, u64 count);
void kho_block_set_destroy(struct kho_block_set *set);
void kho_block_writer_init(struct kho_block_writer *w,
			   struct kho_block_set *set);
void *kho_block_writer_next(struct kho_block_writer *w);
void kho_block_writer_drop(struct kho_block_writer *w);
u64 kho_block_writer_end(struct kho_block_writer *w);

int kho_block_chain_read(u64 head_phys, size_t entry_size, u64 max_records,
			 int (*fn)(const void *record, void *arg), void *arg);

#endif /* _KERNEL_LIVEUPDATE_KHO_BLOCK_H */
