// SPDX-License-Identifier: GPL-2.0-only
/*
 * Persistent tmpfs, the outgoing side: when the handover is finalized,
 * freeze every kho=NAME mount, record its tree in a kho-tmpfs-v1 image
 * and preserve the folios of its files where they are; thaw it and drop
 * all that again when the handover is aborted.
 */

#define pr_fmt(fmt) "tmpfs: " fmt

#include <linux/fs.h>
#include <linux/hash.h>
#include <linux/kexec_handover.h>
#include <linux/kho/abi/tmpfs.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/namei.h>
#include <linux/notifier.h>
#include <linux/pagemap.h>
#include <linux/posix_acl.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/swap.h>
#include <linux/vmalloc.h>
#include <linux/xattr.h>

#include "internal.h"
#include "shmem_kho.h"
#include "shmem_kho_image.h"
#include "shmem_kho_internal.h"

/* A growing array of @esize-byte elements, copied into the image at the end. */
struct shmem_kho_vec {
	void *data;
	size_t len;
	size_t cap;
	size_t esize;
};

static void *shmem_kho_vec_add(struct shmem_kho_vec *vec, size_t nr)
{
	size_t cap = max_t(size_t, vec->cap, 64);
	void *data, *elem;

	while (cap < vec->len + nr)
		cap *= 2;
	if (cap != vec->cap) {
		data = kvrealloc(vec->data, cap * vec->esize, GFP_KERNEL);
		if (!data)
			return NULL;
		vec->data = data;
		vec->cap = cap;
	}
	elem = vec->data + vec->len * vec->esize;
	memset(elem, 0, nr * vec->esize);
	vec->len += nr;
	return elem;
}

/**
 * struct shmem_kho_builder - the image of one mount while it is recorded
 * @inodes:   struct kho_tmpfs_inode
 * @dentries: struct kho_tmpfs_dentry
 * @xattrs:   struct kho_tmpfs_xattr
 * @folios:   struct kho_tmpfs_folio
 * @strings:  bytes
 * @pinned:   struct folio *, one reference each, in @folios order
 * @dirs:     struct shmem_kho_dir, directories still to be walked
 * @links:    hash table of struct shmem_kho_link, for hard links
 * @moved:    folios moved out of scratch memory
 * @name:     the mount's kho= name, for messages
 * @acls:     files whose POSIX ACLs are left out
 */
struct shmem_kho_builder {
	struct shmem_kho_vec inodes;
	struct shmem_kho_vec dentries;
	struct shmem_kho_vec xattrs;
	struct shmem_kho_vec folios;
	struct shmem_kho_vec strings;
	struct shmem_kho_vec pinned;
	struct shmem_kho_vec dirs;
	struct hlist_head *links;
	unsigned long moved;
	const char *name;
	unsigned long acls;
};

/* An inode with more than one name, and its index in the image. */
struct shmem_kho_link {
	struct hlist_node node;
	struct inode *inode;
	u32 index;
};

#define SHMEM_KHO_LINK_BITS	10

struct shmem_kho_dir {
	struct dentry *dentry;
	u32 index;
};

static int shmem_kho_builder_init(struct shmem_kho_builder *b)
{
	memset(b, 0, sizeof(*b));
	b->links = kcalloc(1U << SHMEM_KHO_LINK_BITS, sizeof(*b->links),
			   GFP_KERNEL);
	if (!b->links)
		return -ENOMEM;
	b->inodes.esize = sizeof(struct kho_tmpfs_inode);
	b->dentries.esize = sizeof(struct kho_tmpfs_dentry);
	b->xattrs.esize = sizeof(struct kho_tmpfs_xattr);
	b->folios.esize = sizeof(struct kho_tmpfs_folio);
	b->strings.esize = 1;
	b->pinned.esize = sizeof(struct folio *);
	b->dirs.esize = sizeof(struct shmem_kho_dir);
	return 0;
}

static void shmem_kho_put_folios(struct folio **folios, unsigned long nr)
{
	while (nr--)
		folio_put(folios[nr]);
}

