/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Persistent tmpfs (mount -t tmpfs -o kho=NAME): the interface between
 * mm/shmem.c and mm/shmem_kho*.c, which the live update memfd handler
 * (mm/memfd_luo.c) uses too.
 */
#ifndef _MM_SHMEM_KHO_H
#define _MM_SHMEM_KHO_H

#include <linux/bits.h>
#include <linux/build_bug.h>
#include <linux/mm.h>
#include <linux/shmem_fs.h>
#include <linux/types.h>

struct address_space;
struct dentry;
struct folio;
struct fs_context;
struct inode;
struct seq_file;
struct shmem_kho_view;
struct super_block;

/* shmem.c internals that restoring a file's folios needs. */
int shmem_add_to_page_cache(struct folio *folio, struct address_space *mapping,
			    pgoff_t index, void *expected, gfp_t gfp);
int shmem_inode_acct_blocks(struct inode *inode, long pages);
void shmem_recalc_inode(struct inode *inode, long alloced, long swapped);
/* And what recording them needs, to read swapped pages with its own gfp. */
int shmem_get_folio_gfp(struct inode *inode, pgoff_t index,
			loff_t write_end, struct folio **foliop,
			enum sgp_type sgp, gfp_t gfp, struct vm_fault *vmf,
			vm_fault_t *fault_type);

/* mm/shmem_kho_rebuild.c, for mm/shmem_kho_in.c and mm/memfd_luo.c. */
int shmem_kho_rebuild(const struct shmem_kho_view *v, struct super_block *sb,
		      struct dentry **dentries);
int shmem_kho_insert_folio(struct inode *inode, pgoff_t index,
			   struct folio *folio);

/*
 * A bit of shmem_inode_info.flags, which otherwise holds VM_NORESERVE and
 * VM_LOCKED: the folios of the file's page cache are preserved where they
 * are for the next kernel, so none may come or go. Changing the size,
 * fallocate() and writing beyond the end fail with -EPERM. Unlike the
 * seals F_SEAL_GROW and F_SEAL_SHRINK, the bit is cleared again when the
 * preservation is cancelled.
 */
#define SHMEM_F_MAPPING_FROZEN	BIT(0)
static_assert(!(SHMEM_F_MAPPING_FROZEN & (VM_NORESERVE | VM_LOCKED)));

/* Set or clear SHMEM_F_MAPPING_FROZEN. Context: holds the inode lock. */
static inline void shmem_freeze(struct inode *inode, bool freeze)
{
	if (freeze)
		SHMEM_I(inode)->flags |= SHMEM_F_MAPPING_FROZEN;
	else
		SHMEM_I(inode)->flags &= ~SHMEM_F_MAPPING_FROZEN;
}

/* Mount options given explicitly, which a handover does not override. */
#define SHMEM_KHO_GIVEN_BLOCKS	BIT(0)
#define SHMEM_KHO_GIVEN_INODES	BIT(1)
#define SHMEM_KHO_GIVEN_QUOTA	BIT(2)

#if defined(CONFIG_KEXEC_HANDOVER) && defined(CONFIG_TMPFS)
int shmem_kho_check_name(struct fs_context *fc, const char *name);
int shmem_kho_claim(struct super_block *sb, const char *name,
		    unsigned long long *blocks, unsigned long long *inodes,
		    unsigned int given);
int shmem_kho_populate(struct super_block *sb);
void shmem_kho_release_sb(struct super_block *sb);
bool shmem_kho_same_name(struct super_block *sb, const char *name);
bool shmem_kho_mounted(struct super_block *sb);
void shmem_kho_show_options(struct seq_file *seq, struct super_block *sb);
#else
static inline int shmem_kho_check_name(struct fs_context *fc, const char *name)
{
	return -EOPNOTSUPP;
}

static inline int shmem_kho_claim(struct super_block *sb, const char *name,
				  unsigned long long *blocks,
				  unsigned long long *inodes, unsigned int given)
{
	return -EOPNOTSUPP;
}

static inline int shmem_kho_populate(struct super_block *sb)
{
	return 0;
}

static inline void shmem_kho_release_sb(struct super_block *sb) { }

static inline bool shmem_kho_same_name(struct super_block *sb,
				       const char *name)
{
	return !name;
}

static inline bool shmem_kho_mounted(struct super_block *sb)
{
	return false;
}

static inline void shmem_kho_show_options(struct seq_file *seq,
					  struct super_block *sb) { }
#endif

#endif /* _MM_SHMEM_KHO_H */
