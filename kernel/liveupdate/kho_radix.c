// SPDX-License-Identifier: GPL-2.0-only
/*
 * The preserved-memory map of Kexec HandOver.
 *
 * One bit per preserved block of 2^order pages, kept in the radix tree of
 * bitmaps that the kho-v4 ABI defines, so the map is always in its wire
 * format: a kexec may be loaded at any moment and there is nothing to
 * serialise first. The outgoing kernel builds it with insert and remove,
 * the next kernel reads it with walk.
 *
 * The same file builds in tools/testing/kho-radix against small userspace
 * shims, so keep to the kernel interfaces those shims provide.
 */

#define pr_fmt(fmt) "KHO: " fmt

#include <linux/atomic.h>
#include <linux/bitmap.h>
#include <linux/bitops.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/printk.h>

#include "kho_radix.h"

/* Shift of the key bits that index a table node of @level (1..5). */
static unsigned int kho_radix_level_shift(unsigned int level)
{
	return KHO_RADIX_LEAF_SHIFT + KHO_RADIX_TABLE_SHIFT * (level - 1);
}

static unsigned int kho_radix_index(u64 key, unsigned int level)
{
	return (key >> kho_radix_level_shift(level)) &
	       (KHO_RADIX_TABLE_ENTRIES - 1);
}

static unsigned int kho_radix_bit(u64 key)
{
	return key & (KHO_RADIX_LEAF_BITS - 1);
}

static int kho_radix_check_block(phys_addr_t pa, unsigned int order)
{
	if (order > KHO_RADIX_MAX_ORDER)
		return -ERANGE;
	/* A block starts on a multiple of its own size. */
	if (pa & ((1ULL << (KHO_RADIX_PAGE_SHIFT + order)) - 1))
		return -EINVAL;
	return 0;
}

/*
 * Nodes come from the page allocator without __GFP_MOVABLE, so they never
 * sit in scratch memory (which is CMA): the next kernel allocates from
 * scratch while it is still reading this tree.
 */
static void *kho_radix_alloc_node(void)
{
	return (void *)get_zeroed_page(GFP_KERNEL);
}

static void kho_radix_free_node(void *node)
{
	free_page((unsigned long)node);
}

/*
 * Child node of @table at @idx. When it is missing and @create is set, a
 * zeroed node is installed with cmpxchg; whoever loses a race for the slot
 * frees its node and uses the winner's. Returns NULL when missing and not
 * created, or ERR_PTR(-ENOMEM).
 */
static void *kho_radix_child(u64 *table, unsigned int idx, bool create)
{
	u64 entry = READ_ONCE(table[idx]);
	void *node;

	if (entry)
		return phys_to_virt(entry);
	if (!create)
		return NULL;

	node = kho_radix_alloc_node();
	if (!node)
		return ERR_PTR(-ENOMEM);
	/* The full barrier of cmpxchg publishes the node's zeroed contents. */
	entry = cmpxchg(&table[idx], 0, (u64)virt_to_phys(node));
	if (entry) {
		kho_radix_free_node(node);
		return phys_to_virt(entry);
	}
	return node;
}

/* The leaf bitmap that holds @key, or NULL / ERR_PTR(-ENOMEM). */
static unsigned long *kho_radix_leaf(const struct kho_radix_map *map, u64 key,
				     bool create)
{
	void *node = map->root;
	unsigned int level;

	for (level = KHO_RADIX_ROOT_LEVEL; level >= 1; level--) {
		node = kho_radix_child(node, kho_radix_index(key, level), create);
		if (IS_ERR_OR_NULL(node))
			break;
	}
	return node;
}

/*
 * The leaf that holds block (@pa, @order) and its bit there, after checking
 * the block: ERR_PTR(-EINVAL/-ERANGE/-ENOMEM), or NULL when absent and not
 * created. @cursor, when not NULL, is tried first and remembers the leaf.
 */
