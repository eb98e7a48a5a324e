// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the KHO preserved-memory map (kernel/liveupdate/kho_radix.c)
 * in userspace: encoding, insert/remove/contains for every order at the
 * boundaries of every level, walks that merge ranges, a random comparison
 * against a plain model, claims of ranges, malformed maps, allocation
 * failure, leaks, and concurrent inserts and claims. Prints TAP; exits non-zero on any failure.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "kho_radix.h"

static int tests_run, tests_failed;

#define CHECK(cond, ...) do {						\
	if (!(cond)) {							\
		printf("#   %s:%d: check failed: %s: ", __FILE__, __LINE__, #cond); \
		printf(__VA_ARGS__);					\
		printf("\n");						\
		failed = true;						\
	}								\
} while (0)

static bool failed;

static void report(const char *name)
{
	tests_run++;
	if (failed)
		tests_failed++;
	printf("%sok %d - %s\n", failed ? "not " : "", tests_run, name);
	failed = false;
}

/* Ranges as reported by a walk. */
struct range {
	phys_addr_t start, size;
	unsigned int order;
};

struct ranges {
	struct range *r;
	size_t n, cap;
	long nodes;
	int fail_level;		/* node callback fails at this level; -1 never */
};

static int collect_range(phys_addr_t start, phys_addr_t size,
			 unsigned int order, void *arg)
{
	struct ranges *rs = arg;

	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? 2 * rs->cap : 64;
		rs->r = realloc(rs->r, rs->cap * sizeof(*rs->r));
	}
	rs->r[rs->n++] = (struct range){ start, size, order };
	return 0;
}

static int count_node(phys_addr_t phys, unsigned int level, void *arg)
{
	struct ranges *rs = arg;

	(void)phys;
	rs->nodes++;
	return (int)level == rs->fail_level ? -EFAULT : 0;
}

static const struct kho_radix_walk_ops collect_ops = {
	.node = count_node,
	.range = collect_range,
};

static int walk(struct kho_radix_map *map, struct ranges *rs)
{
	free(rs->r);
	memset(rs, 0, sizeof(*rs));
	rs->fail_level = -1;
	return kho_radix_walk(map, &collect_ops, rs);
}

static void test_key_encoding(void)
{
	CHECK(kho_radix_key(0x100000000ULL, 0) == 0x0010000000100000ULL, "4 GiB order 0");
	CHECK(kho_radix_key(0x40000000ULL, 9) == 0x0000080000000200ULL, "1 GiB order 9");
	CHECK(kho_radix_key(0x1000ULL, 0) == 0x0010000000000001ULL, "4 KiB order 0");
	CHECK(KHO_RADIX_MAX_ORDER == 37, "max order %d", KHO_RADIX_MAX_ORDER);
	report("key encoding matches the kho-v4 examples");
}

/* Frame numbers at which the index of each level changes, for one order. */
static size_t boundary_frames(unsigned int order, u64 *out)
{
	u64 limit = 1ULL << (KHO_RADIX_KEY_BITS - 1 - order);
	size_t n = 0;
	unsigned int shift;

	out[n++] = 0;
	out[n++] = 1;
	for (shift = KHO_RADIX_LEAF_SHIFT; shift < 64; shift += KHO_RADIX_TABLE_SHIFT) {
		u64 edge = 1ULL << shift;

		if (edge >= limit)
			break;
		out[n++] = edge - 1;
		out[n++] = edge;
		if (edge * 3 < limit)
			out[n++] = edge * 3;
	}
	out[n++] = limit - 1;
	return n;
}

