// SPDX-License-Identifier: GPL-2.0-only
/*
 * Seeds for fuzz_in: handovers as our kernel writes them, built in the
 * fuzzed machine's RAM with the kernel's own writers (kho_fdt_create(),
 * kho_fdt_add_subtree(), kho_radix_insert() with node pages from the top
 * of RAM), then written out as fuzz_in inputs; and one damaged copy for
 * each class of defect of issue 12. Run as
 *   KHO_FUZZ_SEEDS=DIR fuzz_in
 */
#include <stdio.h>
#include <stdlib.h>

#include "kho_fuzz_kernel.h"
#include <linux/kho/abi/kexec_handover.h>
#include <linux/kho/abi/kexec_metadata.h>
#include <linux/kho/abi/memblock.h>
#include <linux/libfdt.h>

#include "../../../kernel/liveupdate/kexec_handover_internal.h"
#include "../../../kernel/liveupdate/kho_radix.h"
#include "fuzz_in.h"

#define SEED_FDT	0x2000000UL
#define SEED_METADATA	0x2001000UL
#define SEED_MEMBLOCK	0x2002000UL
#define SEED_SCRATCH	0x2003000UL
#define SEED_SPARE	0x2005000UL	/* RAM that nothing preserves */
#define SEED_PSTORE	0x2100000UL
#define SEED_PSTORE_SIZE 0x100000UL
#define SEED_FOLIO	0x2200000UL
#define SEED_FOLIO_ORDER 3

struct seed {
	struct fuzz_in_header hdr;
	struct kho_radix_map map;
	u64 pages[64];			/* pages to write out, besides map nodes */
	unsigned int nr_pages;
	u64 metadata_at;		/* where the FDT says the metadata is */
	u64 pstore_start, pstore_size;
};

static void seed_page(struct seed *s, u64 phys)
{
	s->pages[s->nr_pages++] = phys;
}

static void seed_preserve(struct seed *s, u64 phys, unsigned int order)
{
	if (kho_radix_insert(&s->map, phys, order))
		fuzz_die("seed: cannot preserve %#llx order %u", (unsigned long long)phys, order);
}

static void seed_op(struct seed *s, unsigned int i, u32 op, u64 phys, u64 nr)
{
	s->hdr.ops[i] = (struct fuzz_op){ .op = op, .phys = phys, .nr = nr };
}

/* The memblock-v1 list with one region, "pstore". */
static void seed_memblock_fdt(void *fdt, u64 start, u64 size)
{
	int node;

	fdt_create_empty_tree(fdt, PAGE_SIZE);
	fdt_setprop_string(fdt, 0, "compatible", MEMBLOCK_KHO_COMPATIBLE);
	node = fdt_add_subnode(fdt, 0, "pstore");
	fdt_setprop_string(fdt, node, "compatible", RESERVE_MEM_KHO_COMPATIBLE);
	fdt_setprop(fdt, node, RESERVE_MEM_KHO_START_PROP, &start, sizeof(start));
	fdt_setprop(fdt, node, RESERVE_MEM_KHO_SIZE_PROP, &size, sizeof(size));
	fdt_pack(fdt);
}

/*
 * A handover as our kernel leaves it: root FDT, kexec-metadata, a
 * memblock list with one pstore region, a test folio, two scratch areas.
 */
static void seed_build(struct seed *s)
{
	struct kho_kexec_metadata *md = (void *)SEED_METADATA;
	struct kho_scratch *areas = (void *)SEED_SCRATCH;
	void *fdt = (void *)SEED_FDT;

	fuzz_machine_reset();
	fuzz_reset_node_pages(FUZZ_RAM_END);
	if (kho_radix_init(&s->map))
		fuzz_die("seed: no root node");

	md->version = KHO_METADATA_VERSION;
	snprintf(md->previous_release, sizeof(md->previous_release), "6.12.117-kho");
	md->kexec_count = 1;
	seed_memblock_fdt((void *)SEED_MEMBLOCK, s->pstore_start, s->pstore_size);

	kho_fdt_create(fdt, kho_radix_root_phys(&s->map));
	kho_fdt_add_subtree(fdt, KHO_METADATA_SUBTREE, s->metadata_at, sizeof(*md));
	kho_fdt_add_subtree(fdt, MEMBLOCK_KHO_SUBTREE, SEED_MEMBLOCK,
			    fdt_totalsize((void *)SEED_MEMBLOCK));

	areas[0] = (struct kho_scratch){ 0x400000, 0x1400000 };
	areas[1] = (struct kho_scratch){ 0x3400000, 0x400000 };

	seed_preserve(s, SEED_FDT, 0);
	seed_preserve(s, SEED_METADATA, 0);
	seed_preserve(s, SEED_MEMBLOCK, 0);
	seed_preserve(s, SEED_PSTORE, 8);
	seed_preserve(s, SEED_FOLIO, SEED_FOLIO_ORDER);
	seed_page(s, SEED_FDT);
	seed_page(s, SEED_METADATA);
	seed_page(s, SEED_MEMBLOCK);
	seed_page(s, SEED_SCRATCH);

	s->hdr.fdt_phys = SEED_FDT;
	s->hdr.fdt_len = fdt_totalsize(fdt);
	s->hdr.scratch_phys = SEED_SCRATCH;
	s->hdr.scratch_len = 2 * sizeof(*areas);
	snprintf(s->hdr.cmdline[0], sizeof(s->hdr.cmdline[0]), "1M:4096:pstore");
	seed_op(s, 0, FUZZ_OP_RESTORE_FOLIO, SEED_FOLIO, 0);
	seed_op(s, 1, FUZZ_OP_SUBTREES, 0, 0);
	/* Then everything else, as a VMM takes back its whole guest. */
	seed_op(s, 2, FUZZ_OP_RESTORE_RANGE, SEED_FDT, 0x400);
}