static unsigned long *kho_radix_find(const struct kho_radix_map *map,
				     struct kho_radix_cursor *cursor,
				     phys_addr_t pa, unsigned int order,
				     bool create, unsigned int *bit)
{
	int err = kho_radix_check_block(pa, order);
	unsigned long *leaf;
	u64 key, leaf_key;

	if (err)
		return ERR_PTR(err);
	key = kho_radix_key(pa, order);
	*bit = kho_radix_bit(key);
	leaf_key = key & ~(u64)(KHO_RADIX_LEAF_BITS - 1);
	if (cursor && cursor->leaf && cursor->leaf_key == leaf_key)
		return cursor->leaf;
	leaf = kho_radix_leaf(map, key, create);
	if (cursor && !IS_ERR_OR_NULL(leaf)) {
		cursor->leaf_key = leaf_key;
		cursor->leaf = leaf;
	}
	return leaf;
}

/**
 * kho_radix_init - create an empty map
 * @map: the map to initialise
 *
 * The root node exists from the start, even while the map is empty, so its
 * address can be published before anything is preserved.
 *
 * Return: 0, or -ENOMEM.
 */
int kho_radix_init(struct kho_radix_map *map)
{
	map->root = kho_radix_alloc_node();
	return map->root ? 0 : -ENOMEM;
}

/**
 * kho_radix_attach - use a map that another kernel handed over
 * @map:  the map to initialise
 * @root: physical address of the handed-over root node
 *
 * The caller has checked that @root is memory it may read. Such a map is
 * only walked; it must not be destroyed, its nodes belong to nobody here.
 */
void kho_radix_attach(struct kho_radix_map *map, phys_addr_t root)
{
	map->root = phys_to_virt(root);
}

/**
 * kho_radix_root_phys - physical address of the root node
 * @map: the map
 *
 * Return: the value the root FDT publishes as "preserved-memory-map".
 */
phys_addr_t kho_radix_root_phys(const struct kho_radix_map *map)
{
	return virt_to_phys(map->root);
}

/**
 * kho_radix_insert - mark a block as preserved
 * @map:   the map
 * @pa:    physical address of the block, aligned to its size
 * @order: the block is 2^@order pages
 *
 * Safe against concurrent inserts and removes of any block; takes no lock.
 *
 * Return: 0; -EEXIST if the block was already marked; -EINVAL if @pa is
 * not aligned to the block size; -ERANGE if @order is above
 * KHO_RADIX_MAX_ORDER; -ENOMEM if a node could not be allocated (nodes
 * installed on the way stay, empty, which the format allows).
 */
int kho_radix_insert(struct kho_radix_map *map, phys_addr_t pa,
		     unsigned int order)
{
	return kho_radix_insert_near(map, NULL, pa, order);
}

/**
 * kho_radix_insert_near - kho_radix_insert() through a cursor
 * @map:    the map
 * @cursor: the leaf of an earlier lookup in @map, or NULL
 * @pa:     physical address of the block, aligned to its size
 * @order:  the block is 2^@order pages
 *
 * Return: as kho_radix_insert().
 */
int kho_radix_insert_near(struct kho_radix_map *map,
			  struct kho_radix_cursor *cursor, phys_addr_t pa,
			  unsigned int order)
{
	unsigned int bit;
	unsigned long *leaf = kho_radix_find(map, cursor, pa, order, true, &bit);

	if (IS_ERR(leaf))
		return PTR_ERR(leaf);
	if (test_and_set_bit(bit, leaf))
		return -EEXIST;
	return 0;
}

/**
 * kho_radix_insert_word_near - mark several blocks of one map word at once
 * @map:    the map
 * @cursor: the leaf of an earlier lookup in @map, or NULL
 * @pa:     physical address of the block of the word's bit 0: aligned to
 *          BITS_PER_LONG blocks of @order
 * @order:  the blocks' order
 * @mask:   which blocks to mark: bit n is the block n blocks after @pa
 *
 * For callers that mark many blocks that lie close together: one atomic
 * operation marks up to BITS_PER_LONG of them. All of @mask is marked, or
 * nothing is.
 *
 * Return: 0; -EEXIST if a block of @mask is marked already; -EINVAL,
 * -ERANGE or -ENOMEM as for kho_radix_insert().
 */