/* Frees what the builder holds; the pinned folios unless @keep_pins. */
static void shmem_kho_builder_destroy(struct shmem_kho_builder *b,
				      bool keep_pins)
{
	struct shmem_kho_dir *dirs = b->dirs.data;
	struct shmem_kho_link *link;
	struct hlist_node *tmp;
	size_t i;

	for (i = 0; i < 1U << SHMEM_KHO_LINK_BITS; i++)
		hlist_for_each_entry_safe(link, tmp, &b->links[i], node)
			kfree(link);
	kfree(b->links);
	for (i = 0; i < b->dirs.len; i++)
		dput(dirs[i].dentry);
	if (!keep_pins) {
		shmem_kho_put_folios(b->pinned.data, b->pinned.len);
		kvfree(b->pinned.data);
	}
	kvfree(b->inodes.data);
	kvfree(b->dentries.data);
	kvfree(b->xattrs.data);
	kvfree(b->folios.data);
	kvfree(b->strings.data);
	kvfree(b->dirs.data);
}

static int shmem_kho_add_string(struct shmem_kho_builder *b, const void *str,
				size_t len, u64 *offset)
{
	void *dst;

	*offset = b->strings.len;
	if (!len)
		return 0;
	dst = shmem_kho_vec_add(&b->strings, len);
	if (!dst)
		return -ENOMEM;
	memcpy(dst, str, len);
	return 0;
}

static int shmem_kho_add_xattr(struct shmem_kho_builder *b,
			       struct dentry *dentry, const char *name)
{
	struct inode *inode = d_inode(dentry);
	struct kho_tmpfs_xattr *rec;
	void *value = NULL;
	ssize_t len;
	int err;

	len = __vfs_getxattr(dentry, inode, name, NULL, 0);
	if (len < 0)
		return len;
	if (len) {
		value = kvmalloc(len, GFP_KERNEL);
		if (!value)
			return -ENOMEM;
		len = __vfs_getxattr(dentry, inode, name, value, len);
		if (len < 0) {
			kvfree(value);
			return len;
		}
	}
	err = -ENOMEM;
	rec = shmem_kho_vec_add(&b->xattrs, 1);
	if (rec) {
		rec->name_len = strlen(name);
		rec->value_len = len;
		err = shmem_kho_add_string(b, name, rec->name_len, &rec->name);
		if (!err)
			err = shmem_kho_add_string(b, value, len, &rec->value);
	}
	kvfree(value);
	return err;
}

/* Warnings naming a file whose ACLs are left out, per record. */
#define SHMEM_KHO_ACL_WARNINGS	5

/*
 * A file with an access ACL keeps the ACL's mask, not the owning group's
 * permissions, in the group bits of its mode; the owning group gets what
 * both its entry and the mask grant. Recorded without the ACL, the file
 * gets exactly that in the group bits, so that leaving the ACL out takes
 * access away (from the named users and groups, and the mask's rights
 * from the owning group) and never adds any.
 */
static void shmem_kho_mode_without_acl(struct kho_tmpfs_inode *rec,
				       struct inode *inode)
{
	const struct posix_acl_entry *pa, *pe;
	struct posix_acl *acl;

	if (!IS_ENABLED(CONFIG_FS_POSIX_ACL))
		return;
	acl = get_inode_acl(inode, ACL_TYPE_ACCESS);
	if (IS_ERR_OR_NULL(acl))
		return;
	FOREACH_ACL_ENTRY(pa, acl, pe) {
		if (pa->e_tag == ACL_GROUP_OBJ)
			rec->mode &= ~0070 | ((pa->e_perm & 0007) << 3);
	}
	posix_acl_release(acl);
}

/*
 * User, trusted and security attributes are handed over. POSIX ACLs live
 * in system.* names, which go through the ACL code, not the xattr list;
 * they are not part of v1 and are left out, with a warning that names the
 * file. What the file's mode then grants is shmem_kho_mode_without_acl().
 */
static int shmem_kho_add_xattrs(struct shmem_kho_builder *b,
				struct dentry *dentry,
				struct kho_tmpfs_inode *rec, u32 index)
{
	char *names, *name;
	bool acl = false;
	ssize_t len;
	int err = 0;

	rec->first_xattr = b->xattrs.len;
	/* Not vfs_listxattr(): the task that finalizes is no reader. */
	if (!d_inode(dentry)->i_op->listxattr)
		return 0;
	len = d_inode(dentry)->i_op->listxattr(dentry, NULL, 0);
	if (len <= 0)
		return len;
	names = kvmalloc(len, GFP_KERNEL);
	if (!names)
		return -ENOMEM;
	len = d_inode(dentry)->i_op->listxattr(dentry, names, len);
	for (name = names; !err && len > 0 && name < names + len;
	     name += strlen(name) + 1) {
		if (!strncmp(name, XATTR_SYSTEM_PREFIX, XATTR_SYSTEM_PREFIX_LEN)) {
			acl = true;
			continue;
		}
		err = shmem_kho_add_xattr(b, dentry, name);
		/* @rec may have moved with the array; look it up again. */
		rec = (struct kho_tmpfs_inode *)b->inodes.data + index;
		if (!err)
			rec->nr_xattrs++;
	}
	kvfree(names);
	if (!acl)
		return len < 0 ? len : err;
	shmem_kho_mode_without_acl(rec, d_inode(dentry));
	if (b->acls++ < SHMEM_KHO_ACL_WARNINGS)
		pr_warn("kho=%s: %pd2: its POSIX ACL is not handed over\n",
			b->name, dentry);
	return len < 0 ? len : err;
}