static void seed_init(struct seed *s)
{
	memset(s, 0, sizeof(*s));
	s->metadata_at = SEED_METADATA;
	s->pstore_start = SEED_PSTORE;
	s->pstore_size = SEED_PSTORE_SIZE;
}

/* Write one page as a record, without its trailing zeros. */
static void seed_write_page(FILE *f, u64 phys)
{
	const u8 *p = (const u8 *)(uintptr_t)phys;
	struct fuzz_record rec = { .phys = phys, .len = PAGE_SIZE };

	while (rec.len && !p[rec.len - 1])
		rec.len--;
	if (!rec.len)
		rec.len = 8;
	fwrite(&rec, sizeof(rec), 1, f);
	fwrite(p, 1, rec.len, f);
}

static int seed_write(struct seed *s, const char *dir, const char *name)
{
	char path[512];
	unsigned long node;
	unsigned int i;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f) {
		perror(path);
		return 1;
	}
	fwrite(&s->hdr, sizeof(s->hdr), 1, f);
	for (i = 0; i < s->nr_pages; i++)
		seed_write_page(f, s->pages[i]);
	/* Map nodes: from the root down to the lowest page handed out. */
	for (node = FUZZ_RAM_END - PAGE_SIZE; node >= kho_radix_root_phys(&s->map) - 64 * PAGE_SIZE;
	     node -= PAGE_SIZE) {
		const u64 *w = (const u64 *)node;
		unsigned int j;

		for (j = 0; j < PAGE_SIZE / 8 && !w[j]; j++)
			;
		if (j < PAGE_SIZE / 8 || node >= kho_radix_root_phys(&s->map))
			seed_write_page(f, node);
	}
	return fclose(f) ? 1 : 0;
}

/* The table or leaf entry that leads to the first leaf: level 1's slot. */
static u64 *seed_first_slot(struct seed *s, unsigned int level)
{
	u64 *table = s->map.root;
	unsigned int l, i;

	for (l = KHO_RADIX_ROOT_LEVEL; ; l--) {
		for (i = 0; i < KHO_RADIX_TABLE_ENTRIES && !table[i]; i++)
			;
		if (l == level)
			return &table[i];
		table = (u64 *)(uintptr_t)table[i];
	}
}

/*
 * A dense map of mixed orders, for kho_restore_folio_range(): small
 * orders packed into whole words, blocks of orders 9 and 10, and one of
 * order 11, which no folio can have. @pad is the first op's pad: the
 * callback call to fail on, and a subsection to take offline.
 */
static int seed_dense(const char *dir, const char *name, u64 phys, u64 nr,
		      u32 pad)
{
	struct seed s;
	u64 pa;

	seed_init(&s);
	seed_build(&s);
	seed_preserve(&s, 0x1800000, 11);
	seed_preserve(&s, 0x2400000, 9);
	seed_preserve(&s, 0x3800000, 10);
	for (pa = 0x2300000; pa < 0x2400000; pa += 0x80000)
		seed_preserve(&s, pa, 7);
	for (pa = 0x2a00000; pa < 0x2b00000; pa += 2 * PAGE_SIZE)
		seed_preserve(&s, pa, 0);
	for (pa = 0x2b00000; pa < 0x2c00000; pa += 0x4000)
		seed_preserve(&s, pa + 0x2000, 1);
	for (pa = 0x2c00000; pa < 0x2e00000; pa += 0x10000)
		seed_preserve(&s, pa, (pa >> 16) % 5);
	for (pa = 0x2e00000; pa < 0x2f00000; pa += PAGE_SIZE)
		seed_preserve(&s, pa, 0);
	for (pa = 0x2f00000; pa < 0x3000000; pa += 0x40000)
		seed_preserve(&s, pa, 6);
	seed_op(&s, 0, FUZZ_OP_RESTORE_RANGE, phys, nr);
	s.hdr.ops[0].pad = pad;
	seed_op(&s, 1, FUZZ_OP_RESTORE_RANGE, 0x1800000, 0x2800);
	seed_op(&s, 2, FUZZ_OP_RESTORE_PAGES, 0x2e00000, 0x100);
	seed_op(&s, 3, FUZZ_OP_RELEASE_PAGES, 0x2a00000, 0x600);
	return seed_write(&s, dir, name);
}

