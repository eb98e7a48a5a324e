// SPDX-License-Identifier: GPL-2.0
/*
 * How long memblock takes to reserve what a kexec handover preserved, as
 * kernel/liveupdate/kho_in.c does it: every run of preserved blocks is
 * reserved with memblock_reserve() and then marked NOINIT, in ascending
 * address order within each block order. Built against mm/memblock.c of
 * the assembled tree, unchanged, in the kernel's memblock simulator.
 *
 *   reserve_bench NR_RANGES [PASSES]
 *
 * reserves NR_RANGES one-page ranges with a one-page gap between them, so
 * that none merge. With PASSES > 1 they are reserved in that many
 * ascending passes, each taking every PASSES-th range, as when the
 * preserved blocks have several orders. Prints the time, the regions and
 * the size of the reserved array memblock grew to.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/bits.h>
#include "tests/common.h"

/* Where memblock_double_array() finds room for the growing arrays. */
#define ARENA_SIZE	SZ_256M
/* The preserved ranges, below what the kernel reserved for itself. */
#define HANDOVER_BASE	SZ_1G
#define RANGE_STRIDE	(2 * PAGE_SIZE)
/* Memblock allocations come top-down: a few reservations above. */
#define NR_ABOVE	64
#define ABOVE_BASE	BIT_ULL(46)

static double seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void setup(void *arena)
{
	unsigned long i;

	reset_memblock_regions();
	reset_memblock_attributes();
	/* Touch the arena now, so that page faults are not timed. */
	memset(arena, 0, ARENA_SIZE);
	memblock_add((phys_addr_t)arena, ARENA_SIZE);
	memblock_allow_resize();
	for (i = 0; i < NR_ABOVE; i++)
		memblock_reserve(ABOVE_BASE + i * RANGE_STRIDE, PAGE_SIZE);
}

static int reserve_ranges(unsigned long nr, unsigned long passes)
{
	unsigned long pass, i;
	phys_addr_t base;

	for (pass = 0; pass < passes; pass++) {
		for (i = pass; i < nr; i += passes) {
			base = HANDOVER_BASE + i * RANGE_STRIDE;
			if (memblock_reserve(base, PAGE_SIZE) ||
			    memblock_reserved_mark_noinit(base, PAGE_SIZE))
				return -1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long nr, passes, regions;
	void *arena;
	double start, took;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: %s NR_RANGES [PASSES]\n", argv[0]);
		return 2;
	}
	nr = strtoul(argv[1], NULL, 0);
	passes = argc > 2 ? strtoul(argv[2], NULL, 0) : 1;
	arena = malloc(ARENA_SIZE);
	if (!nr || !passes || !arena)
		return 2;

	setup(arena);
	start = seconds();
	if (reserve_ranges(nr, passes)) {
		fprintf(stderr, "memblock could not reserve %lu ranges\n", nr);
		return 1;
	}
	took = seconds() - start;

	/* One region per range, the ones above, and the array itself. */
	regions = memblock.reserved.cnt;
	if (regions < nr + NR_ABOVE) {
		fprintf(stderr, "%lu ranges became %lu regions\n", nr, regions);
		return 1;
	}
	printf("ranges %lu passes %lu: %.3f s, %.0f ns per range; ",
	       nr, passes, took, took * 1e9 / nr);
	printf("%lu regions, array of %lu (%lu KiB)\n", regions,
	       (unsigned long)memblock.reserved.max,
	       (unsigned long)(memblock.reserved.max *
			       sizeof(struct memblock_region)) >> 10);
	return 0;
}