static int shmem_kho_add_symlink(struct shmem_kho_builder *b,
				 struct dentry *dentry, u32 index)
{
	struct inode *inode = d_inode(dentry);
	DEFINE_DELAYED_CALL(done);
	struct kho_tmpfs_inode *rec;
	const char *target;
	int err;

	target = inode->i_link;
	if (!target)
		target = inode->i_op->get_link(dentry, inode, &done);
	if (IS_ERR(target))
		return PTR_ERR(target);
	rec = (struct kho_tmpfs_inode *)b->inodes.data + index;
	rec->size = strlen(target);
	err = shmem_kho_add_string(b, target, rec->size, &rec->target);
	do_delayed_call(&done);
	return err;
}

static int shmem_kho_add_folios(struct shmem_kho_builder *b,
				struct inode *inode, u32 index)
{
	pgoff_t end = DIV_ROUND_UP(i_size_read(inode), PAGE_SIZE), next = 0;
	struct kho_tmpfs_folio *rec;
	struct kho_tmpfs_inode *irec;
	struct folio *folio, **pin;
	u64 first = b->folios.len;
	int err;

	while (next < end) {
		if (!xa_find(&inode->i_mapping->i_pages, &next, end - 1,
			     XA_PRESENT))
			break;
		err = shmem_kho_get_folio(inode, next, &folio, &b->moved);
		if (err)
			return err;
		if (!folio) {
			next++;
			continue;
		}
		rec = shmem_kho_vec_add(&b->folios, 1);
		pin = rec ? shmem_kho_vec_add(&b->pinned, 1) : NULL;
		if (!pin) {
			if (rec)
				b->folios.len--;
			folio_put(folio);
			return -ENOMEM;
		}
		*pin = folio;
		rec->phys = PFN_PHYS(folio_pfn(folio));
		rec->index = folio->index;
		rec->order = folio_order(folio);
		next = folio_next_index(folio);
		cond_resched();
	}
	irec = (struct kho_tmpfs_inode *)b->inodes.data + index;
	irec->first_folio = first;
	irec->nr_folios = b->folios.len - first;
	return 0;
}

static void shmem_kho_fill_inode(struct kho_tmpfs_inode *rec,
				 struct inode *inode)
{
	struct timespec64 ts;

	rec->mode = inode->i_mode;
	rec->uid = from_kuid(&init_user_ns, inode->i_uid);
	rec->gid = from_kgid(&init_user_ns, inode->i_gid);
	rec->size = i_size_read(inode);
	if (S_ISCHR(inode->i_mode) || S_ISBLK(inode->i_mode))
		rec->rdev = new_encode_dev(inode->i_rdev);
	ts = inode_get_atime(inode);
	rec->atime_sec = ts.tv_sec;
	rec->atime_nsec = ts.tv_nsec;
	ts = inode_get_mtime(inode);
	rec->mtime_sec = ts.tv_sec;
	rec->mtime_nsec = ts.tv_nsec;
	ts = inode_get_ctime(inode);
	rec->ctime_sec = ts.tv_sec;
	rec->ctime_nsec = ts.tv_nsec;
}

/* Record the inode @dentry names; its index in the image goes to @index. */
static int shmem_kho_add_inode(struct shmem_kho_builder *b,
			       struct dentry *dentry, u32 *index)
{
	struct inode *inode = d_inode(dentry);
	struct kho_tmpfs_inode *rec;
	struct shmem_kho_dir *dir;
	int err;

	if (b->inodes.len >= SHMEM_KHO_MAX_ENTRIES)
		return -E2BIG;
	rec = shmem_kho_vec_add(&b->inodes, 1);
	if (!rec)
		return -ENOMEM;
	*index = b->inodes.len - 1;
	shmem_kho_fill_inode(rec, inode);