static void test_every_order_and_boundary(void)
{
	struct kho_radix_map map;
	struct ranges rs = { 0 };
	u64 frames[32];
	unsigned int order;
	size_t i, n;

	CHECK(kho_radix_init(&map) == 0, "init");
	for (order = 0; order <= KHO_RADIX_MAX_ORDER; order++) {
		n = boundary_frames(order, frames);
		for (i = 0; i < n; i++) {
			unsigned int shift = KHO_RADIX_PAGE_SHIFT + order;
			phys_addr_t pa = frames[i] << shift;
			int err;

			err = kho_radix_insert(&map, pa, order);
			CHECK(err == 0, "insert %#llx order %u: %d",
			      (unsigned long long)pa, order, err);
			CHECK(kho_radix_contains(&map, pa, order), "contains %#llx/%u",
			      (unsigned long long)pa, order);
			if (order)
				CHECK(!kho_radix_contains(&map, pa, order - 1), "other order");
			CHECK(kho_radix_insert(&map, pa, order) == -EEXIST, "double insert");
			CHECK(walk(&map, &rs) == 0, "walk");
			CHECK(rs.n == 1 && rs.r[0].start == pa &&
			      rs.r[0].size == 1ULL << shift && rs.r[0].order == order,
			      "walk of %#llx/%u gave %zu ranges, first %#llx+%#llx/%u",
			      (unsigned long long)pa, order, rs.n,
			      rs.n ? (unsigned long long)rs.r[0].start : 0ULL,
			      rs.n ? (unsigned long long)rs.r[0].size : 0ULL,
			      rs.n ? rs.r[0].order : 0);
			CHECK(kho_radix_remove(&map, pa, order) == 0, "remove");
			CHECK(kho_radix_remove(&map, pa, order) == -ENOENT, "double remove");
			CHECK(!kho_radix_contains(&map, pa, order), "gone");
		}
	}
	CHECK(walk(&map, &rs) == 0 && rs.n == 0, "empty after removals: %zu", rs.n);
	kho_radix_destroy(&map);
	CHECK(shim_pages_in_use == 0, "leaked %ld pages", shim_pages_in_use);
	free(rs.r);
	report("insert, contains, remove and walk for every order at every level boundary");
}

static void test_bad_arguments(void)
{
	struct kho_radix_map map;

	CHECK(kho_radix_init(&map) == 0, "init");
	CHECK(kho_radix_insert(&map, 0x1800, 1) == -EINVAL, "misaligned order 1");
	CHECK(kho_radix_insert(&map, 0x1001, 0) == -EINVAL, "misaligned order 0");
	CHECK(kho_radix_insert(&map, 0, KHO_RADIX_MAX_ORDER + 1) == -ERANGE, "order too big");
	CHECK(kho_radix_remove(&map, 0x5000, 0) == -ENOENT, "remove never inserted");
	CHECK(kho_radix_remove(&map, 0x1800, 1) == -EINVAL, "remove misaligned");
	CHECK(!kho_radix_contains(&map, 0x1800, 1), "contains misaligned");
	CHECK(kho_radix_insert(&map, 0x2000, 1) == 0, "insert");
	CHECK(kho_radix_remove(&map, 0x2000, 0) == -ENOENT, "remove with wrong order");
	CHECK(kho_radix_contains(&map, 0x2000, 1), "still there");
	kho_radix_destroy(&map);
	CHECK(shim_pages_in_use == 0, "leaked %ld pages", shim_pages_in_use);
	report("misaligned, oversized and absent blocks have defined errors");
}

static void test_walk_merges_runs(void)
{
	struct kho_radix_map map;
	struct ranges rs = { 0 };
	const phys_addr_t base = 0x7ff0000ULL;	/* crosses a leaf boundary */
	const unsigned long pages = 70000;
	unsigned long i;

	CHECK(kho_radix_init(&map) == 0, "init");
	for (i = 0; i < pages; i++)
		CHECK(kho_radix_insert(&map, base + i * PAGE_SIZE, 0) == 0, "insert %lu", i);
	CHECK(walk(&map, &rs) == 0, "walk");
	CHECK(rs.n == 1 && rs.r[0].start == base && rs.r[0].size == pages * PAGE_SIZE,
	      "one range expected, got %zu", rs.n);
	/* Five tables, then the four leaves frames 32752..102751 span. */
	CHECK(rs.nodes == 9, "visited %ld nodes", rs.nodes);

	/*
	 * A hole splits the run. A block of another order is its own range
	 * even where it touches the run; it is reported first, as higher
	 * orders have smaller keys.
	 */
	CHECK(kho_radix_remove(&map, base + 40000 * PAGE_SIZE, 0) == 0, "hole");
	CHECK(kho_radix_insert(&map, base - 16 * PAGE_SIZE, 4) == 0, "order 4 before");
	CHECK(walk(&map, &rs) == 0, "walk");
	CHECK(rs.n == 3, "three ranges expected, got %zu", rs.n);
	if (rs.n == 3) {
		CHECK(rs.r[0].order == 4 && rs.r[0].start == base - 16 * PAGE_SIZE &&
		      rs.r[0].size == 16 * PAGE_SIZE, "order-4 block");
		CHECK(rs.r[1].order == 0 && rs.r[1].start == base &&
		      rs.r[1].size == 40000 * PAGE_SIZE, "first run");
		CHECK(rs.r[2].order == 0 && rs.r[2].start == base + 40001 * PAGE_SIZE &&
		      rs.r[2].size == (pages - 40001) * PAGE_SIZE, "second run");
	}
	kho_radix_destroy(&map);
	CHECK(shim_pages_in_use == 0, "leaked %ld pages", shim_pages_in_use);
	free(rs.r);
	report("walk merges contiguous blocks across leaves and splits at holes and orders");
}

