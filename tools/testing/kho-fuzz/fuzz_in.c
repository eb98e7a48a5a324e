// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the whole receive path of Kexec HandOver, from the
 * handover the architecture reports to the end of boot, built from the
 * unchanged sources of the tree under test.
 *
 * An input is the memory of a machine that was just kexec'd into: a header
 * (where the root FDT and the scratch array are, two reserve_mem= options
 * of the new kernel's command line, or kho-fail-reserve=N to make the Nth
 * memblock_reserve() of kho_in.c fail, and up to four restore calls a client
 * makes after boot) followed by records of bytes to put at physical
 * addresses. The harness then boots as x86 does (or, by a header bit, as
 * arm64 does: no low memory kept): memblock knows RAM and the kernel image,
 * kho_memblock_setup() checks the handover without the direct map or an
 * allocation, as arm64 needs, and within 7 early mappings, reserve_mem=
 * is parsed, kho_in_reserve() reserves the preserved memory, the memory
 * map is initialised (every page not reserved goes to the page allocator
 * and is poisoned, so reading it is caught), then kexec-metadata is read,
 * the reserve_mem regions are settled, the client calls run and the late
 * report of unrestored memory runs.
 *
 * The fuzzed machine: RAM at [0x80000, 0xa0000), [0x100000, 0x3000000)
 * and [0x3400000, 0x4000000), mapped at the same virtual addresses; the
 * holes between are inaccessible. The kernel image is at [0x1000000,
 * 0x1800000), an initrd at [0x2800000, 0x2a00000).
 */
#include <linux/memblock.h>

/*
 * memblock_reserve() as kho_in.c sees it: the command-line word
 * kho-fail-reserve=N makes its Nth call fail, as a reservation does when
 * memblock cannot grow its array in scratch-only mode.
 */
static unsigned int fuzz_fail_reserve;

static int fuzz_memblock_reserve(phys_addr_t base, phys_addr_t size)
{
	if (fuzz_fail_reserve && !--fuzz_fail_reserve)
		return -ENOMEM;
	return memblock_reserve(base, size);
}

#define memblock_reserve fuzz_memblock_reserve
#include "../../../kernel/liveupdate/kho_in.c"
#undef memblock_reserve

#include <sanitizer/asan_interface.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "fuzz_in.h"

static const struct fuzz_range fuzz_ram[] = {
	{ 0x80000, 0xa0000 },
	{ 0x100000, 0x3000000 },
	{ 0x3400000, 0x4000000 },
};

static const struct fuzz_range fuzz_boot_reserved[] = {
	{ 0x80000, 0x81000 },			/* boot parameters */
	{ FUZZ_KERNEL_START, FUZZ_KERNEL_END },
	{ FUZZ_INITRD_START, FUZZ_INITRD_END },
};

static bool fuzz_in_ram(u64 start, u64 len)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fuzz_ram); i++)
		if (start >= fuzz_ram[i].start && start < fuzz_ram[i].end &&
		    len <= fuzz_ram[i].end - start)
			return true;
	return false;
}