int kho_radix_insert_word_near(struct kho_radix_map *map,
			       struct kho_radix_cursor *cursor, phys_addr_t pa,
			       unsigned int order, unsigned long mask)
{
	unsigned long *leaf;
	atomic_long_t *word;
	unsigned int bit;
	long old;
	int err;

	err = kho_radix_check_block(pa, order);
	if (err)
		return err;
	/* Checked before the lookup, which may allocate nodes. */
	if (kho_radix_key(pa, order) % BITS_PER_LONG)
		return -EINVAL;
	if (!mask)
		return 0;
	leaf = kho_radix_find(map, cursor, pa, order, true, &bit);
	if (IS_ERR(leaf))
		return PTR_ERR(leaf);
	word = (atomic_long_t *)&leaf[bit / BITS_PER_LONG];
	old = atomic_long_read(word);
	do {
		if (old & mask)
			return -EEXIST;
	} while (!atomic_long_try_cmpxchg(word, &old, old | mask));
	return 0;
}

/**
 * kho_radix_remove - unmark a block
 * @map:   the map
 * @pa:    physical address of the block, as given to kho_radix_insert()
 * @order: order of the block, as given to kho_radix_insert()
 *
 * Only the bit is cleared; nodes are never freed while the map is live,
 * so a concurrent insert never finds its path gone.
 *
 * Return: 0; -ENOENT if the block was not marked; -EINVAL or -ERANGE as
 * for kho_radix_insert().
 */
int kho_radix_remove(struct kho_radix_map *map, phys_addr_t pa,
		     unsigned int order)
{
	return kho_radix_remove_near(map, NULL, pa, order);
}

/**
 * kho_radix_remove_near - kho_radix_remove() through a cursor
 * @map:    the map
 * @cursor: the leaf of an earlier lookup in @map, or NULL
 * @pa:     physical address of the block
 * @order:  order of the block
 *
 * Return: as kho_radix_remove().
 */
int kho_radix_remove_near(struct kho_radix_map *map,
			  struct kho_radix_cursor *cursor, phys_addr_t pa,
			  unsigned int order)
{
	unsigned int bit;
	unsigned long *leaf = kho_radix_find(map, cursor, pa, order, false, &bit);

	if (IS_ERR(leaf))
		return PTR_ERR(leaf);
	/*
	 * A restore that does not know the order tries several, and most
	 * tries miss: reading the bit first spares them an atomic operation.
	 */
	if (!leaf || !test_bit(bit, leaf) || !test_and_clear_bit(bit, leaf))
		return -ENOENT;
	return 0;
}

/**
 * kho_radix_contains - is a block marked?
 * @map:   the map
 * @pa:    physical address of the block
 * @order: order of the block
 *
 * Return: true if exactly this block (address and order) is marked.
 */
bool kho_radix_contains(const struct kho_radix_map *map, phys_addr_t pa,
			unsigned int order)
{
	return kho_radix_contains_near(map, NULL, pa, order);
}

/**
 * kho_radix_contains_near - kho_radix_contains() through a cursor
 * @map:    the map
 * @cursor: the leaf of an earlier lookup in @map, or NULL
 * @pa:     physical address of the block
 * @order:  order of the block
 *
 * Return: as kho_radix_contains().
 */
bool kho_radix_contains_near(const struct kho_radix_map *map,
			     struct kho_radix_cursor *cursor, phys_addr_t pa,
			     unsigned int order)
{
	unsigned int bit;
	unsigned long *leaf = kho_radix_find(map, cursor, pa, order, false, &bit);

	return !IS_ERR_OR_NULL(leaf) && test_bit(bit, leaf);
}

/**
 * kho_radix_any - is any block of one order preserved in a range?
 * @map:   the map
 * @start: first byte of the range
 * @end:   byte after the range; above @start
 * @order: the order to look for
 *
 * Looks at the leaf bitmaps word by word, so the cost follows the number
 * of leaves the range spans, not the number of blocks in it. Lets the
 * receiver find blocks of different orders that overlap.
 *
 * Return: true when a block of @order intersects [@start, @end).
 */