	err = shmem_kho_add_xattrs(b, dentry, rec, *index);
	if (err)
		return err;
	if (S_ISLNK(inode->i_mode))
		return shmem_kho_add_symlink(b, dentry, *index);
	if (S_ISREG(inode->i_mode))
		return shmem_kho_add_folios(b, inode, *index);
	if (!S_ISDIR(inode->i_mode))
		return 0;
	dir = shmem_kho_vec_add(&b->dirs, 1);
	if (!dir)
		return -ENOMEM;
	dir->dentry = dget(dentry);
	dir->index = *index;
	return 0;
}

static struct hlist_head *shmem_kho_link_head(struct shmem_kho_builder *b,
					      struct inode *inode)
{
	return &b->links[hash_ptr(inode, SHMEM_KHO_LINK_BITS)];
}

/* The image index of an inode met before under another name, or -1. */
static long shmem_kho_find_link(struct shmem_kho_builder *b,
				struct inode *inode)
{
	struct shmem_kho_link *link;

	hlist_for_each_entry(link, shmem_kho_link_head(b, inode), node)
		if (link->inode == inode)
			return link->index;
	return -1;
}

static int shmem_kho_add_link(struct shmem_kho_builder *b, struct inode *inode,
			      u32 index)
{
	struct shmem_kho_link *link = kmalloc(sizeof(*link), GFP_KERNEL);

	if (!link)
		return -ENOMEM;
	link->inode = inode;
	link->index = index;
	hlist_add_head(&link->node, shmem_kho_link_head(b, inode));
	return 0;
}

/* Record one name in directory @parent, and its inode the first time. */
static int shmem_kho_add_dentry(struct shmem_kho_builder *b, u32 parent,
				struct dentry *dentry)
{
	struct inode *inode = d_inode(dentry);
	bool linked = !S_ISDIR(inode->i_mode) && inode->i_nlink > 1;
	struct kho_tmpfs_dentry *rec;
	long known = -1;
	u32 index;
	int err;

	if (linked)
		known = shmem_kho_find_link(b, inode);
	if (known >= 0) {
		index = known;
	} else {
		err = shmem_kho_add_inode(b, dentry, &index);
		if (!err && linked)
			err = shmem_kho_add_link(b, inode, index);
		if (err)
			return err;
	}
	rec = shmem_kho_vec_add(&b->dentries, 1);
	if (!rec)
		return -ENOMEM;
	rec->parent = parent;
	rec->inode = index;
	rec->name_len = dentry->d_name.len;
	return shmem_kho_add_string(b, dentry->d_name.name, rec->name_len,
				    &rec->name);
}

/*
 * The next positive child of @parent after @prev (NULL: the first), with
 * a reference; the reference on @prev is dropped. The tree is frozen, so
 * no name comes or goes; only negative dentries of lookups may.
 */
static struct dentry *shmem_kho_next_child(struct dentry *parent,
					   struct dentry *prev)
{
	struct dentry *child, *found = NULL;

	spin_lock(&parent->d_lock);
	child = prev ? d_next_sibling(prev) : d_first_child(parent);
	hlist_for_each_entry_from(child, d_sib) {
		spin_lock_nested(&child->d_lock, DENTRY_D_LOCK_NESTED);
		if (simple_positive(child))
			found = dget_dlock(child);
		spin_unlock(&child->d_lock);
		if (found)
			break;
	}
	spin_unlock(&parent->d_lock);
	dput(prev);
	return found;
}

/*
 * Walk the tree breadth first: each directory is named before its
 * children, as the image format requires.
 */
static int shmem_kho_walk(struct shmem_kho_builder *b, struct super_block *sb)
{
	struct shmem_kho_dir dir;
	struct dentry *child;
	size_t next;
	u32 root;
	int err;

	err = shmem_kho_add_inode(b, sb->s_root, &root);
	for (next = 0; !err && next < b->dirs.len; next++) {
		dir = ((struct shmem_kho_dir *)b->dirs.data)[next];
		child = NULL;
		while (!err && (child = shmem_kho_next_child(dir.dentry, child))) {
			err = shmem_kho_add_dentry(b, dir.index, child);
			cond_resched();
		}
		dput(child);
	}
	return err;
}

static void *shmem_kho_copy_section(void *dst, const struct shmem_kho_vec *vec)
{
	size_t bytes = vec->len * vec->esize;

	if (bytes)
		memcpy(dst, vec->data, bytes);
	return dst + bytes;
}

