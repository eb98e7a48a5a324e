// SPDX-License-Identifier: GPL-2.0-only
/* KUnit tests of the kho_scratch= parser and of carving scratch areas. */
#include <kunit/test.h>
#include <linux/sizes.h>

#include "kexec_handover_internal.h"

struct kho_scratch_test_case {
	const char *arg;
	int err;
	struct kho_scratch_request want;
};

static const struct kho_scratch_test_case kho_scratch_test_cases[] = {
	{ "200%", 0, { .scale = 200 } },
	{ "1%", 0, { .scale = 1 } },
	{ "4294967295%", 0, { .scale = 4294967295U } },
	{ "64M,512M,256M", 0, { .lowmem = SZ_64M, .global = SZ_512M, .pernode = SZ_256M } },
	{ "16m,0x20000000,1G", 0, { .lowmem = SZ_16M, .global = SZ_512M, .pernode = SZ_1G } },
	{ "0,0,4k", 0, { .pernode = SZ_4K } },
	{ "", -EINVAL },
	{ "%", -EINVAL },
	{ "0%", -EINVAL },
	{ "-5%", -EINVAL },
	{ "+5%", -EINVAL },
	{ "5x%", -EINVAL },
	{ "4294967296%", -EINVAL },
	{ "200", -EINVAL },
	{ "0,0,0", -EINVAL },
	{ "64M,512M", -EINVAL },
	{ "64M,512M,256M,", -EINVAL },
	{ "64M,512M,256Mx", -EINVAL },
	{ ",512M,256M", -EINVAL },
	{ "-1,1,1", -EINVAL },
	{ "16E,16E,16E", -EINVAL },
	{ "lowmem", -EINVAL },
};

static void kho_scratch_test_expect(struct kunit *test, const char *arg,
				    const struct kho_scratch_request *got,
				    const struct kho_scratch_request *want)
{
	KUNIT_EXPECT_EQ_MSG(test, got->scale, want->scale, "kho_scratch=%s", arg);
	KUNIT_EXPECT_EQ_MSG(test, got->lowmem, want->lowmem, "kho_scratch=%s", arg);
	KUNIT_EXPECT_EQ_MSG(test, got->global, want->global, "kho_scratch=%s", arg);
	KUNIT_EXPECT_EQ_MSG(test, got->pernode, want->pernode, "kho_scratch=%s", arg);
}

static void kho_scratch_test_parse(struct kunit *test)
{
	const struct kho_scratch_request untouched = { .scale = 77 };
	struct kho_scratch_request req;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(kho_scratch_test_cases); i++) {
		const struct kho_scratch_test_case *c = &kho_scratch_test_cases[i];

		req = untouched;
		KUNIT_EXPECT_EQ_MSG(test, kho_scratch_parse(c->arg, &req), c->err,
				    "kho_scratch=%s", c->arg);
		/* A rejected value leaves the request as it was. */
		kho_scratch_test_expect(test, c->arg, &req,
					c->err ? &untouched : &c->want);
	}
	KUNIT_EXPECT_EQ(test, kho_scratch_parse(NULL, &req), -EINVAL);
}

/* Areas of 64 MiB at 1 GiB and 2 GiB, carved as preserved memory demands. */
static void kho_scratch_test_carve(struct kunit *test)
{
	struct kho_scratch areas[3] = {
		{ .addr = SZ_1G, .size = SZ_64M },
		{ .addr = SZ_2G, .size = SZ_64M },
	};
	unsigned int nr = 2;

	/* Outside every area: nothing changes. */
	KUNIT_EXPECT_EQ(test, kho_scratch_carve(areas, &nr, 3, SZ_1G + SZ_64M, SZ_4K), 0);
	KUNIT_EXPECT_EQ(test, nr, 2);
	KUNIT_EXPECT_EQ(test, areas[0].size, SZ_64M);

	/* One page at the start: the whole first 4 MiB goes. */
	KUNIT_EXPECT_EQ(test, kho_scratch_carve(areas, &nr, 3, SZ_1G, SZ_4K), 0);
	KUNIT_EXPECT_EQ(test, areas[0].addr, SZ_1G + SZ_4M);
	KUNIT_EXPECT_EQ(test, areas[0].size, SZ_64M - SZ_4M);

	/* The last page: the tail goes. */
	KUNIT_EXPECT_EQ(test, kho_scratch_carve(areas, &nr, 3, SZ_1G + SZ_64M - SZ_4K, SZ_4K), 0);
	KUNIT_EXPECT_EQ(test, areas[0].size, SZ_64M - SZ_8M);

	/* 6 MiB in the middle of the second area: split in two. */
	KUNIT_EXPECT_EQ(test, kho_scratch_carve(areas, &nr, 3, SZ_2G + SZ_16M + SZ_1M,
						6 * SZ_1M), 0);
	KUNIT_EXPECT_EQ(test, nr, 3);
	KUNIT_EXPECT_EQ(test, areas[1].addr, SZ_2G);
	KUNIT_EXPECT_EQ(test, areas[1].size, SZ_16M);
	KUNIT_EXPECT_EQ(test, areas[2].addr, SZ_2G + SZ_16M + SZ_8M);
	KUNIT_EXPECT_EQ(test, areas[2].size, SZ_64M - SZ_16M - SZ_8M);

	/* Another split with the array full: that area is dropped whole. */
	KUNIT_EXPECT_EQ(test, kho_scratch_carve(areas, &nr, 3, SZ_2G + SZ_4M, SZ_4K), -ENOSPC);
	KUNIT_EXPECT_EQ(test, nr, 3);
	KUNIT_EXPECT_EQ(test, areas[1].size, 0);

	/* A range covering an area whole empties it. */
	KUNIT_EXPECT_EQ(test, kho_scratch_carve(areas, &nr, 3, SZ_1G, SZ_128M), 0);
	KUNIT_EXPECT_EQ(test, areas[0].size, 0);
	KUNIT_EXPECT_EQ(test, areas[2].size, SZ_64M - SZ_16M - SZ_8M);
}

static struct kunit_case kho_scratch_test_suite_cases[] = {
	KUNIT_CASE(kho_scratch_test_parse),
	KUNIT_CASE(kho_scratch_test_carve),
	{}
};

static struct kunit_suite kho_scratch_test_suite = {
	.name = "kho_scratch",
	.test_cases = kho_scratch_test_suite_cases,
};

kunit_test_suite(kho_scratch_test_suite);

MODULE_DESCRIPTION("KUnit tests for the kho_scratch= parser");
MODULE_LICENSE("GPL");