bool kho_radix_any(const struct kho_radix_map *map, phys_addr_t start,
		   phys_addr_t end, unsigned int order)
{
	u64 key, last, leaf_end;
	unsigned long *leaf;
	unsigned int bit;

	if (order > KHO_RADIX_MAX_ORDER || end <= start)
		return false;
	/* The key drops the offset inside a block. */
	key = kho_radix_key(start, order);
	last = kho_radix_key(end - 1, order);
	for (; key <= last; key = leaf_end + 1) {
		leaf_end = key | (KHO_RADIX_LEAF_BITS - 1);
		if (leaf_end > last)
			leaf_end = last;
		leaf = kho_radix_leaf(map, key, false);
		if (IS_ERR_OR_NULL(leaf))
			continue;
		bit = kho_radix_bit(key);
		if (find_next_bit(leaf, kho_radix_bit(leaf_end) + 1, bit) <=
		    kho_radix_bit(leaf_end))
			return true;
	}
	return false;
}

/*
 * Claim the marked bits @first..@last of one leaf: a word at a time, with
 * one atomic operation that clears the bits of the range in that word and
 * returns which of them were set, so concurrent claimers split them.
 */
static int kho_radix_claim_leaf(unsigned long *leaf, u64 leaf_key,
				unsigned int first, unsigned int last,
				unsigned int shift,
				int (*claimed)(phys_addr_t base,
					       unsigned long *taken, void *arg),
				void *arg)
{
	unsigned int word, lo, hi;
	unsigned long mask, taken;
	u64 word_key;
	int err;

	for (word = first / BITS_PER_LONG; word <= last / BITS_PER_LONG; word++) {
		lo = word == first / BITS_PER_LONG ? first % BITS_PER_LONG : 0;
		hi = word == last / BITS_PER_LONG ? last % BITS_PER_LONG :
		     BITS_PER_LONG - 1;
		mask = GENMASK(hi, lo);
		if (!(READ_ONCE(leaf[word]) & mask))
			continue;
		taken = atomic_long_fetch_andnot(mask, (atomic_long_t *)&leaf[word]) & mask;
		if (!taken)
			continue;
		/* The order marker is shifted out of the address. */
		word_key = leaf_key | (word * BITS_PER_LONG);
		err = claimed(word_key << shift, &taken, arg);
		/* What was taken but not handed out is marked again. */
		if (taken)
			atomic_long_or(taken, (atomic_long_t *)&leaf[word]);
		if (err)
			return err;
	}
	return 0;
}

/**
 * kho_radix_claim_range - take every marked block of one order in a range
 * @map:     the map
 * @start:   first byte of the range; blocks that intersect the range are
 *           taken, so callers align it to the block size
 * @end:     byte after the range; above @start
 * @order:   the order of the blocks to take
 * @claimed: called once per word of the map in which this call cleared
 *           bits: with the address of the block of the word's bit 0, and
 *           the cleared bits (bit n is the block n blocks further on). It
 *           owns the blocks whose bits it clears from the mask; those it
 *           leaves set are marked again. A non-zero return stops the walk
 *           with that value.
 * @arg:     passed to @claimed
 *
 * Bits are cleared atomically, a word at a time, so a block is taken by
 * exactly one caller even when several claim overlapping ranges at once.
 * Every leaf the range spans is looked up once and read word by word: the
 * cost follows the number of leaves and of marked blocks, not of pages,
 * with one atomic operation and one call per 64 blocks.
 *
 * Return: 0, or what @claimed returned.
 */
