// SPDX-License-Identifier: GPL-2.0-only
/*
 * Serialization blocks: arrays of fixed-size records that reach the next
 * kernel as a chain of preserved pages.
 *
 * The sending side keeps one block per started group of records, allocated
 * and preserved as its owner adds them, and links the chain only when it
 * writes the records at kexec. The receiving side reads a chain once:
 * each block is claimed from the memory map as it is read, which both
 * proves that the previous kernel preserved it and ends a chain that loops
 * back on itself (a block cannot be claimed twice), then freed.
 */

#define pr_fmt(fmt) "LUO: " fmt

#include <linux/err.h>
#include <linux/io.h>
#include <linux/kexec_handover.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "kho_block.h"

/* One block of an outgoing set. */
struct kho_block {
	struct list_head list;
	struct kho_block_header_ser *ser;
};

static void *kho_block_record(struct kho_block_header_ser *ser, size_t size,
			      u64 index)
{
	return (void *)(ser + 1) + index * size;
}

/**
 * kho_block_set_init - start an empty outgoing set
 * @set:        the set
 * @entry_size: bytes per record; a block must hold at least one
 */
void kho_block_set_init(struct kho_block_set *set, size_t entry_size)
{
	INIT_LIST_HEAD(&set->blocks);
	set->nr_blocks = 0;
	set->entry_size = entry_size;
	set->per_block = (KHO_BLOCK_SIZE - sizeof(struct kho_block_header_ser)) /
			 entry_size;
	WARN_ON_ONCE(!set->per_block);
}

static int kho_block_set_add(struct kho_block_set *set)
{
	struct kho_block *block;

	block = kzalloc(sizeof(*block), GFP_KERNEL);
	if (!block)
		return -ENOMEM;
	block->ser = kho_alloc_preserve(KHO_BLOCK_SIZE);
	if (IS_ERR(block->ser)) {
		int err = PTR_ERR(block->ser);

		kfree(block);
		return err;
	}
	list_add_tail(&block->list, &set->blocks);
	set->nr_blocks++;
	return 0;
}

static void kho_block_set_drop_last(struct kho_block_set *set)
{
	struct kho_block *block;

	block = list_last_entry(&set->blocks, struct kho_block, list);
	list_del(&block->list);
	set->nr_blocks--;
	kho_unpreserve_free(block->ser);
	kfree(block);
}

/**
 * kho_block_set_grow - make room for @count records
 * @set:   the set
 * @count: records the set must be able to hold
 *
 * Return: 0, -ENOSPC beyond KHO_BLOCK_MAX_BLOCKS blocks, or -ENOMEM (the
 * set is as it was then).
 */
int kho_block_set_grow(struct kho_block_set *set, u64 count)
{
	unsigned long had = set->nr_blocks;
	int err;

	if (count > (u64)KHO_BLOCK_MAX_BLOCKS * set->per_block)
		return -ENOSPC;
	while (count > (u64)set->nr_blocks * set->per_block) {
		err = kho_block_set_add(set);
		if (err) {
			while (set->nr_blocks > had)
				kho_block_set_drop_last(set);
			return err;
		}
	}
	return 0;
}

/**
 * kho_block_set_shrink - free the blocks @count records do not need
 * @set:   the set
 * @count: records it holds now
 *
 * Keeps the chain free of empty blocks, which the next kernel refuses.
 */
void kho_block_set_shrink(struct kho_block_set *set, u64 count)
{
	while (set->nr_blocks &&
	       count <= (u64)(set->nr_blocks - 1) * set->per_block)
		kho_block_set_drop_last(set);
}

/**
 * kho_block_set_destroy - free every block of a set
 * @set: the set
 */
void kho_block_set_destroy(struct kho_block_set *set)
{
	while (set->nr_blocks)
		kho_block_set_drop_last(set);
}

/**
 * kho_block_writer_init - write a set's records from the start
 * @w:   the writer
 * @set: the set, which keeps its blocks
 *
 * Links the blocks into one chain and empties them: a write that was
 * undone (a cancelled kexec) leaves nothing behind for the next one.
 */
void kho_block_writer_init(struct kho_block_writer *w,
			   struct kho_block_set *set)
{
	struct kho_block *block;

	list_for_each_entry(block, &set->blocks, list) {
		block->ser->count = 0;
		block->ser->next = list_is_last(&block->list, &set->blocks) ? 0 :
			virt_to_phys(list_next_entry(block, list)->ser);
	}
	w->set = set;
	w->block = NULL;
}

/**
 * kho_block_writer_next - the place of the next record
 * @w: the writer
 *
 * Return: zeroed room for one record, or NULL when the set holds no more.
 */
