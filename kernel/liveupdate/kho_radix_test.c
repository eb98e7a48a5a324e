// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of the KHO preserved-memory map, run in the kernel so that
 * the real page allocator, atomics and linear map are used. The userspace
 * tests in tools/testing/kho-radix cover the same code more exhaustively.
 */
#include <kunit/test.h>
#include <linux/gfp.h>
#include <linux/io.h>

#include "kho_radix.h"

struct kho_radix_test_ranges {
	unsigned int count;
	phys_addr_t start[4];
	phys_addr_t size[4];
	unsigned int order[4];
};

static int kho_radix_test_range(phys_addr_t start, phys_addr_t size,
				unsigned int order, void *arg)
{
	struct kho_radix_test_ranges *r = arg;

	if (r->count < ARRAY_SIZE(r->start)) {
		r->start[r->count] = start;
		r->size[r->count] = size;
		r->order[r->count] = order;
	}
	r->count++;
	return 0;
}

static const struct kho_radix_walk_ops kho_radix_test_ops = {
	.range = kho_radix_test_range,
};

static void kho_radix_test_init(struct kunit *test, struct kho_radix_map *map)
{
	KUNIT_ASSERT_EQ(test, kho_radix_init(map), 0);
}

static void kho_radix_test_insert_remove(struct kunit *test)
{
	struct kho_radix_map map;
	unsigned int order;
	phys_addr_t pa;

	kho_radix_test_init(test, &map);
	for (order = 0; order <= KHO_RADIX_MAX_ORDER; order++) {
		pa = (phys_addr_t)3 << (PAGE_SHIFT + order);
		KUNIT_EXPECT_EQ(test, kho_radix_insert(&map, pa, order), 0);
		KUNIT_EXPECT_TRUE(test, kho_radix_contains(&map, pa, order));
		KUNIT_EXPECT_EQ(test, kho_radix_insert(&map, pa, order), -EEXIST);
	}
	for (order = 0; order <= KHO_RADIX_MAX_ORDER; order++) {
		pa = (phys_addr_t)3 << (PAGE_SHIFT + order);
		KUNIT_EXPECT_EQ(test, kho_radix_remove(&map, pa, order), 0);
		KUNIT_EXPECT_EQ(test, kho_radix_remove(&map, pa, order), -ENOENT);
		KUNIT_EXPECT_FALSE(test, kho_radix_contains(&map, pa, order));
	}
	KUNIT_EXPECT_EQ(test, kho_radix_insert(&map, PAGE_SIZE, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, kho_radix_insert(&map, 0, KHO_RADIX_MAX_ORDER + 1),
			-ERANGE);
	kho_radix_destroy(&map);
}

static void kho_radix_test_walk_merges(struct kunit *test)
{
	struct kho_radix_test_ranges ranges = {};
	struct kho_radix_map map;
	const phys_addr_t base = SZ_1G - 16 * PAGE_SIZE;
	unsigned long i;

	kho_radix_test_init(test, &map);
	/* 64 Ki pages across a leaf boundary, then an order-9 block. */
	for (i = 0; i < SZ_64K; i++)
		KUNIT_ASSERT_EQ(test, kho_radix_insert(&map, base + i * PAGE_SIZE, 0), 0);
	KUNIT_ASSERT_EQ(test, kho_radix_insert(&map, SZ_2G, 9), 0);

	KUNIT_ASSERT_EQ(test, kho_radix_walk(&map, &kho_radix_test_ops, &ranges), 0);
	KUNIT_ASSERT_EQ(test, ranges.count, 2);
	KUNIT_EXPECT_EQ(test, ranges.start[0], SZ_2G);
	KUNIT_EXPECT_EQ(test, ranges.size[0], SZ_2M);
	KUNIT_EXPECT_EQ(test, ranges.order[0], 9);
	KUNIT_EXPECT_EQ(test, ranges.start[1], base);
	KUNIT_EXPECT_EQ(test, ranges.size[1], (phys_addr_t)SZ_64K * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, ranges.order[1], 0);
	kho_radix_destroy(&map);
}

static void kho_radix_test_attach_and_reject(struct kunit *test)
{
	struct kho_radix_test_ranges ranges = {};
	struct kho_radix_map map, in;

	kho_radix_test_init(test, &map);
	KUNIT_ASSERT_EQ(test, kho_radix_insert(&map, SZ_4G, 0), 0);
	kho_radix_attach(&in, kho_radix_root_phys(&map));
	KUNIT_ASSERT_EQ(test, kho_radix_walk(&in, &kho_radix_test_ops, &ranges), 0);
	KUNIT_EXPECT_EQ(test, ranges.count, 1);
	KUNIT_EXPECT_EQ(test, ranges.start[0], SZ_4G);

	/* A root entry beyond the 53-bit key space is refused. */
	map.root[KHO_RADIX_TABLE_ENTRIES - 1] = map.root[2];
	KUNIT_EXPECT_EQ(test, kho_radix_walk(&in, &kho_radix_test_ops, &ranges),
			-EINVAL);
	map.root[KHO_RADIX_TABLE_ENTRIES - 1] = 0;
	kho_radix_destroy(&map);
}

static struct kunit_case kho_radix_test_cases[] = {
	KUNIT_CASE(kho_radix_test_insert_remove),
	KUNIT_CASE(kho_radix_test_walk_merges),
	KUNIT_CASE(kho_radix_test_attach_and_reject),
	{}
};

static struct kunit_suite kho_radix_test_suite = {
	.name = "kho_radix",
	.test_cases = kho_radix_test_cases,
};

kunit_test_suite(kho_radix_test_suite);

MODULE_DESCRIPTION("KUnit tests for the KHO preserved-memory map");
MODULE_LICENSE("GPL");