int kho_radix_claim_range(struct kho_radix_map *map, phys_addr_t start,
			  phys_addr_t end, unsigned int order,
			  int (*claimed)(phys_addr_t base, unsigned long *taken,
					 void *arg),
			  void *arg)
{
	unsigned int last_bit, shift = KHO_RADIX_PAGE_SHIFT + order;
	u64 key, last, leaf_key;
	unsigned long *leaf;
	int err;

	if (order > KHO_RADIX_MAX_ORDER || end <= start)
		return 0;
	key = kho_radix_key(start, order);
	last = kho_radix_key(end - 1, order);
	for (; key <= last; key = (leaf_key | (KHO_RADIX_LEAF_BITS - 1)) + 1) {
		leaf_key = key & ~(u64)(KHO_RADIX_LEAF_BITS - 1);
		leaf = kho_radix_leaf(map, key, false);
		if (IS_ERR_OR_NULL(leaf))
			continue;
		last_bit = last - leaf_key < KHO_RADIX_LEAF_BITS ?
			   last - leaf_key : KHO_RADIX_LEAF_BITS - 1;
		err = kho_radix_claim_leaf(leaf, leaf_key, kho_radix_bit(key),
					   last_bit, shift, claimed, arg);
		if (err)
			return err;
	}
	return 0;
}

/*
 * Walk state: the run of contiguous same-order blocks found so far, which
 * is reported only once the next block does not extend it.
 */
struct kho_radix_walker {
	const struct kho_radix_walk_ops *ops;
	void *arg;
	phys_addr_t run_start;
	phys_addr_t run_size;
	unsigned int run_order;
};

static int kho_radix_flush_run(struct kho_radix_walker *w)
{
	phys_addr_t size = w->run_size;

	if (!size)
		return 0;
	w->run_size = 0;
	return w->ops->range(w->run_start, size, w->run_order, w->arg);
}

static int kho_radix_add_run(struct kho_radix_walker *w, phys_addr_t start,
			     phys_addr_t size, unsigned int order)
{
	int err;

	if (w->run_size && w->run_order == order &&
	    w->run_start + w->run_size == start) {
		w->run_size += size;
		return 0;
	}
	err = kho_radix_flush_run(w);
	if (err)
		return err;
	w->run_start = start;
	w->run_size = size;
	w->run_order = order;
	return 0;
}

/*
 * Report the runs of set bits of one leaf. @prefix holds the key bits above
 * the leaf; its highest bit is the order marker, which lies above the leaf
 * bits for every order a sender may use (KHO_RADIX_MAX_ORDER).
 */
static int kho_radix_walk_leaf(struct kho_radix_walker *w,
			       const unsigned long *leaf, u64 prefix)
{
	unsigned int first, end, order, shift;
	phys_addr_t start, size;
	int err;

	first = find_first_bit(leaf, KHO_RADIX_LEAF_BITS);
	if (first >= KHO_RADIX_LEAF_BITS)
		return 0;
	if (!prefix) {
		pr_err("preserved-memory map: blocks of order above %u\n",
		       KHO_RADIX_MAX_ORDER);
		return -EINVAL;
	}

	order = KHO_RADIX_KEY_BITS - 1 - __fls(prefix);
	shift = KHO_RADIX_PAGE_SHIFT + order;
	for (; first < KHO_RADIX_LEAF_BITS;
	     first = find_next_bit(leaf, KHO_RADIX_LEAF_BITS, end)) {
		end = find_next_zero_bit(leaf, KHO_RADIX_LEAF_BITS, first);
		/* The marker bit is shifted out of the 64-bit address. */
		start = (prefix | first) << shift;
		size = (phys_addr_t)(end - first) << shift;
		if (!size || start + (size - 1) < start) {
			pr_err("preserved-memory map: range at %llx of order %u wraps\n",
			       (unsigned long long)start, order);
			return -EINVAL;
		}
		err = kho_radix_add_run(w, start, size, order);
		if (err)
			return err;
	}
	return 0;
}

static int kho_radix_visit(struct kho_radix_walker *w, phys_addr_t phys,
			   unsigned int level)
{
	if (phys & (KHO_RADIX_NODE_SIZE - 1)) {
		pr_err("preserved-memory map: level-%u node at %llx is not page aligned\n",
		       level, (unsigned long long)phys);
		return -EINVAL;
	}
	return w->ops->node ? w->ops->node(phys, level, w->arg) : 0;
}

