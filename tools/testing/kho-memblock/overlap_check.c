// SPDX-License-Identifier: GPL-2.0
/*
 * memblock_add_range() warns when a new range covers a region whose flags
 * differ from its own, since the covered part keeps the flags it had.
 * With kernel reservations (MEMBLOCK_RSRV_KERN) a plain memblock_reserve()
 * over one is normal and must not warn; any other request still does.
 *
 *   overlap_check plain-over-kern | kern-over-plain | memory
 *
 * sets up one case, checks the regions it leaves and prints them; the
 * simulator prints memblock's warnings on stderr, which the caller checks.
 */
#include <stdio.h>
#include <string.h>
#include "tests/common.h"

#define BASE	SZ_1M
#define GAP	SZ_64K

struct expect {
	phys_addr_t base, size;
	enum memblock_flags flags;
};

static int check(struct memblock_type *type, const struct expect *want,
		 unsigned int nr)
{
	struct memblock_region *r;
	unsigned int i;
	int bad = type->cnt != nr;

	for (i = 0; i < type->cnt; i++) {
		r = &type->regions[i];
		printf("%s[%u]: %#llx+%#llx flags %#x\n", type->name, i,
		       (unsigned long long)r->base,
		       (unsigned long long)r->size, r->flags);
		if (i < nr && (r->base != want[i].base ||
			       r->size != want[i].size ||
			       r->flags != want[i].flags))
			bad = 1;
	}
	return bad;
}

int main(int argc, char **argv)
{
	const char *which = argc == 2 ? argv[1] : "";

	reset_memblock_regions();
	reset_memblock_attributes();

	if (!strcmp(which, "plain-over-kern")) {
		/* x86: memblock_reserve(0, SZ_1M) over the trampoline */
		const struct expect want[] = {
			{ BASE - GAP, GAP, MEMBLOCK_NONE },
			{ BASE, GAP, MEMBLOCK_RSRV_KERN },
			{ BASE + GAP, GAP, MEMBLOCK_NONE },
		};

		memblock_reserve_kern(BASE, GAP);
		memblock_reserve(BASE - GAP, 3 * GAP);
		return check(&memblock.reserved, want, 3);
	}
	if (!strcmp(which, "kern-over-plain")) {
		/* the middle is not counted as the kernel's own: warns */
		const struct expect want[] = {
			{ BASE - GAP, GAP, MEMBLOCK_RSRV_KERN },
			{ BASE, GAP, MEMBLOCK_NONE },
			{ BASE + GAP, GAP, MEMBLOCK_RSRV_KERN },
		};

		memblock_reserve(BASE, GAP);
		memblock_reserve_kern(BASE - GAP, 3 * GAP);
		return check(&memblock.reserved, want, 3);
	}
	if (!strcmp(which, "memory")) {
		/* memory regions must agree, as before: warns */
		const struct expect want[] = {
			{ BASE - GAP, GAP, MEMBLOCK_NONE },
			{ BASE, GAP, MEMBLOCK_HOTPLUG },
			{ BASE + GAP, GAP, MEMBLOCK_NONE },
		};

		memblock_add_node(BASE, GAP, 0, MEMBLOCK_HOTPLUG);
		memblock_add(BASE - GAP, 3 * GAP);
		return check(&memblock.memory, want, 3);
	}
	fprintf(stderr, "usage: %s plain-over-kern|kern-over-plain|memory\n",
		argv[0]);
	return 2;
}
