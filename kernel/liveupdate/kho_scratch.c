// SPDX-License-Identifier: GPL-2.0-only
/*
 * Scratch memory of Kexec HandOver.
 *
 * A kernel booted by KHO cannot allocate from just anywhere early in boot:
 * until it has read the preserved-memory map, any page may hold data the
 * previous kernel handed over. Scratch areas are memory that is known to
 * hold nothing preserved; the first kernel reserves them on a cold boot and
 * gives them to the page allocator as CMA, so only movable allocations,
 * which never get preserved, land there.
 *
 * kho_scratch= sizes them, either relative to what the kernel reserved for
 * itself at boot (kho_scratch=200%, the default) or absolutely
 * (kho_scratch=lowmem,global,pernode with K/M/G suffixes).
 */

#define pr_fmt(fmt) "KHO: " fmt

#include <linux/cma.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/kexec_handover.h>
#include <linux/kho/abi/kexec_handover.h>
#include <linux/kstrtox.h>
#include <linux/memblock.h>
#include <linux/mm.h>
#include <linux/nodemask.h>
#include <linux/overflow.h>
#include <linux/string.h>
#include <asm/early_ioremap.h>

#include "../../mm/internal.h"
#include "kexec_handover_internal.h"

static struct kho_scratch_request kho_scratch_request __initdata = {
	.scale = KHO_SCRATCH_DEFAULT_SCALE,
};

/* "N%": a positive decimal percentage and nothing else. */
static int kho_scratch_parse_scale(const char *arg, size_t len,
				   struct kho_scratch_request *req)
{
	char digits[12];
	unsigned int scale;

	if (len < 2 || len > sizeof(digits) || arg[len - 1] != '%')
		return -EINVAL;
	memcpy(digits, arg, len - 1);
	digits[len - 1] = '\0';
	/* kstrtouint() accepts a sign and a newline; a percentage has neither. */
	if (digits[0] < '0' || digits[0] > '9' || kstrtouint(digits, 10, &scale))
		return -EINVAL;
	if (!scale)
		return -EINVAL;

	*req = (struct kho_scratch_request){ .scale = scale };
	return 0;
}

/* One memparse() size that must be followed by @sep ('\0' for the last). */
static int kho_scratch_parse_size(const char **p, char sep, phys_addr_t *size)
{
	char *end;

	if (**p < '0' || **p > '9')
		return -EINVAL;
	*size = memparse(*p, &end);
	if (*end != sep)
		return -EINVAL;
	*p = sep ? end + 1 : end;
	return 0;
}

/* "lowmem,global,pernode": three sizes, not all zero. */
static int kho_scratch_parse_sizes(const char *arg,
				   struct kho_scratch_request *req)
{
	struct kho_scratch_request sizes = {};
	phys_addr_t total;

	if (kho_scratch_parse_size(&arg, ',', &sizes.lowmem) ||
	    kho_scratch_parse_size(&arg, ',', &sizes.global) ||
	    kho_scratch_parse_size(&arg, '\0', &sizes.pernode))
		return -EINVAL;
	if (check_add_overflow(sizes.lowmem, sizes.global, &total) ||
	    check_add_overflow(total, sizes.pernode, &total) || !total)
		return -EINVAL;

	*req = sizes;
	return 0;
}

/**
 * kho_scratch_parse - parse the value of kho_scratch=
 * @arg: the value, "N%" or "lowmem,global,pernode"
 * @req: filled in on success, untouched on failure
 *
 * Return: 0, or -EINVAL when @arg is neither a positive percentage nor
 * exactly three sizes with a non-zero sum.
 */
int kho_scratch_parse(const char *arg, struct kho_scratch_request *req)
{
	size_t len;

	if (!arg)
		return -EINVAL;
	len = strlen(arg);
	if (len && arg[len - 1] == '%')
		return kho_scratch_parse_scale(arg, len, req);
	return kho_scratch_parse_sizes(arg, req);
}