struct block {
	phys_addr_t pa;
	unsigned int order;
	bool present;
};

static u64 rng_state = 0x2545f4914f6cdd1dULL;

static u64 rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static int cmp_block(const void *a, const void *b)
{
	const struct block *x = a, *y = b;
	u64 kx = kho_radix_key(x->pa, x->order), ky = kho_radix_key(y->pa, y->order);

	return kx < ky ? -1 : kx > ky;
}

static void test_random_against_model(void)
{
	const size_t nr = 20000;
	struct block *blocks = calloc(nr, sizeof(*blocks));
	struct kho_radix_map map;
	struct ranges rs = { 0 };
	size_t i, j, live = 0, got = 0;

	CHECK(kho_radix_init(&map) == 0, "init");
	for (i = 0; i < nr; i++) {
		unsigned int order = rnd() % 13;
		/* Small address space so that duplicates and neighbours occur. */
		phys_addr_t pa = (rnd() % (1ULL << 24)) << (12 + order);
		bool dup = false;
		int err = kho_radix_insert(&map, pa, order);

		for (j = 0; j < i && !dup; j++)
			dup = blocks[j].present && blocks[j].pa == pa && blocks[j].order == order;
		CHECK(err == (dup ? -EEXIST : 0), "insert %zu: %d (dup %d)", i, err, dup);
		blocks[i] = (struct block){ pa, order, !dup };
	}
	for (i = 0; i < nr; i += 2) {
		if (!blocks[i].present)
			continue;
		CHECK(kho_radix_remove(&map, blocks[i].pa, blocks[i].order) == 0, "remove %zu", i);
		blocks[i].present = false;
	}
	for (i = 0; i < nr; i++)
		if (blocks[i].present)
			blocks[live++] = blocks[i];
	qsort(blocks, live, sizeof(*blocks), cmp_block);

	CHECK(walk(&map, &rs) == 0, "walk");
	/* Expand every range into blocks; they must be the model, in order. */
	for (i = 0; i < rs.n; i++) {
		phys_addr_t step = 1ULL << (12 + rs.r[i].order), pa;

		if (i)
			CHECK(!(rs.r[i - 1].order == rs.r[i].order &&
				rs.r[i - 1].start + rs.r[i - 1].size == rs.r[i].start),
			      "ranges %zu and %zu should have been merged", i - 1, i);
		for (pa = rs.r[i].start; pa < rs.r[i].start + rs.r[i].size; pa += step, got++) {
			if (got >= live) {
				CHECK(false, "walk reported more blocks than the model has");
				break;
			}
			CHECK(blocks[got].pa == pa && blocks[got].order == rs.r[i].order,
			      "block %zu: walk %#llx/%u, model %#llx/%u", got,
			      (unsigned long long)pa, rs.r[i].order,
			      (unsigned long long)blocks[got].pa, blocks[got].order);
			if (failed)
				break;
		}
		if (failed)
			break;
	}
	CHECK(got == live, "walk reported %zu blocks, model has %zu", got, live);
	kho_radix_destroy(&map);
	CHECK(shim_pages_in_use == 0, "leaked %ld pages", shim_pages_in_use);
	free(rs.r);
	free(blocks);
	report("random inserts and removes agree with a plain model");
}

/*
 * kho_radix_any() against a plain model: random blocks, then random ranges
 * (crossing leaf boundaries too) asked for every order.
 */
/* Does block @b have @order and intersect [@start, @end)? */
static bool block_hits(const struct block *b, phys_addr_t start,
		       phys_addr_t end, unsigned int order)
{
	return b->order == order && b->pa < end &&
	       start < b->pa + (1ULL << (12 + order));
}