/* Lay the recorded arrays out as the image and describe it in @hdr. */
static void *shmem_kho_build_image(struct shmem_kho_builder *b,
				   struct kho_tmpfs_header *hdr)
{
	const struct shmem_kho_vec *sections[] = {
		&b->inodes, &b->dentries, &b->xattrs, &b->folios, &b->strings,
	};
	size_t size = 0, i;
	void *image, *pos;

	for (i = 0; i < ARRAY_SIZE(sections); i++)
		size += sections[i]->len * sections[i]->esize;
	image = vzalloc(size);
	if (!image)
		return NULL;
	for (pos = image, i = 0; i < ARRAY_SIZE(sections); i++)
		pos = shmem_kho_copy_section(pos, sections[i]);

	strscpy_pad(hdr->compatible, KHO_TMPFS_COMPATIBLE);
	hdr->header_size = sizeof(*hdr);
	hdr->nr_inodes = b->inodes.len;
	hdr->nr_dentries = b->dentries.len;
	hdr->nr_xattrs = b->xattrs.len;
	hdr->nr_folios = b->folios.len;
	hdr->strings_size = b->strings.len;
	hdr->image_size = size;
	return image;
}

static void shmem_kho_unpreserve_folios(struct folio **folios,
					unsigned long nr)
{
	while (nr--)
		kho_unpreserve_folio(folios[nr]);
}

/* Drop the handover of a frozen mount; it stays frozen. */
static void shmem_kho_unpreserve(struct shmem_kho_mount *mnt)
{
	kho_remove_subtree(mnt->header);
	kho_unpreserve_vmalloc(&mnt->header->image);
	vfree(mnt->image);
	kho_unpreserve_free(mnt->header);
	shmem_kho_unpreserve_folios(mnt->folios, mnt->nr_folios);
	shmem_kho_put_folios(mnt->folios, mnt->nr_folios);
	kvfree(mnt->folios);
	mnt->header = NULL;
	mnt->image = NULL;
	mnt->folios = NULL;
	mnt->nr_folios = 0;
	mnt->frozen = false;
}

/* Record a frozen mount and preserve it; on failure nothing is kept. */
static int shmem_kho_record(struct shmem_kho_mount *mnt)
{
	struct shmem_sb_info *sbinfo = mnt->sb->s_fs_info;
	char subtree[SHMEM_KHO_SUBTREE_MAX];
	struct shmem_kho_builder b;
	struct kho_tmpfs_header *hdr;
	int err;

	err = shmem_kho_builder_init(&b);
	if (err)
		return err;
	b.name = mnt->name;
	err = shmem_kho_walk(&b, mnt->sb);
	if (!err && !shmem_kho_counts_ok(b.dentries.len, b.xattrs.len,
					 b.folios.len, b.strings.len))
		err = -E2BIG;
	if (err)
		goto out;
	hdr = kho_alloc_preserve(sizeof(*hdr));
	if (IS_ERR(hdr)) {
		err = PTR_ERR(hdr);
		goto out;
	}
	hdr->max_blocks = sbinfo->max_blocks;
	hdr->max_inodes = sbinfo->max_inodes;
	mnt->image = shmem_kho_build_image(&b, hdr);
	err = mnt->image ? 0 : -ENOMEM;
	if (!err)
		err = kho_preserve_vmalloc(mnt->image, &hdr->image);
	if (err)
		goto free_image;
	err = kho_preserve_folios(b.pinned.data, b.pinned.len);
	if (err)
		goto unpreserve_image;
	shmem_kho_subtree_name(subtree, mnt->name);
	err = kho_add_subtree(subtree, hdr, sizeof(*hdr));
	if (err) {
		shmem_kho_unpreserve_folios(b.pinned.data, b.pinned.len);
		goto unpreserve_image;
	}
	mnt->header = hdr;
	mnt->folios = b.pinned.data;
	mnt->nr_folios = b.pinned.len;
	mnt->frozen = true;
	if (b.moved)
		pr_info("kho=%s: moved %lu folios out of scratch memory\n",
			mnt->name, b.moved);
	if (b.acls)
		pr_warn("kho=%s: %lu file(s) handed over without their POSIX ACLs\n",
			mnt->name, b.acls);
	shmem_kho_builder_destroy(&b, true);
	return 0;

unpreserve_image:
	kho_unpreserve_vmalloc(&hdr->image);
free_image:
	vfree(mnt->image);
	mnt->image = NULL;
	kho_unpreserve_free(hdr);
out:
	shmem_kho_builder_destroy(&b, false);
	return err;
}