/* Mainline 7.4 calls the option kho_bootmem=; both are accepted. */
static int __init kho_scratch_param(const char *option, char *arg)
{
	if (kho_scratch_parse(arg, &kho_scratch_request)) {
		pr_err("ignoring malformed %s=%s: expected N%% or lowmem,global,pernode sizes (e.g. 64M,512M,256M); using %u%%\n",
		       option, arg ?: "", KHO_SCRATCH_DEFAULT_SCALE);
		kho_scratch_request = (struct kho_scratch_request){
			.scale = KHO_SCRATCH_DEFAULT_SCALE,
		};
	}
	/* Always 0: the message above is the only one the user should see. */
	return 0;
}

static int __init kho_scratch_early_param(char *arg)
{
	return kho_scratch_param("kho_scratch", arg);
}
early_param("kho_scratch", kho_scratch_early_param);

static int __init kho_bootmem_early_param(char *arg)
{
	return kho_scratch_param("kho_bootmem", arg);
}
early_param("kho_bootmem", kho_bootmem_early_param);

/*
 * The scratch areas handed to the next kernel: reserved here on a cold
 * boot (kho_scratch_reserved), or the ones this kernel booted from.
 */
static struct kho_scratch *kho_scratch;
static unsigned int kho_scratch_cnt;
/* Where kho_scratch_adopt() copied the adopted areas, until kept. */
static phys_addr_t kho_scratch_copy __initdata;
static bool kho_scratch_reserved;

/* @bytes scaled by the requested percentage, saturating on overflow. */
static phys_addr_t __init kho_scratch_scaled(phys_addr_t bytes)
{
	phys_addr_t size;

	if (check_mul_overflow(bytes, (phys_addr_t)kho_scratch_request.scale,
			       &size))
		return PHYS_ADDR_MAX;
	return size / 100;
}

/* Every relatively sized area gets at least one aligned unit. */
static phys_addr_t __init kho_scratch_at_least_one(phys_addr_t size)
{
	return max_t(phys_addr_t, size, KHO_SCRATCH_ALIGN);
}

/*
 * Reserve area @i, whose size is already in kho_scratch[@i], below @limit
 * and on node @nid when it is a valid node. A size of 0 (given explicitly
 * on the command line) means no area; it is not an error.
 */
static int __init kho_scratch_alloc_area(unsigned int i, const char *what,
					 int nid, phys_addr_t limit)
{
	struct kho_scratch *area = &kho_scratch[i];
	phys_addr_t size = area->size;

	if (!size)
		return 0;
	if (size <= PHYS_ADDR_MAX - KHO_SCRATCH_ALIGN) {
		size = round_up(size, KHO_SCRATCH_ALIGN);
		area->addr = memblock_alloc_range_nid(size, KHO_SCRATCH_ALIGN,
						      0, limit, nid,
						      numa_valid_node(nid));
	}
	if (!area->addr) {
		pr_err("cannot reserve %llu MiB of %s scratch memory%s\n",
		       (u64)size >> 20, what,
		       numa_valid_node(nid) ? " on its node" : "");
		return -ENOMEM;
	}
	area->size = size;
	pr_info("scratch %s: [mem %#018llx-%#018llx] %llu MiB\n", what,
		area->addr, area->addr + size - 1, area->size >> 20);
	return 0;
}

/* Drop the areas of size 0 so that the array lists real areas only. */
static void __init kho_scratch_compact(unsigned int nr)
{
	unsigned int i;

	kho_scratch_cnt = 0;
	for (i = 0; i < nr; i++)
		if (kho_scratch[i].size)
			kho_scratch[kho_scratch_cnt++] = kho_scratch[i];
}

static void __init kho_scratch_free_all(unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		if (kho_scratch[i].addr)
			memblock_phys_free(kho_scratch[i].addr, kho_scratch[i].size);
	memblock_free(kho_scratch, sizeof(*kho_scratch) * (nr_node_ids + 2));
	kho_scratch = NULL;
	kho_scratch_cnt = 0;
}

/*
 * Wanted size of every area, in kho_scratch[].size: lowmem, global, then
 * one per node with memory. All are computed before any is reserved, as
 * the reservations would otherwise count as kernel memory themselves.
 */