static bool model_any(const struct block *blocks, size_t nr, phys_addr_t start,
		      phys_addr_t end, unsigned int order)
{
	size_t i;

	for (i = 0; i < nr; i++)
		if (block_hits(&blocks[i], start, end, order))
			return true;
	return false;
}

/*
 * Insert @nr random blocks below 1 GiB of orders 0-11; one that fails
 * (a duplicate) gets order 99, so that no model query matches it.
 */
static void insert_random_blocks(struct kho_radix_map *map,
				 struct block *blocks, size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++) {
		unsigned int order = rnd() % 12;
		phys_addr_t pa = (rnd() % (1ULL << 30)) & ~((1ULL << (12 + order)) - 1);

		blocks[i] = (struct block){ pa, order, kho_radix_insert(map, pa, order) == 0 };
		if (!blocks[i].present)
			blocks[i].order = 99;
	}
}

static void test_any_against_model(void)
{
	const size_t nr = 300, queries = 4000;
	struct block *blocks = calloc(nr, sizeof(*blocks));
	struct kho_radix_map map;
	size_t i, hits = 0;

	CHECK(kho_radix_init(&map) == 0, "init");
	insert_random_blocks(&map, blocks, nr);
	for (i = 0; i < queries && !failed; i++) {
		phys_addr_t start = rnd() % (1ULL << 30);
		phys_addr_t end = start + 1 + rnd() % (1ULL << (rnd() % 30));
		unsigned int order = rnd() % 12;
		bool want = model_any(blocks, nr, start, end, order);

		hits += want;
		CHECK(kho_radix_any(&map, start, end, order) == want,
		      "[%#llx, %#llx) order %u: want %d", (unsigned long long)start,
		      (unsigned long long)end, order, want);
	}
	CHECK(hits > queries / 20, "only %zu of %zu queries hit a block", hits, queries);
	CHECK(!kho_radix_any(&map, 4096, 4096, 0), "an empty range holds nothing");
	CHECK(!kho_radix_any(&map, 0, 1ULL << 40, KHO_RADIX_MAX_ORDER + 1),
	      "an impossible order holds nothing");
	kho_radix_destroy(&map);
	CHECK(shim_pages_in_use == 0, "leaked %ld pages", shim_pages_in_use);
	free(blocks);
	report("kho_radix_any agrees with a plain model");
}

/* What kho_radix_claim_range() handed out, checked against the model. */
struct claims {
	const struct block *blocks;
	size_t nr;
	unsigned int order;
	phys_addr_t start, end;
	size_t claimed;
	bool wrong;
};

/*
 * The claim callbacks below see one block at a time: hand each block of
 * a claimed word to them in turn, as kho_restore.c does, clearing its bit
 * once handed out (also when the callback fails: the block is its).
 */
struct per_block {
	int (*fn)(phys_addr_t pa, void *arg);
	void *arg;
	unsigned int order;
};

static int claim_each_block(phys_addr_t base, unsigned long *taken, void *arg)
{
	struct per_block *pb = arg;
	unsigned int bit;
	int err;

	while (*taken) {
		bit = __builtin_ctzl(*taken);
		*taken &= *taken - 1;
		err = pb->fn(base + ((phys_addr_t)bit << (KHO_RADIX_PAGE_SHIFT + pb->order)),
			     pb->arg);
		if (err)
			return err;
	}
	return 0;
}

static int claim_blocks(struct kho_radix_map *map, phys_addr_t start,
			phys_addr_t end, unsigned int order,
			int (*fn)(phys_addr_t pa, void *arg), void *arg)
{
	struct per_block pb = { .fn = fn, .arg = arg, .order = order };

	return kho_radix_claim_range(map, start, end, order, claim_each_block,
				     &pb);
}

static int check_claim(phys_addr_t pa, void *arg)
{
	struct claims *c = arg;
	size_t i;

	c->claimed++;
	for (i = 0; i < c->nr; i++)
		if (c->blocks[i].pa == pa && c->blocks[i].order == c->order)
			return 0;
	c->wrong = true;
	return 0;
}

