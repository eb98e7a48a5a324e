// SPDX-License-Identifier: GPL-2.0-only
/*
 * Persistent tmpfs: rebuilding a kho mount's tree from an image that
 * mm/shmem_kho_image.c accepted. Names are created through the directory's
 * own inode operations, as if a user created them, and the preserved
 * folios go back into the page cache where they are, so no file data is
 * copied.
 */

#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/kexec_handover.h>
#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/swap.h>
#include <linux/xattr.h>

#include "shmem_kho.h"
#include "shmem_kho_image.h"

/*
 * A hashed negative dentry, as a lookup would have left it: the inode
 * operations only instantiate it, and an unhashed one would stay
 * invisible to lookups and readdir.
 */
static struct dentry *shmem_kho_new_dentry(struct dentry *parent,
					   const char *name)
{
	struct qstr qname = QSTR_INIT(name, strlen(name));
	struct dentry *dentry;

	/* The checks refuse a name used twice; never replace one anyway. */
	dentry = d_hash_and_lookup(parent, &qname);
	if (dentry) {
		if (!IS_ERR(dentry))
			dput(dentry);
		return ERR_PTR(-EEXIST);
	}
	dentry = d_alloc_name(parent, name);
	if (!dentry)
		return ERR_PTR(-ENOMEM);
	if (!parent->d_sb->s_d_op)
		d_set_d_op(dentry, &simple_dentry_operations);
	d_add(dentry, NULL);
	return dentry;
}

static struct dentry *shmem_kho_create(struct dentry *parent, const char *name,
				       const struct kho_tmpfs_inode *ino,
				       const char *target)
{
	struct inode *dir = d_inode(parent);
	struct dentry *dentry;
	umode_t mode = ino->mode;
	int err;

	dentry = shmem_kho_new_dentry(parent, name);
	if (IS_ERR(dentry))
		return dentry;
	inode_lock_nested(dir, I_MUTEX_PARENT);
	switch (mode & S_IFMT) {
	case S_IFDIR:
		err = dir->i_op->mkdir(&nop_mnt_idmap, dir, dentry, mode);
		break;
	case S_IFREG:
		err = dir->i_op->create(&nop_mnt_idmap, dir, dentry, mode, true);
		break;
	case S_IFLNK:
		err = dir->i_op->symlink(&nop_mnt_idmap, dir, dentry, target);
		break;
	default:
		err = dir->i_op->mknod(&nop_mnt_idmap, dir, dentry, mode,
				       new_decode_dev(ino->rdev));
		break;
	}
	inode_unlock(dir);
	if (err) {
		dput(dentry);
		return ERR_PTR(err);
	}
	return dentry;
}

static struct dentry *shmem_kho_link(struct dentry *parent, const char *name,
				     struct dentry *target)
{
	struct inode *dir = d_inode(parent);
	struct dentry *dentry;
	int err;

	dentry = shmem_kho_new_dentry(parent, name);
	if (IS_ERR(dentry))
		return dentry;
	inode_lock_nested(dir, I_MUTEX_PARENT);
	err = dir->i_op->link(target, dir, dentry);
	inode_unlock(dir);
	if (err) {
		dput(dentry);
		return ERR_PTR(err);
	}
	return dentry;
}

/**
 * shmem_kho_insert_folio - put a folio restored from the handover into a file
 * @inode: a regular shmem file
 * @index: page index of the folio's first page, a multiple of its pages
 * @folio: the folio as kho_restore_folio() gave it back, of an order up to
 *         SHMEM_KHO_MAX_ORDER; its reference is consumed in every case
 *
 * The folio keeps its contents and goes into the page cache as a folio the
 * file's user wrote: up to date and dirty, charged to the current task's
 * memory cgroup and counted against the size of the mount.
 *
 * Return: 0, or the error of the charge (-ENOMEM: with no room in the
 * cgroup, this fails rather than OOM-kill), of the insertion (-EEXIST
 * when @index is taken) or of the accounting (-ENOSPC).
 */
int shmem_kho_insert_folio(struct inode *inode, pgoff_t index,
			   struct folio *folio)
{
	struct address_space *mapping = inode->i_mapping;
	gfp_t gfp = mapping_gfp_mask(mapping);
	long nr = folio_nr_pages(folio);
	int err;

	if (folio_test_large(folio))
		folio_set_large_rmappable(folio);
	__folio_set_locked(folio);
	__folio_set_swapbacked(folio);
	folio_mark_uptodate(folio);

	err = mem_cgroup_charge(folio, NULL, gfp | __GFP_RETRY_MAYFAIL);
	if (!err)
		err = shmem_add_to_page_cache(folio, mapping, index, NULL, gfp);
	if (!err) {
		err = shmem_inode_acct_blocks(inode, nr);
		if (err)
			filemap_remove_folio(folio);
	}
	if (err) {
		folio_unlock(folio);
		folio_put(folio);
		return err;
	}
	shmem_recalc_inode(inode, nr, 0);
	/* A clean shmem folio may be dropped as if it were a hole. */
	folio_mark_dirty(folio);
	folio_add_lru(folio);
	folio_unlock(folio);
	folio_put(folio);
	return 0;
}

/* Put one restored folio back into the page cache of @inode. */
static int shmem_kho_add_folio(struct inode *inode,
			       const struct kho_tmpfs_folio *rec,
			       struct folio *folio)
{
	if (!folio)
		return -ENOENT;
	if (folio_order(folio) != rec->order) {
		folio_put(folio);
		return -EINVAL;
	}
	return shmem_kho_insert_folio(inode, rec->index, folio);
}