static int seed_range_restores(const char *dir)
{
	int err = 0;

	err |= seed_dense(dir, "range-dense-all", 0x1800000, 0x1000, 0);
	err |= seed_dense(dir, "range-dense-unaligned", 0x1801000, 0x17ff, 0);
	err |= seed_dense(dir, "range-callback-fails", 0x2a00000, 0x1000, 5);
	err |= seed_dense(dir, "range-offline-subsection", 0x1800000, 0x2800,
			  0x16 << 16);
	err |= seed_dense(dir, "range-offline-and-fails", 0x2a00000, 0x1600,
			  (0x16 << 16) | 70);
	err |= seed_dense(dir, "range-top-of-memory", 0xfffffffffffff000ULL,
			  0x10, 0);
	return err;
}

int fuzz_in_make_seeds(const char *dir)
{
	struct seed s;
	int err = 0;
	u64 *slot, pa;

	seed_init(&s);
	seed_build(&s);
	err |= seed_write(&s, dir, "ours-basic");

	/* Booted as arm64: no low memory is kept, a block below 1 MiB stays. */
	seed_init(&s);
	seed_build(&s);
	seed_preserve(&s, 0x90000, 0);
	seed_op(&s, 3, FUZZ_OP_RESTORE_PAGES, 0x90000, 1);
	s.hdr.ops[0].pad |= 1 << 22;
	err |= seed_write(&s, dir, "arm64-block-below-1m");

	/* Blocks under the kernel image and the initrd: dropped, not restored. */
	seed_init(&s);
	seed_build(&s);
	for (pa = 0x17f0000; pa < 0x1810000; pa += PAGE_SIZE)
		seed_preserve(&s, pa, 0);
	seed_preserve(&s, 0x2800000, 9);
	seed_op(&s, 3, FUZZ_OP_RESTORE_PAGES, 0x17f0000, 0x20);
	err |= seed_write(&s, dir, "drop-under-image-and-initrd");
	s.hdr.ops[0].pad |= 1 << 22;
	err |= seed_write(&s, dir, "arm64-drop-under-image-and-initrd");

	/*
	 * 70 small scratch areas inside one memory region: marking them would
	 * split it into 141, past memblock's 128 initial slots, which arm64
	 * cannot grow yet. Refused on both before anything is marked.
	 */
	seed_init(&s);
	seed_build(&s);
	for (pa = 0; pa < 70; pa++)
		((struct kho_scratch *)SEED_SCRATCH)[pa] =
			(struct kho_scratch){ 0x400000 + pa * 0x20000, 0x10000 };
	s.hdr.scratch_len = 70 * sizeof(struct kho_scratch);
	err |= seed_write(&s, dir, "many-scratch-areas");
	s.hdr.ops[0].pad |= 1 << 22;
	err |= seed_write(&s, dir, "arm64-many-scratch-areas");

	/* A block under the scratch array, which kexec loaded over it. */
	seed_init(&s);
	seed_build(&s);
	seed_preserve(&s, SEED_SCRATCH, 0);
	seed_op(&s, 3, FUZZ_OP_RESTORE_PAGES, SEED_SCRATCH, 1);
	err |= seed_write(&s, dir, "drop-under-scratch-array");

	/* Preserved memory inside scratch, as mainline leaves reserve_mem=. */
	seed_init(&s);
	s.pstore_start = 0x3500000;
	seed_build(&s);
	seed_preserve(&s, 0x3500000, 8);
	err |= seed_write(&s, dir, "peer-style-pstore-in-scratch");

	/* 1: kexec-metadata 1 TiB away, and in RAM that is not preserved. */
	seed_init(&s);
	s.metadata_at = 1ULL << 40;
	seed_build(&s);
	err |= seed_write(&s, dir, "defect1-metadata-1tib");
	seed_init(&s);
	s.metadata_at = SEED_SPARE;
	seed_build(&s);
	err |= seed_write(&s, dir, "defect1-metadata-unpreserved");

	/* 2: a region whose end wraps around. */
	seed_init(&s);
	s.pstore_start = 0xfffffffffffff000ULL;
	s.pstore_size = 0xfc0;
	seed_build(&s);
	snprintf(s.hdr.cmdline[0], sizeof(s.hdr.cmdline[0]), "0xfc0:4096:pstore");
	err |= seed_write(&s, dir, "defect2-memblock-wrap");

	/* A region far larger than RAM that this kernel does not take over. */
	seed_init(&s);
	s.pstore_size = 1ULL << 50;
	seed_build(&s);
	err |= seed_write(&s, dir, "finding-memblock-huge-region-hang");

	/* 3: map nodes in scratch, below 1 MiB, shared, self-referencing, preserved. */
	seed_init(&s);
	seed_build(&s);
	((struct kho_scratch *)SEED_SCRATCH)[1] = (struct kho_scratch){ 0x3c00000, 0x400000 };
	err |= seed_write(&s, dir, "defect3-map-node-in-scratch");

	seed_init(&s);
	seed_build(&s);
	slot = seed_first_slot(&s, 1);
	memcpy((void *)0x90000, (void *)(uintptr_t)*slot, PAGE_SIZE);
	memset((void *)(uintptr_t)*slot, 0, PAGE_SIZE);
	*slot = 0x90000;
	seed_page(&s, 0x90000);
	err |= seed_write(&s, dir, "defect3-map-node-below-1m");

	seed_init(&s);
	seed_build(&s);
	slot = seed_first_slot(&s, 1);
	slot[1] = slot[0];
	err |= seed_write(&s, dir, "defect3-map-node-shared");

	seed_init(&s);
	seed_build(&s);
	slot = seed_first_slot(&s, KHO_RADIX_ROOT_LEVEL);
	slot[1] = kho_radix_root_phys(&s.map);
	err |= seed_write(&s, dir, "defect3-map-self-reference");

	seed_init(&s);
	seed_build(&s);
	seed_preserve(&s, *seed_first_slot(&s, 1), 0);
	seed_op(&s, 1, FUZZ_OP_RESTORE_PAGES, *seed_first_slot(&s, 1), 1);
	err |= seed_write(&s, dir, "defect3-map-node-preserved");

	/* 4: overlapping blocks of different orders, and the root FDT page. */
	seed_init(&s);
	seed_build(&s);
	seed_preserve(&s, SEED_FOLIO + PAGE_SIZE, 0);
	seed_op(&s, 1, FUZZ_OP_RESTORE_PAGES, SEED_FOLIO + PAGE_SIZE, 1);
	err |= seed_write(&s, dir, "defect4-overlapping-orders");

	seed_init(&s);
	seed_build(&s);
	seed_op(&s, 0, FUZZ_OP_RESTORE_PAGES, SEED_FDT, 1);
	seed_op(&s, 1, FUZZ_OP_SUBTREES, 0, 0);
	err |= seed_write(&s, dir, "defect4-fdt-page-restored");

	/*
	 * 5: a reservation fails halfway (memblock cannot grow its array):
	 * nothing of the map may reach the page allocator while a client can
	 * still restore it.
	 */
	seed_init(&s);
	seed_build(&s);
	snprintf(s.hdr.cmdline[1], sizeof(s.hdr.cmdline[1]), "kho-fail-reserve=4");
	seed_op(&s, 1, FUZZ_OP_RESTORE_PAGES, SEED_FOLIO, 1);
	seed_op(&s, 2, FUZZ_OP_RESTORE_FOLIO, SEED_FOLIO, 0);
	err |= seed_write(&s, dir, "defect5-reserve-fails");

	/* 7: scratch array with a huge count, and an area beyond RAM. */
	seed_init(&s);
	seed_build(&s);
	s.hdr.scratch_len = 1ULL << 36;
	err |= seed_write(&s, dir, "defect7-scratch-huge-count");

	seed_init(&s);
	seed_build(&s);
	((struct kho_scratch *)SEED_SCRATCH)[1] = (struct kho_scratch){ 1ULL << 40, 0x400000 };
	err |= seed_write(&s, dir, "defect7-scratch-area-not-ram");

	/* 8: a map whose tables all point at one table: 512^4 paths. */
	seed_init(&s);
	seed_build(&s);
	{
		u64 *t = (u64 *)(FUZZ_RAM_END - 40 * PAGE_SIZE);
		unsigned int l, i;

		/* Tables of levels 5..1 in five pages, each full of the next. */
		for (l = 0; l < 5; l++)
			for (i = 0; i < KHO_RADIX_TABLE_ENTRIES; i++)
				t[l * 512 + i] = (u64)(uintptr_t)&t[(l + 1) * 512];
		memset(&t[5 * 512], 0, PAGE_SIZE);	/* an empty leaf */
		((u64 *)(uintptr_t)kho_radix_root_phys(&s.map))[1] = (u64)(uintptr_t)&t[512];
	}
	err |= seed_write(&s, dir, "defect8-map-fan-out");

	err |= seed_range_restores(dir);
	return err;
}