static void test_claim_against_model(void)
{
	const size_t nr = 300, queries = 300;
	struct block *blocks = calloc(nr, sizeof(*blocks));
	struct kho_radix_map map;
	size_t i, j, want, total = 0;

	CHECK(kho_radix_init(&map) == 0, "init");
	insert_random_blocks(&map, blocks, nr);
	for (i = 0; i < queries && !failed; i++) {
		struct claims c = { .blocks = blocks, .nr = nr, .order = rnd() % 12 };

		c.start = rnd() % (1ULL << 30);
		c.end = c.start + 1 + rnd() % (1ULL << (rnd() % 30));
		for (want = 0, j = 0; j < nr; j++)
			want += block_hits(&blocks[j], c.start, c.end, c.order);
		CHECK(claim_blocks(&map, c.start, c.end, c.order, check_claim,
				   &c) == 0, "claim");
		CHECK(!c.wrong, "claimed a block that is not in the model");
		CHECK(c.claimed == want, "[%#llx, %#llx) order %u: claimed %zu, want %zu",
		      (unsigned long long)c.start, (unsigned long long)c.end,
		      c.order, c.claimed, want);
		CHECK(!kho_radix_any(&map, c.start, c.end, c.order),
		      "claimed blocks are gone from the map");
		for (j = 0; j < nr; j++)
			if (block_hits(&blocks[j], c.start, c.end, c.order))
				blocks[j].order = 99;
		total += c.claimed;
	}
	for (i = 0; i < nr; i++)
		CHECK(blocks[i].order == 99 ||
		      kho_radix_contains(&map, blocks[i].pa, blocks[i].order),
		      "block %#llx order %u outside every claim is still there",
		      (unsigned long long)blocks[i].pa, blocks[i].order);
	CHECK(total > 10, "only %zu blocks claimed", total);
	kho_radix_destroy(&map);
	free(blocks);
	report("kho_radix_claim_range takes exactly the blocks of a range");
}

/* Fails on the third block it is handed. */
static int fail_third(phys_addr_t pa, void *arg)
{
	(void)pa;
	return ++*(int *)arg == 3 ? -EINTR : 0;
}

static void test_claim_stops_cleanly(void)
{
	struct kho_radix_map map;
	phys_addr_t pa;
	int calls = 0, left = 0;

	CHECK(kho_radix_init(&map) == 0, "init");
	/* 100 blocks: two whole words and part of a third in one leaf. */
	for (pa = 0; pa < 100 * PAGE_SIZE; pa += PAGE_SIZE)
		kho_radix_insert(&map, pa, 0);
	CHECK(claim_blocks(&map, 0, 100 * PAGE_SIZE, 0, fail_third,
			   &calls) == -EINTR, "the callback's error is returned");
	CHECK(calls == 3, "the walk stopped at the failing block (%d calls)", calls);
	for (pa = 0; pa < 100 * PAGE_SIZE; pa += PAGE_SIZE)
		left += kho_radix_contains(&map, pa, 0);
	/* The first two were handed out; the failing one is the caller's. */
	CHECK(left == 97, "%d blocks still marked, want 97", left);
	CHECK(!kho_radix_contains(&map, 2 * PAGE_SIZE, 0) &&
	      kho_radix_contains(&map, 3 * PAGE_SIZE, 0) &&
	      kho_radix_contains(&map, 63 * PAGE_SIZE, 0),
	      "the rest of the word the walk stopped in is marked again");
	kho_radix_destroy(&map);
	report("a claim that stops early leaves the blocks it did not hand out");
}

/* Takes only the blocks of even bits, as a restore leaves offline ones. */
static int take_even(phys_addr_t base, unsigned long *taken, void *arg)
{
	(*(int *)arg) += __builtin_popcountl(*taken & 0x5555555555555555UL);
	*taken &= ~0x5555555555555555UL;
	return 0;
}

static void test_claim_leaves_untaken(void)
{
	struct kho_radix_map map;
	int taken = 0, left = 0;
	phys_addr_t pa;

	CHECK(kho_radix_init(&map) == 0, "init");
	for (pa = 0; pa < 128 * PAGE_SIZE; pa += PAGE_SIZE)
		kho_radix_insert(&map, pa, 0);
	CHECK(kho_radix_claim_range(&map, 0, 128 * PAGE_SIZE, 0, take_even,
				    &taken) == 0, "the claim succeeds");
	for (pa = 0; pa < 128 * PAGE_SIZE; pa += PAGE_SIZE)
		left += kho_radix_contains(&map, pa, 0) != (pa / PAGE_SIZE) % 2;
	CHECK(taken == 64 && left == 0,
	      "the callback took %d blocks; %d blocks are (un)marked wrongly",
	      taken, left);
	kho_radix_destroy(&map);
	report("blocks a claim callback leaves in its mask stay marked");
}