static unsigned int __init kho_scratch_plan(void)
{
	const struct kho_scratch_request *req = &kho_scratch_request;
	phys_addr_t low, all;
	unsigned int nr = 0;
	int nid;

	if (req->scale) {
		/* The global area covers what the lowmem one does not. */
		low = kho_scratch_scaled(memblock_reserved_kern_size(ARCH_LOW_ADDRESS_LIMIT,
								     NUMA_NO_NODE));
		all = kho_scratch_scaled(memblock_reserved_kern_size(PHYS_ADDR_MAX,
								     NUMA_NO_NODE));
		kho_scratch[nr++].size = kho_scratch_at_least_one(low);
		kho_scratch[nr++].size = kho_scratch_at_least_one(all > low ? all - low : 0);
		for_each_node_state(nid, N_MEMORY) {
			all = memblock_reserved_kern_size(PHYS_ADDR_MAX, nid);
			kho_scratch[nr++].size =
				kho_scratch_at_least_one(kho_scratch_scaled(all));
		}
	} else {
		kho_scratch[nr++].size = req->lowmem;
		kho_scratch[nr++].size = req->global;
		for_each_node_state(nid, N_MEMORY)
			kho_scratch[nr++].size = req->pernode;
	}
	return nr;
}

/**
 * kho_scratch_reserve - reserve the scratch areas on a cold boot
 *
 * One area below 4 GiB (lowmem), one anywhere (global) and one on each node
 * with memory, sized by kho_scratch=. Relative sizes scale what the kernel
 * reserved for itself so far: the next kernel needs about as much before
 * its page allocator is up. Must run before memblock_free_all().
 *
 * Return: 0, or -ENOMEM with nothing reserved.
 */
int __init kho_scratch_reserve(void)
{
	unsigned int nr, i = 2;
	char name[16];
	int nid, err;

	/*
	 * A handover refused after its scratch was adopted: the areas are
	 * CMA already (kho_scratch_migratetype()) and are handed on.
	 */
	if (kho_scratch_cnt)
		return 0;
	kho_scratch = memblock_alloc(sizeof(*kho_scratch) * (nr_node_ids + 2),
				     SMP_CACHE_BYTES);
	if (!kho_scratch)
		return -ENOMEM;

	nr = kho_scratch_plan();
	err = kho_scratch_alloc_area(0, "lowmem", NUMA_NO_NODE,
				     ARCH_LOW_ADDRESS_LIMIT);
	if (!err)
		err = kho_scratch_alloc_area(1, "global", NUMA_NO_NODE,
					     MEMBLOCK_ALLOC_ACCESSIBLE);
	for_each_node_state(nid, N_MEMORY) {
		if (err)
			break;
		snprintf(name, sizeof(name), "node %d", nid);
		err = kho_scratch_alloc_area(i++, name, nid,
					     MEMBLOCK_ALLOC_ACCESSIBLE);
	}
	if (err) {
		kho_scratch_free_all(nr);
		return err;
	}
	kho_scratch_compact(nr);
	kho_scratch_reserved = true;
	return 0;
}

/* How many memory regions of memblock does marking [@start, @end) split? */
static unsigned int __init kho_scratch_region_cuts(phys_addr_t start,
						   phys_addr_t end)
{
	struct memblock_region *r;
	unsigned int cuts = 0;

	for_each_mem_region(r) {
		cuts += r->base < start && start < r->base + r->size;
		cuts += r->base < end && end < r->base + r->size;
	}
	return cuts;
}

/*
 * Room that later boot code may need in memblock's memory array before it
 * can grow: on arm64, paging_init() and the device tree's no-map
 * reserved-memory split regions too (memblock_mark_nomap()).
 */
#define KHO_SCRATCH_SPARE_REGIONS	16

/**
 * kho_scratch_check_room - will marking the incoming scratch fit in memblock?
 * @areas:    the scratch areas
 * @nr:       how many
 * @low:      start of the architecture's low memory, marked too
 * @low_size: its size (or 0)
 *
 * Marking splits memory regions where an area starts or ends inside one, and
 * each split needs a free slot in memblock's region array. arm64 cannot grow
 * the arrays before paging_init() (memblock panics there), so a handover
 * whose marking might not fit in them as they are, with room to spare for
 * what boot splits later, is refused on every architecture instead. Two more
 * slots are needed by each marking, and one reserved region each by the
 * scratch array and its copy.
 *
 * Return: 0, or -E2BIG with the reason printed.
 */