static unsigned long shmem_kho_pages(struct folio **folios, unsigned long nr)
{
	unsigned long pages = 0;

	while (nr--)
		pages += folio_nr_pages(folios[nr]);
	return pages;
}

/*
 * Freeze one mount and hand it over. Writers wait on the freeze; stores
 * through shared mappings made before it are not stopped (tmpfs has no
 * page_mkwrite), so an application must quiesce those itself.
 */
static int shmem_kho_freeze(struct shmem_kho_mount *mnt)
{
	int err;

	err = freeze_super(mnt->sb, FREEZE_HOLDER_KERNEL);
	if (err) {
		pr_err("kho=%s: cannot freeze the mount (%d); not handed over\n",
		       mnt->name, err);
		return err;
	}
	lru_add_drain_all();
	err = shmem_kho_record(mnt);
	if (err) {
		thaw_super(mnt->sb, FREEZE_HOLDER_KERNEL);
		pr_err("kho=%s: cannot record the mount (%d); not handed over\n",
		       mnt->name, err);
		return err;
	}
	pr_info("kho=%s: frozen for handover: %llu inodes, %lu folios, %lu KiB\n",
		mnt->name, mnt->header->nr_inodes, mnt->nr_folios,
		shmem_kho_pages(mnt->folios, mnt->nr_folios) << (PAGE_SHIFT - 10));
	return 0;
}

/*
 * KHO_FINALIZE. Each mount is taken with an active reference of its own,
 * so that it cannot be torn down while it is recorded; the freeze keeps
 * one more until abort or kexec.
 */
static int shmem_kho_finalize(void)
{
	struct shmem_kho_mount *mnt, *tmp;
	LIST_HEAD(work);
	int err, ret = 0;

	mutex_lock(&shmem_kho_lock);
	shmem_kho_finalized = true;
	list_for_each_entry(mnt, &shmem_kho_mounts, list) {
		if (mnt->frozen)
			continue;
		/*
		 * A mount still being set up cannot be frozen: freeze_super()
		 * would wait for it to be born, and it may never be.
		 */
		if (!(smp_load_acquire(&mnt->sb->s_flags) & SB_BORN)) {
			pr_err("kho=%s: still being mounted; not handed over\n",
			       mnt->name);
			ret = -EBUSY;
			continue;
		}
		if (atomic_inc_not_zero(&mnt->sb->s_active))
			list_add_tail(&mnt->work, &work);
	}
	mutex_unlock(&shmem_kho_lock);

	list_for_each_entry_safe(mnt, tmp, &work, work) {
		list_del_init(&mnt->work);
		err = shmem_kho_freeze(mnt);
		if (err && !ret)
			ret = err;
		deactivate_super(mnt->sb);
	}
	return ret;
}

/*
 * KHO_ABORT. Thawing may drop the last reference of a mount that was
 * unmounted meanwhile, and its teardown takes shmem_kho_lock: thaw with
 * the lock dropped, and touch nothing of the mount after that.
 */
static void shmem_kho_abort(void)
{
	struct shmem_kho_mount *mnt, *tmp;
	LIST_HEAD(work);

	mutex_lock(&shmem_kho_lock);
	shmem_kho_finalized = false;
	list_for_each_entry(mnt, &shmem_kho_mounts, list) {
		if (!mnt->frozen)
			continue;
		shmem_kho_unpreserve(mnt);
		list_add_tail(&mnt->work, &work);
	}
	mutex_unlock(&shmem_kho_lock);

	list_for_each_entry_safe(mnt, tmp, &work, work) {
		list_del_init(&mnt->work);
		pr_info("kho=%s: handover aborted; the mount works as before\n",
			mnt->name);
		thaw_super(mnt->sb, FREEZE_HOLDER_KERNEL);
	}
}

static int shmem_kho_event(struct notifier_block *nb, unsigned long event,
			   void *data)
{
	int err;

	switch (event) {
	case KHO_FINALIZE:
		err = shmem_kho_finalize();
		/* At kexec -e, stopping the chain would only hurt others. */
		return data ? NOTIFY_OK : notifier_from_errno(err);
	case KHO_ABORT:
		shmem_kho_abort();
		return NOTIFY_OK;
	}
	return NOTIFY_DONE;
}

static struct notifier_block shmem_kho_nb = {
	.notifier_call = shmem_kho_event,
};

void __init shmem_kho_out_init(void)
{
	if (kho_is_enabled())
		kho_register_notifier(&shmem_kho_nb);
}