static void test_cursor(void)
{
	struct kho_radix_cursor cursor = { 0 };
	struct kho_radix_map map;
	phys_addr_t pa;
	long nodes;
	int err = 0;

	CHECK(kho_radix_init(&map) == 0, "init");
	/* Across a leaf boundary (32768 pages) and between orders. */
	for (pa = 32700 * PAGE_SIZE; pa < 32900 * PAGE_SIZE; pa += PAGE_SIZE)
		err |= kho_radix_insert_near(&map, &cursor, pa, 0);
	err |= kho_radix_insert_near(&map, &cursor, 1ULL << 30, 9);
	err |= kho_radix_insert_near(&map, &cursor, 32800 * PAGE_SIZE, 0) != -EEXIST;
	CHECK(!err, "inserts through a cursor");
	nodes = shim_pages_in_use;
	CHECK(kho_radix_contains(&map, 32767 * PAGE_SIZE, 0) &&
	      kho_radix_contains(&map, 32768 * PAGE_SIZE, 0) &&
	      kho_radix_contains(&map, 1ULL << 30, 9) &&
	      !kho_radix_contains(&map, 32900 * PAGE_SIZE, 0),
	      "the blocks are where a plain lookup finds them");
	memset(&cursor, 0, sizeof(cursor));
	for (pa = 32700 * PAGE_SIZE; pa < 32900 * PAGE_SIZE; pa += PAGE_SIZE)
		err |= kho_radix_remove_near(&map, &cursor, pa, 0);
	err |= kho_radix_remove_near(&map, &cursor, 1ULL << 30, 9);
	err |= kho_radix_remove_near(&map, &cursor, 1ULL << 30, 9) != -ENOENT;
	err |= kho_radix_remove_near(&map, &cursor, 4096 + 1, 0) != -EINVAL;
	CHECK(!err, "removes through a cursor");
	CHECK(!kho_radix_any(&map, 0, 1ULL << 31, 0) &&
	      !kho_radix_any(&map, 0, 1ULL << 31, 9), "the map is empty again");
	CHECK(shim_pages_in_use == nodes, "removing allocated nothing");
	kho_radix_destroy(&map);
	CHECK(shim_pages_in_use == 0, "leaked %ld pages", shim_pages_in_use);
	report("inserts and removes through a cursor match plain lookups");
}

/* Blocks marked a word at a time are the ones a plain lookup finds. */
static void test_insert_word(void)
{
	struct kho_radix_cursor cursor = { 0 };
	unsigned long mask = 0x8000000000000f05UL;
	struct kho_radix_map map;
	phys_addr_t word = 64 * 9 * (PAGE_SIZE << 3), pa;
	unsigned int bit;
	bool same = true;

	CHECK(kho_radix_init(&map) == 0, "init");
	CHECK(kho_radix_insert_word_near(&map, &cursor, word, 3, mask) == 0,
	      "a word of order-3 blocks is marked");
	for (bit = 0; bit < 64; bit++) {
		pa = word + ((phys_addr_t)bit << (KHO_RADIX_PAGE_SHIFT + 3));
		same &= kho_radix_contains(&map, pa, 3) == !!(mask & (1UL << bit));
	}
	CHECK(same, "exactly the blocks of the mask are marked");
	CHECK(kho_radix_insert_word_near(&map, &cursor, word, 3, 0x3800) == -EEXIST,
	      "a mask with a marked block is refused");
	CHECK(!kho_radix_contains(&map, word + (13UL << (KHO_RADIX_PAGE_SHIFT + 3)), 3),
	      "a refused mask marks nothing");
	CHECK(kho_radix_insert_word_near(&map, NULL, word + (PAGE_SIZE << 3), 3, 1) == -EINVAL,
	      "an address that is not a word's first block is refused");
	CHECK(kho_radix_insert_word_near(&map, NULL, word + PAGE_SIZE, 3, 1) == -EINVAL,
	      "a misaligned address is refused");
	kho_radix_destroy(&map);
	CHECK(shim_pages_in_use == 0, "leaked %ld pages", shim_pages_in_use);
	report("a word of blocks is marked whole or not at all");
}