void *kho_block_writer_next(struct kho_block_writer *w)
{
	struct kho_block_set *set = w->set;
	struct kho_block_header_ser *ser;
	void *record;

	if (!w->block) {
		if (list_empty(&set->blocks))
			return NULL;
		w->block = list_first_entry(&set->blocks, struct kho_block, list);
	} else if (w->block->ser->count == set->per_block) {
		if (list_is_last(&w->block->list, &set->blocks))
			return NULL;
		w->block = list_next_entry(w->block, list);
	}
	ser = w->block->ser;
	record = kho_block_record(ser, set->entry_size, ser->count++);
	memset(record, 0, set->entry_size);
	return record;
}

/**
 * kho_block_writer_drop - take back the record kho_block_writer_next() gave
 * @w: the writer
 */
void kho_block_writer_drop(struct kho_block_writer *w)
{
	if (!WARN_ON_ONCE(!w->block || !w->block->ser->count))
		w->block->ser->count--;
}

/**
 * kho_block_writer_end - close the chain after the last record written
 * @w: the writer
 *
 * Blocks left empty (records were dropped, or the set has room to spare)
 * are cut off: the next kernel refuses an empty block.
 *
 * Return: the physical address of the chain's first block, 0 when no
 * record was written.
 */
u64 kho_block_writer_end(struct kho_block_writer *w)
{
	struct kho_block *block = w->block;

	if (block && !block->ser->count)
		block = list_is_first(&block->list, &w->set->blocks) ? NULL :
			list_prev_entry(block, list);
	if (!block)
		return 0;
	block->ser->next = 0;
	return virt_to_phys(list_first_entry(&w->set->blocks, struct kho_block,
					     list)->ser);
}

/*
 * Claim one incoming block: NULL unless it is a page the previous kernel
 * preserved on its own, as blocks are. A damaged link that points into a
 * large folio of another owner must not take it away from that owner.
 */
static struct folio *kho_block_claim(u64 phys)
{
	if (!PAGE_ALIGNED(phys) || !kho_folio_preserved(phys, 0))
		return NULL;
	return kho_restore_folio(phys);
}

/* Free the rest of a chain after a failure, as far as it can be trusted. */
static void kho_block_chain_free(u64 phys)
{
	struct kho_block_header_ser *ser;
	struct folio *folio;

	while (phys && (folio = kho_block_claim(phys))) {
		ser = folio_address(folio);
		phys = ser->next;
		folio_put(folio);
	}
}

/**
 * kho_block_chain_read - read a chain the previous kernel wrote, and free it
 * @head_phys:   its first block, 0 for none
 * @entry_size:  bytes per record
 * @max_records: more records than this make the chain invalid
 * @fn:          called with each record, in order; an error stops the read
 * @arg:         passed to @fn
 *
 * Every block is checked before it is read: it must be a page the previous
 * kernel preserved, claimed here for the first time, holding 1 to as many
 * records as fit. All blocks are freed, also after an error, as far as the
 * chain can be followed.
 *
 * Return: the number of records read, -EINVAL for a damaged chain, or the
 * error of @fn.
 */
int kho_block_chain_read(u64 head_phys, size_t entry_size, u64 max_records,
			 int (*fn)(const void *record, void *arg), void *arg)
{
	u64 per_block = (KHO_BLOCK_SIZE - sizeof(struct kho_block_header_ser)) /
			entry_size;
	u64 phys = head_phys, read = 0, i;
	struct kho_block_header_ser *ser;
	unsigned int blocks = 0;
	struct folio *folio;
	int err = 0;

	while (phys && !err) {
		if (++blocks > KHO_BLOCK_MAX_BLOCKS) {
			pr_err("a chain of blocks is longer than %u blocks\n",
			       KHO_BLOCK_MAX_BLOCKS);
			return -EINVAL;
		}
		folio = kho_block_claim(phys);
		if (!folio) {
			pr_err("block at %#llx is not preserved memory, or is linked twice\n",
			       phys);
			return -EINVAL;
		}
		ser = folio_address(folio);
		if (!ser->count || ser->count > per_block ||
		    ser->count > max_records - read) {
			pr_err("block at %#llx holds %llu records, impossible here\n",
			       phys, ser->count);
			err = -EINVAL;
		}
		for (i = 0; !err && i < ser->count; i++)
			err = fn(kho_block_record(ser, entry_size, i), arg);
		if (!err)
			read += ser->count;
		phys = ser->next;
		folio_put(folio);
	}
	if (err) {
		kho_block_chain_free(phys);
		return err;
	}
	return read;
}