static int kho_radix_walk_table(struct kho_radix_walker *w, const u64 *table,
				unsigned int level, u64 prefix);

static int kho_radix_walk_node(struct kho_radix_walker *w, phys_addr_t phys,
			       unsigned int level, u64 prefix)
{
	const struct kho_radix_walk_ops *ops = w->ops;
	void *node;
	int err;

	err = kho_radix_visit(w, phys, level);
	if (err)
		return err;
	node = ops->map ? ops->map(phys) : phys_to_virt(phys);
	if (!node)
		return -ENOMEM;
	if (level)
		err = kho_radix_walk_table(w, node, level, prefix);
	else
		err = kho_radix_walk_leaf(w, node, prefix);
	if (ops->map)
		ops->unmap(node);
	return err;
}

static int kho_radix_walk_table(struct kho_radix_walker *w, const u64 *table,
				unsigned int level, u64 prefix)
{
	unsigned int i;
	u64 entry, child_prefix;
	int err;

	for (i = 0; i < KHO_RADIX_TABLE_ENTRIES; i++) {
		entry = READ_ONCE(table[i]);
		if (!entry)
			continue;
		child_prefix = prefix | (u64)i << kho_radix_level_shift(level);
		if (child_prefix >> KHO_RADIX_KEY_BITS) {
			pr_err("preserved-memory map: root entry %u is beyond the key space\n",
			       i);
			return -EINVAL;
		}
		err = kho_radix_walk_node(w, entry, level - 1, child_prefix);
		if (err)
			return err;
	}
	return 0;
}

/**
 * kho_radix_walk - report every preserved block, merged into ranges
 * @map: the map
 * @ops: callbacks; @ops->range is required
 * @arg: passed to the callbacks
 *
 * Visits the tree depth first in ascending key order, so ranges come out
 * grouped by order, ascending by address within an order. Blocks of one
 * order that touch are merged into one range: the cost of the walk is the
 * number of nodes and runs, not the number of preserved pages. A map from
 * another kernel is checked as it is read: misaligned nodes, keys beyond
 * the key width and orders above KHO_RADIX_MAX_ORDER stop the walk.
 *
 * Return: 0, -EINVAL for a malformed map, or the first non-zero value a
 * callback returned.
 */
int kho_radix_walk(const struct kho_radix_map *map,
		   const struct kho_radix_walk_ops *ops, void *arg)
{
	return kho_radix_walk_from(kho_radix_root_phys(map), ops, arg);
}

/**
 * kho_radix_walk_from - kho_radix_walk() of a map known by its root only
 * @root: physical address of the root node
 * @ops:  callbacks; @ops->range is required
 * @arg:  passed to the callbacks
 *
 * For a kernel that checks the map it was handed before its direct map
 * exists: with @ops->map, no node is reached through the direct map.
 *
 * Return: as kho_radix_walk().
 */
int kho_radix_walk_from(phys_addr_t root, const struct kho_radix_walk_ops *ops,
			void *arg)
{
	struct kho_radix_walker w = { .ops = ops, .arg = arg };
	int err;

	err = kho_radix_walk_node(&w, root, KHO_RADIX_ROOT_LEVEL, 0);
	if (err)
		return err;
	return kho_radix_flush_run(&w);
}

static void kho_radix_free_subtree(u64 *table, unsigned int level)
{
	unsigned int i;

	for (i = 0; level && i < KHO_RADIX_TABLE_ENTRIES; i++)
		if (table[i])
			kho_radix_free_subtree(phys_to_virt(table[i]), level - 1);
	kho_radix_free_node(table);
}

/**
 * kho_radix_destroy - free every node of a map made by kho_radix_init()
 * @map: the map; nothing may insert, remove or walk concurrently
 */
void kho_radix_destroy(struct kho_radix_map *map)
{
	if (!map->root)
		return;
	kho_radix_free_subtree(map->root, KHO_RADIX_ROOT_LEVEL);
	map->root = NULL;
}