static u64 *table_at(u64 *table, unsigned int idx)
{
	return phys_to_virt(table[idx]);
}

static void test_malformed_maps(void)
{
	struct kho_radix_map map, bad;
	struct ranges rs = { 0 };
	u64 *n4, *n3, *n2;
	int logs;

	shim_quiet = true;
	CHECK(kho_radix_init(&map) == 0, "init");
	/* Key 0x0010000000000001: path 2,0,0,0,0, bit 1. */
	CHECK(kho_radix_insert(&map, 0x1000, 0) == 0, "insert");
	n4 = table_at(map.root, 2);
	n3 = table_at(n4, 0);
	n2 = table_at(n3, 0);

	logs = shim_log_count;
	map.root[4] = map.root[2];
	CHECK(walk(&map, &rs) == -EINVAL, "root entry beyond the key space accepted");
	CHECK(shim_log_count > logs, "no message for a root entry beyond the key space");
	map.root[4] = 0;

	logs = shim_log_count;
	n2[7] = n2[0] + 8;
	CHECK(walk(&map, &rs) == -EINVAL, "misaligned node accepted");
	CHECK(shim_log_count > logs, "no message for a misaligned node");
	n2[7] = 0;

	free(rs.r);
	memset(&rs, 0, sizeof(rs));
	rs.fail_level = 2;
	CHECK(kho_radix_walk(&map, &collect_ops, &rs) == -EFAULT, "node veto ignored");
	CHECK(rs.n == 0, "ranges reported past a veto");

	/* The same leaf reached through path 0,0,0,0,0 has no order marker. */
	logs = shim_log_count;
	CHECK(kho_radix_init(&bad) == 0, "init");
	bad.root[0] = virt_to_phys(n4);
	CHECK(walk(&bad, &rs) == -EINVAL, "keys of order above the maximum accepted");
	CHECK(shim_log_count > logs, "no message for order above the maximum");
	bad.root[0] = 0;
	kho_radix_destroy(&bad);

	CHECK(walk(&map, &rs) == 0 && rs.n == 1, "the repaired map no longer walks");
	kho_radix_destroy(&map);
	CHECK(shim_pages_in_use == 0, "leaked %ld pages", shim_pages_in_use);
	free(rs.r);
	shim_quiet = false;
	report("malformed maps are refused with a message");
}

static void test_allocation_failure(void)
{
	struct kho_radix_map map;
	struct ranges rs = { 0 };
	long fail;

	shim_fail_after = 0;
	CHECK(kho_radix_init(&map) == -ENOMEM, "init without memory");
	shim_fail_after = -1;

	/* A first insert needs five nodes below the root; fail each in turn. */
	for (fail = 0; fail < 5; fail++) {
		CHECK(kho_radix_init(&map) == 0, "init");
		shim_fail_after = fail;
		CHECK(kho_radix_insert(&map, 0x200000, 0) == -ENOMEM,
		      "allocation %ld failure not reported", fail);
		shim_fail_after = -1;
		CHECK(!kho_radix_contains(&map, 0x200000, 0), "half-inserted");
		CHECK(walk(&map, &rs) == 0 && rs.n == 0, "map unusable after a failure");
		CHECK(kho_radix_insert(&map, 0x200000, 0) == 0, "insert after a failure");
		CHECK(walk(&map, &rs) == 0 && rs.n == 1, "walk after a failure");
		kho_radix_destroy(&map);
		CHECK(shim_pages_in_use == 0, "leaked %ld pages", shim_pages_in_use);
	}
	free(rs.r);
	report("allocation failure returns -ENOMEM and leaves a consistent map");
}

