// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the checks of an incoming kho-tmpfs-v1 image
 * (mm/shmem_kho_image.c, unchanged, with the shims of unit test 04). The
 * input is the header followed by the image; the image is mapped in a
 * buffer of exactly the pages the header claims, as kho_restore_vmalloc()
 * maps it. Memory at [1 MiB, 3 MiB) counts as preserved, in blocks of
 * any size. An image the checks accept must be one shmem_kho_in.c can
 * rebuild and free safely: every folio entry belongs to exactly one
 * inode, and its order is one the page cache takes. KHO_FUZZ_SEEDS=DIR
 * writes seeds.
 */
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "shmem_kho_image.h"

#define MAX_IMAGE_PAGES	16
#define PRESERVED_START	0x100000ULL
#define PRESERVED_END	0x300000ULL

bool kho_pages_preserved(phys_addr_t phys, unsigned long nr_pages)
{
	return phys >= PRESERVED_START && phys < PRESERVED_END &&
	       nr_pages <= (PRESERVED_END - phys) / PAGE_SIZE;
}

/* A folio is preserved when it is one aligned block inside that memory. */
bool kho_folio_preserved(phys_addr_t phys, unsigned int order)
{
	return order <= 10 && IS_ALIGNED(phys, PAGE_SIZE << order) &&
	       kho_pages_preserved(phys, 1UL << order);
}

/* What the rebuild and shmem_kho_free_incoming() rely on. */
static void check_accepted(const struct shmem_kho_view *v)
{
	const struct kho_tmpfs_header *hdr = v->hdr;
	u64 i, f;
	unsigned char *owners = calloc(hdr->nr_folios + 1, 1);

	for (i = 0; i < hdr->nr_inodes; i++) {
		const struct kho_tmpfs_inode *ino = &v->inodes[i];

		for (f = ino->first_folio; f < ino->first_folio + ino->nr_folios; f++)
			if (owners[f]++) {
				fprintf(stderr,
					"KHO-FUZZ BUG: folio entry %llu belongs to two inodes\n",
					f);
				abort();
			}
	}
	for (f = 0; f < hdr->nr_folios; f++) {
		if (!owners[f]) {
			fprintf(stderr,
				"KHO-FUZZ BUG: folio entry %llu (phys %#llx) belongs to no inode but is accepted\n",
				f, v->folios[f].phys);
			abort();
		}
		if (v->folios[f].order > MAX_PAGECACHE_ORDER) {
			fprintf(stderr, "KHO-FUZZ BUG: folio entry %llu of order %u is accepted\n",
				f, v->folios[f].order);
			abort();
		}
	}
	free(owners);
	shmem_kho_view_pages(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kho_tmpfs_header hdr;
	struct shmem_kho_view v;
	size_t mapped;
	void *image;
	u32 *named;

	if (size < sizeof(hdr))
		return -1;
	memcpy(&hdr, data, sizeof(hdr));
	if (!hdr.image.total_pages || hdr.image.total_pages > MAX_IMAGE_PAGES)
		return -1;
	mapped = (size_t)hdr.image.total_pages * PAGE_SIZE;
	image = calloc(1, mapped);
	memcpy(image, data + sizeof(hdr),
	       size - sizeof(hdr) < mapped ? size - sizeof(hdr) : mapped);
	if (shmem_kho_view_init(&v, &hdr, image)) {
		/* Work space of the checks, with any contents. */
		named = malloc((shmem_kho_scratch_entries(&v) + 1) * sizeof(*named));
		if (!shmem_kho_check_view(&v, named))
			check_accepted(&v);
		free(named);
	}
	free(image);
	return 0;
}

/* Seeds: a small tree, and damaged copies for defect 6 of issue 12. */
struct seed {
	struct kho_tmpfs_header hdr;
	struct kho_tmpfs_inode inodes[3];
	struct kho_tmpfs_dentry dentries[2];
	struct kho_tmpfs_folio folios[3];
	char strings[16];
};

/* Written out as it is: its parts follow each other without padding. */
static_assert(sizeof(struct seed) ==
	      sizeof(struct kho_tmpfs_header) +
	      3 * sizeof(struct kho_tmpfs_inode) +
	      2 * sizeof(struct kho_tmpfs_dentry) +
	      3 * sizeof(struct kho_tmpfs_folio) + 16,
	      "struct seed has padding");

static void seed_build(struct seed *s)
{
	memset(s, 0, sizeof(*s));
	memcpy(s->hdr.compatible, KHO_TMPFS_COMPATIBLE, sizeof(KHO_TMPFS_COMPATIBLE));
	s->hdr.header_size = sizeof(s->hdr);
	s->hdr.nr_inodes = 3;
	s->hdr.nr_dentries = 2;
	s->hdr.nr_folios = 3;
	s->hdr.strings_size = sizeof(s->strings);
	s->hdr.image_size = sizeof(*s) - sizeof(s->hdr);
	s->hdr.image.total_pages = 1;
	s->inodes[0] = (struct kho_tmpfs_inode){ .mode = S_IFDIR | 0755 };
	s->inodes[1] = (struct kho_tmpfs_inode){
		.mode = S_IFREG | 0644, .size = 5 * PAGE_SIZE, .first_folio = 0,
		.nr_folios = 2,
	};
	s->inodes[2] = (struct kho_tmpfs_inode){
		.mode = S_IFREG | 0600, .size = 100, .first_folio = 2,
		.nr_folios = 1,
	};
	s->dentries[0] = (struct kho_tmpfs_dentry){ .name = 0, .name_len = 4, .inode = 1 };
	s->dentries[1] = (struct kho_tmpfs_dentry){ .name = 4, .name_len = 3, .inode = 2 };
	memcpy(s->strings, "dataabc", 7);
	s->folios[0] = (struct kho_tmpfs_folio){ .phys = 0x100000, .index = 0, .order = 0 };
	s->folios[1] = (struct kho_tmpfs_folio){ .phys = 0x200000, .index = 4, .order = 0 };
	s->folios[2] = (struct kho_tmpfs_folio){ .phys = 0x101000, .index = 0, .order = 0 };
}

static int seed_write(const char *dir, const char *name, const struct seed *s)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f || fwrite(s, sizeof(*s), 1, f) != 1)
		return 1;
	return fclose(f) ? 1 : 0;
}

static int make_seeds(const char *dir)
{
	struct seed s;
	int err;

	seed_build(&s);
	err = seed_write(dir, "ours-two-files", &s);
	/* 6: a folio entry outside every inode's range. */
	seed_build(&s);
	s.inodes[2].nr_folios = 0;
	err |= seed_write(dir, "defect6-folio-outside-inodes", &s);
	/* 6: two inodes sharing a folio entry. */
	seed_build(&s);
	s.inodes[2].first_folio = 1;
	err |= seed_write(dir, "defect6-shared-folio-range", &s);
	/* 6: an order 1UL << order cannot shift by. */
	seed_build(&s);
	s.inodes[2].nr_folios = 0;
	s.folios[2].order = 200;
	err |= seed_write(dir, "defect6-bad-order", &s);
	return err;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	if (getenv("KHO_FUZZ_SEEDS"))
		exit(make_seeds(getenv("KHO_FUZZ_SEEDS")));
	return 0;
}