/* Folios restored per call of kho_restore_folios(): 512 bytes of stack. */
#define SHMEM_KHO_RESTORE_BATCH	32

/*
 * Restore the folios of one file, a batch at a time, and add them to its
 * page cache. After an error the rest of the batch is freed; what is not
 * restored yet stays preserved, for shmem_kho_free_incoming() to free.
 */
static int shmem_kho_add_folios(struct inode *inode,
				const struct kho_tmpfs_folio *recs, u64 nr)
{
	struct folio *folios[SHMEM_KHO_RESTORE_BATCH];
	phys_addr_t phys[SHMEM_KHO_RESTORE_BATCH];
	unsigned int i, n;
	int err = 0;

	for (; !err && nr; recs += n, nr -= n) {
		n = min_t(u64, nr, SHMEM_KHO_RESTORE_BATCH);
		for (i = 0; i < n; i++)
			phys[i] = recs[i].phys;
		kho_restore_folios(phys, n, folios);
		for (i = 0; i < n; i++) {
			if (!err)
				err = shmem_kho_add_folio(inode, &recs[i], folios[i]);
			else if (folios[i])
				folio_put(folios[i]);
		}
	}
	return err;
}

static int shmem_kho_set_xattrs(const struct shmem_kho_view *v,
				struct dentry *dentry,
				const struct kho_tmpfs_inode *ino)
{
	const struct kho_tmpfs_xattr *x;
	char name[XATTR_NAME_MAX + 1];
	int err = 0;
	u64 i;

	inode_lock(d_inode(dentry));
	for (i = 0; !err && i < ino->nr_xattrs; i++) {
		x = &v->xattrs[ino->first_xattr + i];
		memcpy(name, v->strings + x->name, x->name_len);
		name[x->name_len] = '\0';
		/* With the LSM's post-set hook, so a restored label is used. */
		err = __vfs_setxattr_noperm(&nop_mnt_idmap, dentry, name,
					    v->strings + x->value,
					    x->value_len, 0);
	}
	inode_unlock(d_inode(dentry));
	return err;
}

static void shmem_kho_set_times(struct inode *inode,
				const struct kho_tmpfs_inode *ino)
{
	inode_set_atime(inode, ino->atime_sec, ino->atime_nsec);
	inode_set_mtime(inode, ino->mtime_sec, ino->mtime_nsec);
	inode_set_ctime(inode, ino->ctime_sec, ino->ctime_nsec);
}

/* Owner, mode, attributes and data of a new inode. */
static int shmem_kho_fill(const struct shmem_kho_view *v, struct dentry *dentry,
			  const struct kho_tmpfs_inode *ino)
{
	struct inode *inode = d_inode(dentry);
	int err;

	inode->i_uid = make_kuid(&init_user_ns, ino->uid);
	inode->i_gid = make_kgid(&init_user_ns, ino->gid);
	inode->i_mode = ino->mode;
	err = shmem_kho_set_xattrs(v, dentry, ino);
	if (err || !S_ISREG(ino->mode))
		return err;
	i_size_write(inode, ino->size);
	return shmem_kho_add_folios(inode, &v->folios[ino->first_folio],
				    ino->nr_folios);
}

static int shmem_kho_add_name(const struct shmem_kho_view *v,
			      struct dentry **dentries,
			      const struct kho_tmpfs_dentry *d)
{
	const struct kho_tmpfs_inode *ino = &v->inodes[d->inode];
	char name[NAME_MAX + 1], *target = NULL;
	struct dentry *dentry;

	memcpy(name, v->strings + d->name, d->name_len);
	name[d->name_len] = '\0';
	if (dentries[d->inode]) {
		dentry = shmem_kho_link(dentries[d->parent], name,
					dentries[d->inode]);
		if (IS_ERR(dentry))
			return PTR_ERR(dentry);
		dput(dentry);
		return 0;
	}
	if (S_ISLNK(ino->mode)) {
		target = kmemdup_nul(v->strings + ino->target, ino->size,
				     GFP_KERNEL);
		if (!target)
			return -ENOMEM;
	}
	dentry = shmem_kho_create(dentries[d->parent], name, ino, target);
	kfree(target);
	if (IS_ERR(dentry))
		return PTR_ERR(dentry);
	dentries[d->inode] = dentry;
	return shmem_kho_fill(v, dentry, ino);
}

/**
 * shmem_kho_rebuild - build a kho mount's tree from its handover
 * @v:        the image, accepted by shmem_kho_check_view()
 * @sb:       the new mount, with its empty root
 * @dentries: one zeroed slot per inode, freed here
 *
 * Creates the names in array order through the directory's own inode
 * operations and puts each file's preserved folios into its page cache.
 * After the checks, only a lack of memory or of space in the mount makes
 * this fail, and then the tree is left half built.
 *
 * Return: 0, or the error of the first step that failed.
 */
int shmem_kho_rebuild(const struct shmem_kho_view *v, struct super_block *sb,
		      struct dentry **dentries)
{
	const struct kho_tmpfs_header *hdr = v->hdr;
	u64 i;
	int err;

	dentries[0] = dget(sb->s_root);
	err = shmem_kho_fill(v, dentries[0], &v->inodes[0]);
	for (i = 0; !err && i < hdr->nr_dentries; i++) {
		err = shmem_kho_add_name(v, dentries, &v->dentries[i]);
		cond_resched();
	}
	/* Last, since creating names changes the directories' times. */
	for (i = 0; !err && i < hdr->nr_inodes; i++)
		shmem_kho_set_times(d_inode(dentries[i]), &v->inodes[i]);
	for (i = 0; i < hdr->nr_inodes; i++)
		dput(dentries[i]);
	kvfree(dentries);
	return err;
}
