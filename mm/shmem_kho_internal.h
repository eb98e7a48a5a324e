/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Persistent tmpfs: what its three parts share. mm/shmem_kho.c owns the
 * kho=NAME mounts and their life time, mm/shmem_kho_out.c records them when
 * the handover is finalized, and mm/shmem_kho_in.c checks and restores the
 * mounts the previous kernel handed over.
 */
#ifndef _MM_SHMEM_KHO_INTERNAL_H
#define _MM_SHMEM_KHO_INTERNAL_H

#include <linux/init.h>
#include <linux/kho/abi/tmpfs.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/types.h>

struct folio;
struct super_block;

/* What an inode costs against nr_inodes=, as in shmem.c. */
#define SHMEM_KHO_BOGO_INODE_SIZE	1024

/* Node name of a mount's subtree: the prefix, NAME and a NUL. */
#define SHMEM_KHO_SUBTREE_MAX	(sizeof(KHO_TMPFS_SUBTREE_PREFIX) + \
				 KHO_TMPFS_NAME_MAX)

/**
 * struct shmem_kho_incoming - a mount the previous kernel handed over
 * @list:   on shmem_kho_pending, or owned by the mount that claimed it
 * @name:   its NAME
 * @header: a copy of the subtree blob, whose page is freed
 * @image:  the image once restored (by a mount that then failed), or NULL
 */
struct shmem_kho_incoming {
	struct list_head list;
	char name[KHO_TMPFS_NAME_MAX + 1];
	struct kho_tmpfs_header *header;
	void *image;
};

/**
 * struct shmem_kho_mount - a live tmpfs mounted with kho=NAME
 * @list:      on shmem_kho_mounts
 * @work:      on the private list of a finalize or abort in progress
 * @sb:        its super block
 * @name:      its NAME
 * @incoming:  the handover claimed at mount, until it is restored
 * @frozen:    finalized: frozen, recorded and preserved
 * @header:    the preserved subtree blob, while @frozen
 * @image:     the preserved image, while @frozen
 * @folios:    the preserved folios, each pinned by a reference
 * @nr_folios: entries of @folios
 */
struct shmem_kho_mount {
	struct list_head list;
	struct list_head work;
	struct super_block *sb;
	char name[KHO_TMPFS_NAME_MAX + 1];
	struct shmem_kho_incoming *incoming;
	bool frozen;
	struct kho_tmpfs_header *header;
	void *image;
	struct folio **folios;
	unsigned long nr_folios;
};

/*
 * shmem_kho_lock guards the two lists and shmem_kho_finalized, which is
 * true between KHO_FINALIZE and KHO_ABORT, when no new kho mount may start.
 */
extern struct mutex shmem_kho_lock;
extern struct list_head shmem_kho_mounts;
extern struct list_head shmem_kho_pending;
extern bool shmem_kho_finalized;

/* mm/shmem_kho.c */
void shmem_kho_subtree_name(char *buf, const char *name);
struct shmem_kho_mount *shmem_kho_find(struct super_block *sb,
				       const char *name);
struct shmem_kho_incoming *shmem_kho_find_pending(const char *name);
int shmem_kho_check_header(const char *name,
			   const struct kho_tmpfs_header *hdr);

/* mm/shmem_kho_out.c */
void __init shmem_kho_out_init(void);

/* mm/shmem_kho_folio.c */
int shmem_kho_get_folio(struct inode *inode, pgoff_t index,
			struct folio **foliop, unsigned long *moved);

/* mm/shmem_kho_in.c */
void __init shmem_kho_in_init(void);

#endif /* _MM_SHMEM_KHO_INTERNAL_H */