int __init kho_scratch_check_room(const struct kho_scratch *areas,
				  unsigned int nr, phys_addr_t low,
				  phys_addr_t low_size)
{
	unsigned long need = 2 + KHO_SCRATCH_SPARE_REGIONS;
	unsigned int i;

	if (low_size)
		need += kho_scratch_region_cuts(low, low + low_size);
	for (i = 0; i < nr; i++)
		need += kho_scratch_region_cuts(areas[i].addr,
						areas[i].addr + areas[i].size);
	if (memblock.memory.cnt + need > memblock.memory.max) {
		pr_err("%u scratch areas would split memory into %lu regions, memblock has room for %lu\n",
		       nr, memblock.memory.cnt + need - KHO_SCRATCH_SPARE_REGIONS,
		       memblock.memory.max - KHO_SCRATCH_SPARE_REGIONS);
		return -E2BIG;
	}
	if (memblock.reserved.cnt + 2 > memblock.reserved.max) {
		pr_err("memblock has no room to reserve the scratch array (%lu of %lu regions used)\n",
		       memblock.reserved.cnt, memblock.reserved.max);
		return -E2BIG;
	}
	return 0;
}

/**
 * kho_scratch_unmark - take the scratch flag off low memory and @areas
 * @areas:    the scratch areas
 * @nr:       how many
 * @low:      start of the architecture's low memory
 * @low_size: its size (or 0)
 */
void __init kho_scratch_unmark(const struct kho_scratch *areas,
			       unsigned int nr, phys_addr_t low,
			       phys_addr_t low_size)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		memblock_clear_kho_scratch(areas[i].addr, areas[i].size);
	if (low_size)
		memblock_clear_kho_scratch(low, low_size);
}

/**
 * kho_scratch_mark - flag low memory and @areas as scratch in memblock
 * @areas:    the scratch areas
 * @nr:       how many
 * @low:      start of the architecture's low memory
 * @low_size: its size (or 0)
 *
 * Low memory goes first: early allocations are still limited to it on x86,
 * so a region array that must grow while the areas are marked comes from
 * there (no map node lies in it, and the preserved blocks there are
 * dropped when the map is reserved). arm64 keeps no low memory and cannot
 * grow the arrays yet: kho_scratch_check_room() made sure they need not.
 *
 * Return: 0, or the error of memblock with everything undone.
 */
int __init kho_scratch_mark(const struct kho_scratch *areas, unsigned int nr,
			    phys_addr_t low, phys_addr_t low_size)
{
	unsigned int i;
	int err = 0;

	if (low_size)
		err = memblock_mark_kho_scratch(low, low_size);
	for (i = 0; i < nr && !err; i++)
		err = memblock_mark_kho_scratch(areas[i].addr, areas[i].size);
	if (!err)
		return 0;
	pr_err("cannot mark the scratch areas (%d)\n", err);
	kho_scratch_unmark(areas, nr, low, low_size);
	return err;
}

/**
 * kho_scratch_adopt - hand the areas this kernel booted from on again
 * @areas: the checked scratch array of the incoming handover, in init
 *         memory
 * @nr:    its entries
 *
 * The next kernel gets the same areas: they are known to hold nothing
 * preserved, and kho_scratch= only applies to cold boots. The memory map's
 * initialisation reads them from @areas; the copy that outlives boot is
 * allocated now, when a failure can still refuse the handover, and written
 * through an early mapping, as the direct map may not exist yet.
 * kho_scratch_keep() switches to it.
 *
 * Return: 0, or -ENOMEM.
 */
int __init kho_scratch_adopt(struct kho_scratch *areas, unsigned int nr)
{
	size_t size = sizeof(*areas) * nr;
	phys_addr_t phys;
	void *copy;

	phys = memblock_phys_alloc(size, SMP_CACHE_BYTES);
	copy = phys ? early_memremap(phys, size) : NULL;
	if (!copy) {
		if (phys)
			memblock_phys_free(phys, size);
		pr_err("cannot keep the scratch areas for the next kexec\n");
		return -ENOMEM;
	}
	memcpy(copy, areas, size);
	early_memunmap(copy, size);
	kho_scratch_copy = phys;
	kho_scratch = areas;
	kho_scratch_cnt = nr;
	return 0;
}

