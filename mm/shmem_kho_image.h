/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Persistent tmpfs: checking a kho-tmpfs-v1 image before anything is built
 * from it (mm/shmem_kho_image.c). Kept apart from mm/shmem_kho_in.c so that
 * the checks can be tested in userspace against damaged images.
 */
#ifndef _MM_SHMEM_KHO_IMAGE_H
#define _MM_SHMEM_KHO_IMAGE_H

#include <linux/kho/abi/tmpfs.h>
#include <linux/types.h>

/*
 * Large folios reach the page cache only with transparent huge pages. The
 * memfd handler (mm/memfd_luo.c) holds the folios it restores to it too.
 */
#ifdef CONFIG_TRANSPARENT_HUGEPAGE
#define SHMEM_KHO_MAX_ORDER	MAX_PAGECACHE_ORDER
#else
#define SHMEM_KHO_MAX_ORDER	0
#endif

/* Sanity bound on an image: 64 Mi entries, 16 string bytes each. */
#define SHMEM_KHO_MAX_ENTRIES	(64ULL * 1024 * 1024)

/**
 * struct shmem_kho_view - an image, cut into its arrays
 * @hdr:      its header
 * @inodes:   inodes[]
 * @dentries: dentries[]
 * @xattrs:   xattrs[]
 * @folios:   folios[]
 * @strings:  strings[]
 */
struct shmem_kho_view {
	const struct kho_tmpfs_header *hdr;
	struct kho_tmpfs_inode *inodes;
	struct kho_tmpfs_dentry *dentries;
	struct kho_tmpfs_xattr *xattrs;
	struct kho_tmpfs_folio *folios;
	char *strings;
};

bool shmem_kho_counts_ok(u64 nr_dentries, u64 nr_xattrs, u64 nr_folios,
			 u64 strings_size);
bool shmem_kho_view_init(struct shmem_kho_view *v,
			 const struct kho_tmpfs_header *hdr, void *image);
size_t shmem_kho_scratch_entries(const struct shmem_kho_view *v);
const char *shmem_kho_check_view(const struct shmem_kho_view *v, u32 *scratch);
unsigned long shmem_kho_view_pages(const struct shmem_kho_view *v);

#endif /* _MM_SHMEM_KHO_IMAGE_H */