static void test_attach(void)
{
	struct kho_radix_map map, in;
	struct ranges a = { 0 }, b = { 0 };

	CHECK(kho_radix_init(&map) == 0, "init");
	CHECK(kho_radix_insert(&map, 0x40000000, 9) == 0, "insert");
	CHECK(kho_radix_insert(&map, 0x100000000ULL, 0) == 0, "insert");
	kho_radix_attach(&in, kho_radix_root_phys(&map));
	CHECK(walk(&map, &a) == 0 && walk(&in, &b) == 0, "walks");
	CHECK(a.n == 2 && b.n == 2 && !memcmp(a.r, b.r, 2 * sizeof(*a.r)),
	      "attached map differs");
	kho_radix_destroy(&map);
	free(a.r);
	free(b.r);
	report("a map attached by its root address walks the same");
}

#define NR_THREADS	4
#define PER_THREAD	50000UL

static struct kho_radix_map shared_map;
static int thread_errors;

static void *insert_interleaved(void *arg)
{
	unsigned long t = (unsigned long)arg, i;

	for (i = 0; i < PER_THREAD; i++)
		if (kho_radix_insert(&shared_map, (i * NR_THREADS + t) * PAGE_SIZE, 0))
			__atomic_fetch_add(&thread_errors, 1, __ATOMIC_RELAXED);
	return NULL;
}

static unsigned long thread_claims[NR_THREADS];

static int count_claim(phys_addr_t pa, void *arg)
{
	(void)pa;
	(*(unsigned long *)arg)++;
	return 0;
}

/* Every thread claims the whole map: each block goes to exactly one. */
static void *claim_everything(void *arg)
{
	unsigned long t = (unsigned long)arg;

	claim_blocks(&shared_map, 0, NR_THREADS * PER_THREAD * PAGE_SIZE, 0,
		     count_claim, &thread_claims[t]);
	return NULL;
}

static void test_concurrent_claims(void)
{
	pthread_t threads[NR_THREADS];
	unsigned long t, total = 0;

	for (t = 0; t < NR_THREADS; t++)
		pthread_create(&threads[t], NULL, claim_everything, (void *)t);
	for (t = 0; t < NR_THREADS; t++)
		pthread_join(threads[t], NULL);
	for (t = 0; t < NR_THREADS; t++)
		total += thread_claims[t];
	CHECK(total == NR_THREADS * PER_THREAD, "%lu blocks claimed, want %lu",
	      total, NR_THREADS * PER_THREAD);
	CHECK(!kho_radix_any(&shared_map, 0, NR_THREADS * PER_THREAD * PAGE_SIZE, 0),
	      "the map is empty afterwards");
	report("concurrent claims of one range hand each block out once");
}

static void test_concurrent_inserts(void)
{
	pthread_t threads[NR_THREADS];
	struct ranges rs = { 0 };
	unsigned long t;

	CHECK(kho_radix_init(&shared_map) == 0, "init");
	for (t = 0; t < NR_THREADS; t++)
		pthread_create(&threads[t], NULL, insert_interleaved, (void *)t);
	for (t = 0; t < NR_THREADS; t++)
		pthread_join(threads[t], NULL);
	CHECK(thread_errors == 0, "%d inserts failed", thread_errors);
	CHECK(walk(&shared_map, &rs) == 0, "walk");
	CHECK(rs.n == 1 && rs.r[0].start == 0 &&
	      rs.r[0].size == NR_THREADS * PER_THREAD * PAGE_SIZE,
	      "expected one range of all pages, got %zu", rs.n);
	/* Nodes that lost an installation race were freed, not leaked. */
	CHECK(shim_pages_in_use == rs.nodes, "%ld pages allocated for %ld nodes",
	      shim_pages_in_use, rs.nodes);
	free(rs.r);
	report("concurrent inserts into shared leaves lose nothing and leak nothing");
	test_concurrent_claims();
	kho_radix_destroy(&shared_map);
	CHECK(shim_pages_in_use == 0, "leaked %ld pages", shim_pages_in_use);
	report("the map is freed whole after concurrent use");
}

int main(void)
{
	printf("TAP version 13\n1..17\n");
	test_key_encoding();
	test_every_order_and_boundary();
	test_bad_arguments();
	test_walk_merges_runs();
	test_random_against_model();
	test_any_against_model();
	test_claim_against_model();
	test_claim_stops_cleanly();
	test_claim_leaves_untaken();
	test_cursor();
	test_insert_word();
	test_malformed_maps();
	test_allocation_failure();
	test_attach();
	test_concurrent_inserts();
	printf("# %d passed, %d failed\n", tests_run - tests_failed, tests_failed);
	return tests_failed ? 1 : 0;
}