/**
 * kho_scratch_keep - use the adopted areas' copy made by kho_scratch_adopt()
 *
 * Called once the direct map exists and before init memory is freed.
 */
void __init kho_scratch_keep(void)
{
	if (!kho_scratch_copy)
		return;
	kho_scratch = phys_to_virt(kho_scratch_copy);
	kho_scratch_copy = 0;
}

/**
 * kho_scratch_carve - take a range out of a list of scratch areas
 * @areas: the areas; entries of size 0 are unused
 * @nr:    entries in use; grows by one when an area is split
 * @max:   capacity of @areas
 * @start: start of the range
 * @size:  bytes in the range
 *
 * Memory the previous kernel preserved may lie inside the scratch areas it
 * handed over: mainline places boot-time allocations (reserve_mem=) in the
 * scratch it booted from and preserves them there. Such memory must not be
 * scratch in this kernel, which allocates from scratch before it reserves
 * the preserved memory and hands the areas on to the next kernel. The range
 * is widened to KHO_SCRATCH_ALIGN, so the areas stay aligned as every
 * kernel expects.
 *
 * Return: 0; -ENOSPC when an area had to be split and @areas was full: that
 * area is then dropped whole (its size set to 0).
 */
int kho_scratch_carve(struct kho_scratch *areas, unsigned int *nr,
		      unsigned int max, phys_addr_t start, phys_addr_t size)
{
	phys_addr_t end = ALIGN(start + size, KHO_SCRATCH_ALIGN), area_end;
	unsigned int i, n = *nr;
	int err = 0;

	start = ALIGN_DOWN(start, KHO_SCRATCH_ALIGN);
	for (i = 0; i < n; i++) {
		struct kho_scratch *area = &areas[i];

		area_end = area->addr + area->size;
		if (!area->size || end <= area->addr || area_end <= start)
			continue;
		if (start > area->addr && end < area_end) {
			/* Inside: the part above the range becomes a new area. */
			if (*nr >= max) {
				area->size = 0;
				err = -ENOSPC;
				continue;
			}
			areas[(*nr)++] = (struct kho_scratch){
				.addr = end, .size = area_end - end,
			};
			area->size = start - area->addr;
		} else if (start > area->addr) {
			area->size = start - area->addr;
		} else if (end < area_end) {
			area->addr = end;
			area->size = area_end - end;
		} else {
			area->size = 0;
		}
	}
	return err;
}

/*
 * After a handover the areas became CMA while the memory map was
 * initialised (kho_scratch_migratetype()), without being counted: count
 * their pageblocks as init_cma_reserved_pageblock() counts those it
 * releases, so that CmaTotal and the zones' cma_pages include them.
 * Areas are pageblock aligned, so no pageblock is counted twice.
 */
static void __init kho_scratch_count_adopted_cma(void)
{
	unsigned long pfn, end;
	struct page *page;
	unsigned int i;

	for (i = 0; i < kho_scratch_cnt; i++) {
		pfn = ALIGN_DOWN(PFN_DOWN(kho_scratch[i].addr), pageblock_nr_pages);
		end = PFN_UP(kho_scratch[i].addr + kho_scratch[i].size);
		for (; pfn < end; pfn += pageblock_nr_pages) {
			page = pfn_to_online_page(pfn);
			if (!page || get_pageblock_migratetype(page) != MIGRATE_CMA)
				continue;
			totalcma_pages += pageblock_nr_pages;
			page_zone(page)->cma_pages += pageblock_nr_pages;
		}
	}
}

/**
 * kho_scratch_release_cma - give the reserved scratch areas to the buddy
 *
 * As CMA pageblocks: only movable allocations land there, and those are
 * never preserved, so the areas are free again when the next kernel boots.
 * After a handover they are CMA already and only counted.
 */