static void fuzz_machine_create(void)
{
	void *ram = mmap((void *)FUZZ_RAM_START, FUZZ_RAM_END - FUZZ_RAM_START,
			 PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	unsigned int i;

	if (ram != (void *)FUZZ_RAM_START) {
		perror("kho-fuzz: cannot map the fuzzed machine's RAM at its physical address");
		exit(1);
	}
	for (i = 1; i < ARRAY_SIZE(fuzz_ram); i++)
		mprotect((void *)fuzz_ram[i - 1].end, fuzz_ram[i].start - fuzz_ram[i - 1].end,
			 PROT_NONE);
	fuzz_memblock_save();
}

/* Boot as arm64 does (bit 22 of the first op's pad), else as x86. */
static bool fuzz_arm64;

/* Power cycle: RAM zeroed, no struct pages, memblock and KHO state reset. */
void fuzz_machine_reset(void)
{
	unsigned int i;

	ASAN_UNPOISON_MEMORY_REGION((void *)FUZZ_RAM_START, FUZZ_RAM_END - FUZZ_RAM_START);
	for (i = 0; i < ARRAY_SIZE(fuzz_ram); i++)
		madvise((void *)fuzz_ram[i].start, fuzz_ram[i].end - fuzz_ram[i].start,
			MADV_DONTNEED);
	memset(fuzz_pages, 0, sizeof(fuzz_pages));
	memset(&kho_in, 0, sizeof(kho_in));
	fuzz_memblock_reset();
	fuzz_scratch_reset();
	fuzz_memblock_kho_reset();
	fuzz_early_mapped = 0;
	fuzz_errors = 0;
	fuzz_offline_subsection = 0;
	fuzz_percpu_reset();
	for (i = 0; i < ARRAY_SIZE(fuzz_ram); i++)
		memblock_add(fuzz_ram[i].start, fuzz_ram[i].end - fuzz_ram[i].start);
	for (i = 0; i < ARRAY_SIZE(fuzz_boot_reserved); i++)
		memblock_reserve(fuzz_boot_reserved[i].start,
				 fuzz_boot_reserved[i].end - fuzz_boot_reserved[i].start);
	/* As x86's setup_arch() does: the restore calls stop at the end of RAM. */
	max_pfn = PHYS_PFN(memblock_end_of_DRAM());
}

/* Copy the records of the input into RAM; records outside RAM are dropped. */
static void fuzz_load_records(const u8 *data, size_t size)
{
	struct fuzz_record rec;

	while (size >= sizeof(rec)) {
		memcpy(&rec, data, sizeof(rec));
		data += sizeof(rec);
		size -= sizeof(rec);
		if (rec.len > size)
			rec.len = size;
		if (fuzz_in_ram(rec.phys, rec.len))
			memcpy((void *)(uintptr_t)rec.phys, data, rec.len);
		data += rec.len;
		size -= rec.len;
	}
}

/*
 * memblock_free_all(): what is not reserved goes to the page allocator.
 * Nothing of the receive path may read it after that: it is poisoned.
 */
static void fuzz_init_memory_map(void)
{
	struct memblock_region *r;
	unsigned long pfn;

	for_each_mem_region(r)
		for (pfn = PFN_UP(r->base); pfn < PFN_DOWN(r->base + r->size); pfn++)
			fuzz_pages[pfn].state = FUZZ_PAGE_FREE;
	for_each_reserved_mem_region(r)
		for (pfn = PFN_DOWN(r->base);
		     pfn < PFN_UP(r->base + r->size) && pfn < FUZZ_NR_PAGES; pfn++)
			if (fuzz_pages[pfn].state == FUZZ_PAGE_FREE)
				fuzz_pages[pfn].state = FUZZ_PAGE_RESERVED;
	for (pfn = 0; pfn < FUZZ_NR_PAGES; pfn++)
		if (fuzz_pages[pfn].state == FUZZ_PAGE_FREE)
			ASAN_POISON_MEMORY_REGION((void *)(pfn << PAGE_SHIFT), PAGE_SIZE);
}

/* A client's page freed: nobody may read it any more either. */
static void fuzz_poison_freed(unsigned long pfn, unsigned long nr)
{
	for (; nr-- && pfn < FUZZ_NR_PAGES; pfn++)
		if (fuzz_pages[pfn].state == FUZZ_PAGE_FREE)
			ASAN_POISON_MEMORY_REGION((void *)(pfn << PAGE_SHIFT), PAGE_SIZE);
}

/*
 * The range restore is checked against the map: every block it hands out
 * was in the map before, inside the range, at most a folio's order, and
 * is gone from the map after; unless the callback failed, no block that
 * could have been handed out stays behind. The callback fails on its Nth
 * call when the input asks for it.
 */
/* A block of a larger order than these would reach beyond the RAM. */
#define FUZZ_MAP_ORDERS		(ilog2(FUZZ_NR_PAGES) + 1)
static unsigned char fuzz_map_before[FUZZ_MAP_ORDERS][FUZZ_NR_PAGES];
static unsigned char fuzz_map_after[FUZZ_MAP_ORDERS][FUZZ_NR_PAGES];
static unsigned char fuzz_handed_out[FUZZ_MAP_ORDERS][FUZZ_NR_PAGES];
static unsigned long fuzz_range_calls, fuzz_range_fail_at;

static int fuzz_note_blocks(phys_addr_t start, phys_addr_t size,
			    unsigned int order, void *arg)
{
	unsigned char (*map)[FUZZ_NR_PAGES] = arg;
	phys_addr_t pa;

	for (pa = start; pa < start + size; pa += PAGE_SIZE << order) {
		if (order >= FUZZ_MAP_ORDERS || PHYS_PFN(pa) >= FUZZ_NR_PAGES)
			fuzz_die("the map holds a block at %#llx, beyond RAM",
				 (unsigned long long)pa);
		map[order][PHYS_PFN(pa)] = 1;
	}
	return 0;
}

static void fuzz_snapshot_map(unsigned char (*map)[FUZZ_NR_PAGES])
{
	const struct kho_radix_walk_ops ops = { .range = fuzz_note_blocks };

	memset(map, 0, sizeof(fuzz_map_before));
	if (kho_in_map() && kho_radix_walk(kho_in_map(), &ops, map))
		fuzz_die("the incoming map cannot be walked");
}

/* A VMM's callback: it takes each folio, here to free it at once. */
static int fuzz_put_restored(struct folio *folio, void *arg)
{
	unsigned long pfn = page_to_pfn(&folio->page);
	unsigned int order = folio->page.compound_order;

	if (fuzz_handed_out[order][pfn]++)
		fuzz_die("folio at pfn %#lx, order %u, handed out twice", pfn, order);
	folio_put(folio);
	fuzz_poison_freed(pfn, 1UL << order);
	if (fuzz_range_fail_at && ++fuzz_range_calls == fuzz_range_fail_at)
		return -EIO;
	return 0;
}

/* Could the range restore of [@phys, @phys + @size) have handed it out? */
static bool fuzz_block_restorable(unsigned long pfn, unsigned int order,
				  u64 phys, u64 size)
{
	u64 start = PFN_PHYS(pfn), end = start + (PAGE_SIZE << order);

	return order <= MAX_PAGE_ORDER && phys + size >= phys &&
	       start >= phys && end <= phys + size &&
	       end <= PFN_PHYS(max_pfn) && pfn_to_online_page(pfn);
}

/* fuzz_die() about the block of @order at @pfn: "block at pfn P, order O" @fmt */
static __noreturn __printf(3, 4) void fuzz_block_die(unsigned long pfn,
						     unsigned int order,
						     const char *fmt, ...)
{
	char what[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	fuzz_die("block at pfn %#lx, order %u%s", pfn, order, what);
}

static void fuzz_restore_range(u64 phys, u64 size, unsigned long fail_at)
{
	unsigned long pfn, handed = 0;
	bool failed;
	unsigned int order;
	long ret;

	fuzz_snapshot_map(fuzz_map_before);
	memset(fuzz_handed_out, 0, sizeof(fuzz_handed_out));
	fuzz_range_calls = 0;
	fuzz_range_fail_at = fail_at;
	ret = kho_restore_folio_range(phys, size, fuzz_put_restored, NULL);
	failed = fail_at && fuzz_range_calls >= fail_at;
	fuzz_snapshot_map(fuzz_map_after);
	for (order = 0; order < FUZZ_MAP_ORDERS; order++) {
		for (pfn = 0; pfn < FUZZ_NR_PAGES; pfn += 1UL << order) {
			bool before = fuzz_map_before[order][pfn];
			bool after = fuzz_map_after[order][pfn];
			bool out = fuzz_handed_out[order][pfn];

			handed += out;
			if (before != (after || out) || (after && out))
				fuzz_block_die(pfn, order,
					       ": in the map before %d, after %d, handed out %d",
					       before, after, out);
			if (out && !fuzz_block_restorable(pfn, order, phys, size))
				fuzz_block_die(pfn, order,
					       ", handed out from outside [%#llx, +%#llx)",
					       (unsigned long long)phys,
					       (unsigned long long)size);
			if (!failed && after &&
			    fuzz_block_restorable(pfn, order, phys, size))
				fuzz_block_die(pfn, order,
					       ", left in the map by a restore of [%#llx, +%#llx)",
					       (unsigned long long)phys,
					       (unsigned long long)size);
		}
	}
	if (failed ? ret != -EIO : ret != (long)handed)
		fuzz_die("the range restore returned %ld after handing out %lu folios%s",
			 ret, handed, failed ? " and a failed callback" : "");
}

/* What a client of the restore API does after boot. */
static void fuzz_client_op(const struct fuzz_op *op)
{
	unsigned long nr = op->nr, i;
	struct folio *folio;
	struct page *page;

	switch (op->op % FUZZ_OP_COUNT) {
	case FUZZ_OP_RESTORE_FOLIO:
		folio = kho_restore_folio(op->phys);
		if (folio) {
			i = 1UL << folio->page.compound_order;
			folio_put(folio);
			fuzz_poison_freed(PHYS_PFN(op->phys), i);
		}
		break;
	case FUZZ_OP_RESTORE_PAGES:
		page = kho_restore_pages(op->phys, nr);
		if (page) {
			for (i = 0; i < nr; i++)
				__free_page(page + i);
			fuzz_poison_freed(PHYS_PFN(op->phys), nr);
		}
		break;
	case FUZZ_OP_PAGES_PRESERVED:
		kho_pages_preserved(op->phys, nr);
		break;
	case FUZZ_OP_RELEASE_PAGES:
		/* A client releases what it described: at most all of RAM. */
		if (nr <= FUZZ_NR_PAGES) {
			kho_release_pages(op->phys, nr);
			fuzz_poison_freed(PHYS_PFN(op->phys), nr);
		}
		break;
	case FUZZ_OP_SUBTREES:
		/* A client looks every subtree up, as tmpfs does at mount. */
		for (i = 0; i < 64 && kho_subtree_name(i); i++) {
			phys_addr_t phys;
			size_t size;

			kho_retrieve_subtree(kho_subtree_name(i), &phys, &size);
		}
		break;
	case FUZZ_OP_RESTORE_RANGE:
		/* A VMM takes back its guest's memory: at most all of RAM. */
		if (nr <= FUZZ_NR_PAGES)
			fuzz_restore_range(op->phys, nr << PAGE_SHIFT,
					   op->pad & 0xffff);
		break;
	case FUZZ_OP_RESTORE_FREE:
		/* Clients pass what phys_to_virt() gave them: a RAM address. */
		if (fuzz_in_ram(op->phys, PAGE_SIZE))
			kho_restore_free((void *)(uintptr_t)op->phys);
		break;
	}
}

/* Is any block of the reserved map under [@start, @end)? */
static void fuzz_check_no_block_in(u64 start, u64 end, const char *what)
{
	u64 orders = kho_in_orders();
	unsigned int order;

	for (order = 0; order <= KHO_RADIX_MAX_ORDER; order++)
		if ((orders & BIT_ULL(order)) && start < end &&
		    kho_radix_any(kho_in_map(), start, end, order))
			fuzz_die("order-%u block left in the map over the %s [%#llx, %#llx)",
				 order, what, (unsigned long long)start,
				 (unsigned long long)end);
}

/*
 * The map an owner restores from holds no block under memory this kernel
 * used at boot, or under what kexec loaded: the contents are not the
 * previous kernel's.
 */
static void fuzz_check_no_block_under_boot_data(const struct fuzz_in_header *hdr)
{
	unsigned int i;

	if (!kho_in_map())
		return;
	for (i = 0; i < ARRAY_SIZE(fuzz_boot_reserved); i++)
		fuzz_check_no_block_in(fuzz_boot_reserved[i].start,
				       fuzz_boot_reserved[i].end, "boot data");
	fuzz_check_no_block_in(hdr->scratch_phys,
			       hdr->scratch_phys + hdr->scratch_len,
			       "scratch array");
	if (!fuzz_arm64)
		fuzz_check_no_block_in(0, SZ_1M, "low 1 MiB");
}

static void fuzz_boot(const struct fuzz_in_header *hdr)
{
	char cmdline[FUZZ_CMDLINE_LEN + 1];
	unsigned int i;

	fuzz_fail_reserve = 0;
	for (i = 0; i < FUZZ_CMDLINES; i++)
		if (!strncmp(hdr->cmdline[i], "kho-fail-reserve=", 17))
			fuzz_fail_reserve = strtoul(hdr->cmdline[i] + 17, NULL, 0);

	/*
	 * setup_arch(): on x86 allocations stay below 1 MiB until the direct
	 * map exists, and the low 1 MiB is the architecture's; arm64 keeps no
	 * low memory and cannot grow memblock's arrays yet. On neither may the
	 * check use the direct map.
	 */
	kho_populate(hdr->fdt_phys, hdr->fdt_len, hdr->scratch_phys,
		     hdr->scratch_len);
	fuzz_direct_map = false;
	if (fuzz_arm64) {
		fuzz_early_slots = 6;
		fuzz_memblock_can_resize(0);
		kho_memblock_setup(0, 0);
		fuzz_memblock_can_resize(1);
		fuzz_early_slots = 8;
	} else {
		memblock_set_current_limit(SZ_1M);
		kho_memblock_setup(0, SZ_1M);
		memblock_set_current_limit(MEMBLOCK_ALLOC_ANYWHERE);
	}
	fuzz_direct_map = true;
	if (fuzz_early_mapped)
		fuzz_die("kho_memblock_setup() left %d early mappings", fuzz_early_mapped);

	/* The command line: reserve_mem= options. */
	for (i = 0; i < FUZZ_CMDLINES; i++) {
		if (!hdr->cmdline[i][0] ||
		    !strncmp(hdr->cmdline[i], "kho-fail-reserve=", 17))
			continue;
		memcpy(cmdline, hdr->cmdline[i], FUZZ_CMDLINE_LEN);
		cmdline[FUZZ_CMDLINE_LEN] = '\0';
		fuzz_reserve_mem(cmdline);
	}

	/* mm_core_init(): kho_memory_init(), then memblock_free_all(). */
	kho_in_reserve();
	fuzz_check_no_block_under_boot_data(hdr);
	fuzz_init_memory_map();

	/* Initcalls. */
	kho_metadata_init(false);
	fuzz_late_reserve_mem_kho_init();
	for (i = 0; i < FUZZ_OPS; i++)
		fuzz_client_op(&hdr->ops[i]);
	fuzz_late_sync_kho_in_report_unrestored();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_machine_create();
	if (getenv("KHO_FUZZ_SEEDS")) {
		fuzz_machine_reset();
		exit(fuzz_in_make_seeds(getenv("KHO_FUZZ_SEEDS")));
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct fuzz_in_header hdr;

	if (size < sizeof(hdr))
		return -1;
	memcpy(&hdr, data, sizeof(hdr));
	fuzz_machine_reset();
	/* Bits 16-21 of the first op's pad: a subsection to take offline. */
	fuzz_offline_subsection = (hdr.ops[0].pad >> 16) & 0x3f;
	/* Bit 22: boot as arm64 does (no low memory kept). */
	fuzz_arm64 = (hdr.ops[0].pad >> 22) & 1;
	fuzz_load_records(data + sizeof(hdr), size - sizeof(hdr));
	fuzz_boot(&hdr);
	return 0;
}