void __init kho_scratch_release_cma(void)
{
	unsigned long pfn, end;
	unsigned int i;

	if (!kho_scratch_reserved) {
		kho_scratch_count_adopted_cma();
		return;
	}
	for (i = 0; i < kho_scratch_cnt; i++) {
		pfn = PFN_DOWN(kho_scratch[i].addr);
		end = PFN_DOWN(kho_scratch[i].addr + kho_scratch[i].size);
		for (; pfn < end; pfn += pageblock_nr_pages)
			init_cma_reserved_pageblock(pfn_to_page(pfn));
		totalcma_pages += end - PFN_DOWN(kho_scratch[i].addr);
	}
}

/**
 * kho_scratch_overlap - does a range touch a scratch area?
 * @addr: start of the range
 * @size: bytes in the range
 *
 * Scratch is where the next kernel allocates before it knows what was
 * preserved, so nothing in it may be preserved.
 *
 * Return: true if any byte of the range lies in a scratch area.
 */
bool kho_scratch_overlap(phys_addr_t addr, phys_addr_t size)
{
	unsigned int i;

	for (i = 0; i < kho_scratch_cnt; i++)
		if (addr < kho_scratch[i].addr + kho_scratch[i].size &&
		    kho_scratch[i].addr < addr + size)
			return true;
	return false;
}

/* Move @hi down to the start of any scratch area that it lies inside. */
static phys_addr_t __init kho_scratch_below(phys_addr_t hi)
{
	unsigned int i;
	bool moved;

	do {
		moved = false;
		for (i = 0; i < kho_scratch_cnt; i++) {
			if (kho_scratch[i].addr < hi &&
			    hi <= kho_scratch[i].addr + kho_scratch[i].size) {
				hi = kho_scratch[i].addr;
				moved = true;
			}
		}
	} while (moved);
	return hi;
}

/* The highest end of a scratch area at or below @hi, at least 1 MiB. */
static phys_addr_t __init kho_scratch_gap_start(phys_addr_t hi)
{
	phys_addr_t lo = SZ_1M, end;
	unsigned int i;

	for (i = 0; i < kho_scratch_cnt; i++) {
		end = kho_scratch[i].addr + kho_scratch[i].size;
		if (end <= hi && end > lo)
			lo = end;
	}
	return lo;
}

/**
 * kho_scratch_alloc_outside - memblock allocation outside the scratch areas
 * @size:  bytes
 * @align: alignment
 *
 * Tries the gaps between scratch areas from the top of memory down, above
 * 1 MiB, so that the memory can be preserved for the next kernel later.
 *
 * Return: the physical address, or 0 when no gap has room.
 */
phys_addr_t __init kho_scratch_alloc_outside(phys_addr_t size,
					     phys_addr_t align)
{
	phys_addr_t hi = memblock_get_current_limit(), lo, pa;

	for (hi = kho_scratch_below(hi); hi > SZ_1M; hi = kho_scratch_below(lo)) {
		lo = kho_scratch_gap_start(hi);
		if (lo < hi) {
			pa = memblock_phys_alloc_range(size, align, lo, hi);
			if (pa)
				return pa;
		}
	}
	return 0;
}

/**
 * kho_scratch_areas - the scratch areas handed to the next kernel
 * @areas: set to the array
 *
 * Return: the number of entries.
 */
unsigned int kho_scratch_areas(const struct kho_scratch **areas)
{
	*areas = kho_scratch;
	return kho_scratch_cnt;
}

/**
 * kho_scratch_migratetype - migrate type of a pageblock at memmap init
 * @pfn:         first pfn of the pageblock
 * @migratetype: the type it would get otherwise
 *
 * In a kernel booted by a handover, pageblocks of the scratch areas it
 * booted from become CMA as the memory map is initialised, so that only
 * movable allocations, which are never preserved, land there: the areas
 * are handed on and must again be free for the next kernel. (After a cold
 * boot the areas are reserved at this point and become CMA in kho_init().)
 *
 * Return: MIGRATE_CMA for a pageblock in scratch, @migratetype otherwise.
 */
int kho_scratch_migratetype(unsigned long pfn, int migratetype)
{
	if (kho_scratch_reserved ||
	    !kho_scratch_overlap(PFN_PHYS(pfn), PAGE_SIZE * pageblock_nr_pages))
		return migratetype;
	return MIGRATE_CMA;
}
