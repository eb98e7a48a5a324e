// SPDX-License-Identifier: GPL-2.0-only
/*
 * Persistent tmpfs: a tmpfs mounted with -o kho=NAME survives kexec.
 *
 * When the handover is finalized (out/finalize in debugfs, or kexec -e
 * without it), every kho mount is frozen, its tree is recorded in the
 * kho-tmpfs-v1 image (include/linux/kho/abi/tmpfs.h) and the folios of
 * its files are preserved where they are, pinned so that neither reclaim
 * nor migration moves them. Aborting thaws the mount and drops all that.
 *
 * The next kernel lists the handed-over mounts at boot. Mounting
 * -o kho=NAME again rebuilds the tree through the directory's own inode
 * operations and puts the preserved folios back into the page cache, so
 * no file data is copied. A handover nobody mounts again stays reserved
 * until it is released through debugfs (kho/tmpfs/release).
 */

#define pr_fmt(fmt) "tmpfs: " fmt

#include <linux/ctype.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/fs_context.h>
#include <linux/hash.h>
#include <linux/io.h>
#include <linux/kexec_handover.h>
#include <linux/kho/abi/tmpfs.h>
#include <linux/list.h>
#include <linux/migrate.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/namei.h>
#include <linux/notifier.h>
#include <linux/overflow.h>
#include <linux/pagemap.h>
#include <linux/sched/mm.h>
#include <linux/seq_file.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/swap.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/xattr.h>

#include "internal.h"
#include "shmem_kho.h"
#include "shmem_kho_image.h"

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

static DEFINE_MUTEX(shmem_kho_lock);
static LIST_HEAD(shmem_kho_mounts);
static LIST_HEAD(shmem_kho_pending);
/* Between KHO_FINALIZE and KHO_ABORT: no new kho mounts. */
static bool shmem_kho_finalized;

static void shmem_kho_subtree_name(char *buf, const char *name)
{
	snprintf(buf, SHMEM_KHO_SUBTREE_MAX, "%s%s", KHO_TMPFS_SUBTREE_PREFIX,
		 name);
}

/*
 * Under shmem_kho_lock. Mounts have unique names, so @sb or @name alone
 * finds one; pass NULL for the other.
 */
static struct shmem_kho_mount *shmem_kho_find(struct super_block *sb,
					      const char *name)
{
	struct shmem_kho_mount *mnt;

	list_for_each_entry(mnt, &shmem_kho_mounts, list)
		if (mnt->sb == sb || (name && !strcmp(mnt->name, name)))
			return mnt;
	return NULL;
}

static struct shmem_kho_incoming *shmem_kho_find_pending(const char *name)
{
	struct shmem_kho_incoming *in;

	list_for_each_entry(in, &shmem_kho_pending, list)
		if (!strcmp(in->name, name))
			return in;
	return NULL;
}

/* ---- Recording a frozen mount ---- */

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

/*
 * User, trusted and security attributes are handed over. POSIX ACLs live
 * in system.* names, which go through the ACL code, not the xattr list;
 * they are not part of v1 and are left out, with a warning.
 */
static int shmem_kho_add_xattrs(struct shmem_kho_builder *b,
				struct dentry *dentry,
				struct kho_tmpfs_inode *rec, u32 index)
{
	char *names, *name;
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
			pr_warn_once("%s is not handed over (POSIX ACLs are not supported)\n",
				     name);
			continue;
		}
		err = shmem_kho_add_xattr(b, dentry, name);
		/* @rec may have moved with the array; look it up again. */
		rec = (struct kho_tmpfs_inode *)b->inodes.data + index;
		if (!err)
			rec->nr_xattrs++;
	}
	kvfree(names);
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

/*
 * Tmpfs folios are movable and may sit in scratch memory (CMA), which the
 * next kernel boots from and so cannot be preserved. Move such a folio out
 * the way long-term pinning does: isolate it and migrate it with movable
 * allocations forbidden. When memory outside scratch is short, this fails
 * rather than wake the OOM killer: at kexec -e, that would kill processes
 * for a mount that cannot be handed over anyway. Consumes the caller's
 * reference.
 */
static int shmem_kho_move_out(struct folio *folio)
{
	struct migration_target_control mtc = {
		.nid = NUMA_NO_NODE,
		.gfp_mask = GFP_USER | __GFP_RETRY_MAYFAIL | __GFP_NOWARN,
		.reason = MR_LONGTERM_PIN,
	};
	unsigned int pin_flags;
	LIST_HEAD(list);
	int err;

	/* A folio just read in may still wait in a per-CPU LRU batch. */
	if (!folio_test_lru(folio))
		lru_add_drain_all();
	if (!IS_ENABLED(CONFIG_MIGRATION) || !folio_isolate_lru(folio)) {
		folio_put(folio);
		return -EBUSY;
	}
	list_add(&folio->lru, &list);
	node_stat_mod_folio(folio, NR_ISOLATED_ANON + folio_is_file_lru(folio),
			    folio_nr_pages(folio));
	folio_put(folio);

	pin_flags = memalloc_pin_save();
	err = migrate_pages(&list, alloc_migration_target, NULL,
			    (unsigned long)&mtc, MIGRATE_SYNC, MR_LONGTERM_PIN,
			    NULL);
	memalloc_pin_restore(pin_flags);
	if (err) {
		putback_movable_pages(&list);
		return err < 0 ? err : -EBUSY;
	}
	return 0;
}

/*
 * The folio at @index with a reference, brought back from swap if need
 * be, outside scratch memory; NULL for a hole.
 */
static int shmem_kho_get_folio(struct inode *inode, pgoff_t index,
			       struct folio **foliop, unsigned long *moved)
{
	struct folio *folio;
	int err, tries;

	for (tries = 0; tries < 3; tries++) {
		err = shmem_get_folio(inode, index, 0, &folio, SGP_READ);
		if (err || !folio)
			break;
		folio_unlock(folio);
		if (folio_is_longterm_pinnable(folio))
			break;
		err = shmem_kho_move_out(folio);
		folio = NULL;
		if (err)
			break;
		(*moved)++;
		err = -EBUSY;
	}
	*foliop = folio;
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

/* ---- Mount options and the mount's lifetime ---- */

/**
 * shmem_kho_check_name - check the NAME of a kho=NAME mount option
 * @fc:   the mount's context, for error messages
 * @name: the option's value
 *
 * Return: 0, -EINVAL for a malformed name, -EPERM without CAP_SYS_ADMIN
 * in the initial user namespace.
 */
int shmem_kho_check_name(struct fs_context *fc, const char *name)
{
	size_t len = strlen(name), i;

	if (fc->user_ns != &init_user_ns || !capable(CAP_SYS_ADMIN)) {
		errorfc(fc, "kho= needs CAP_SYS_ADMIN in the initial user namespace");
		return -EPERM;
	}
	if (!len || len > KHO_TMPFS_NAME_MAX)
		return invalfc(fc, "kho=NAME: NAME must be 1 to %d characters",
			       KHO_TMPFS_NAME_MAX);
	for (i = 0; i < len; i++)
		if (!isalnum(name[i]) && !strchr("._-", name[i]))
			return invalfc(fc,
				       "kho=NAME: NAME may only hold letters, digits, '.', '_' and '-'");
	return 0;
}

static int shmem_kho_check_header(const char *name,
				  const struct kho_tmpfs_header *hdr)
{
	if (strncmp(hdr->compatible, KHO_TMPFS_COMPATIBLE,
		    sizeof(hdr->compatible))) {
		pr_err("kho=%s: unsupported handover format '%.*s'\n", name,
		       (int)sizeof(hdr->compatible), hdr->compatible);
		return -EINVAL;
	}
	if (hdr->header_size != sizeof(*hdr)) {
		pr_err("kho=%s: inconsistent handover: header of %llu bytes, expected %zu\n",
		       name, hdr->header_size, sizeof(*hdr));
		return -EINVAL;
	}
	/* As the size= and nr_inodes= parser bounds them. */
	if (hdr->max_blocks > ULONG_MAX ||
	    hdr->max_inodes > ULONG_MAX / SHMEM_KHO_BOGO_INODE_SIZE) {
		pr_err("kho=%s: inconsistent handover: size or nr_inodes out of range\n",
		       name);
		return -EINVAL;
	}
	return 0;
}

static int shmem_kho_claim_locked(struct super_block *sb, const char *name,
				  unsigned long long *blocks,
				  unsigned long long *inodes, unsigned int given)
{
	struct shmem_kho_incoming *in;
	struct shmem_kho_mount *mnt;
	int err;

	if (shmem_kho_finalized) {
		pr_err("kho=%s: the handover is finalized; write 0 to kho/out/finalize to mount more\n",
		       name);
		return -EBUSY;
	}
	if (shmem_kho_find(NULL, name)) {
		pr_err("kho=%s: already mounted\n", name);
		return -EBUSY;
	}
	in = shmem_kho_find_pending(name);
	if (in) {
		err = shmem_kho_check_header(name, in->header);
		if (err)
			return err;
	}
	mnt = kzalloc(sizeof(*mnt), GFP_KERNEL);
	if (!mnt)
		return -ENOMEM;
	mnt->sb = sb;
	strscpy(mnt->name, name);
	INIT_LIST_HEAD(&mnt->work);
	if (in) {
		list_del(&in->list);
		mnt->incoming = in;
		if (!(given & SHMEM_KHO_GIVEN_BLOCKS))
			*blocks = in->header->max_blocks;
		if (!(given & SHMEM_KHO_GIVEN_INODES))
			*inodes = in->header->max_inodes;
	}
	list_add(&mnt->list, &shmem_kho_mounts);
	return 0;
}

/**
 * shmem_kho_claim - register a kho=NAME mount, before its root exists
 * @sb:     the new super block
 * @name:   NAME, checked by shmem_kho_check_name()
 * @blocks: size= in pages; set from the handover unless given
 * @inodes: nr_inodes=; set from the handover unless given
 * @given:  SHMEM_KHO_GIVEN_* for the options given explicitly
 *
 * shmem_kho_release_sb() undoes this, also when mounting fails later.
 *
 * Return: 0; -EINVAL without KHO, with quotas or for a handover in an
 * unknown format; -EBUSY if NAME is mounted or the handover finalized;
 * -ENOMEM.
 */
int shmem_kho_claim(struct super_block *sb, const char *name,
		    unsigned long long *blocks, unsigned long long *inodes,
		    unsigned int given)
{
	int err;

	if (!kho_is_enabled() && !is_kho_boot()) {
		pr_err("kho=%s: KHO is not enabled (boot with kho=on)\n", name);
		return -EINVAL;
	}
	if (given & SHMEM_KHO_GIVEN_QUOTA) {
		pr_err("kho=%s: tmpfs quotas are not handed over; mount without them\n",
		       name);
		return -EINVAL;
	}
	mutex_lock(&shmem_kho_lock);
	err = shmem_kho_claim_locked(sb, name, blocks, inodes, given);
	mutex_unlock(&shmem_kho_lock);
	if (!err && !kho_is_enabled())
		pr_warn("kho=%s: KHO is off in this kernel; the mount will not be handed on\n",
			name);
	return err;
}

/* Put a handover back on the pending list, for another try or release. */
static void shmem_kho_unclaim(struct shmem_kho_incoming *in)
{
	if (in)
		list_add_tail(&in->list, &shmem_kho_pending);
}

/**
 * shmem_kho_release_sb - a kho mount's super block goes away
 * @sb: the super block, torn down or failed to fill
 *
 * A handover the mount claimed but could not restore becomes pending
 * again.
 */
void shmem_kho_release_sb(struct super_block *sb)
{
	struct shmem_kho_mount *mnt;

	mutex_lock(&shmem_kho_lock);
	mnt = shmem_kho_find(sb, NULL);
	if (mnt) {
		list_del(&mnt->list);
		shmem_kho_unclaim(mnt->incoming);
	}
	mutex_unlock(&shmem_kho_lock);
	/* A frozen mount holds an active reference: it cannot get here. */
	if (mnt && !WARN_ON(mnt->frozen))
		kfree(mnt);
}

/**
 * shmem_kho_same_name - may a remount keep these options?
 * @sb:   the mounted super block
 * @name: kho= of the remount, or NULL when not given
 *
 * Return: true when @name is absent or names @sb already.
 */
bool shmem_kho_same_name(struct super_block *sb, const char *name)
{
	struct shmem_kho_mount *mnt;
	bool same;

	if (!name)
		return true;
	mutex_lock(&shmem_kho_lock);
	mnt = shmem_kho_find(sb, NULL);
	same = mnt && !strcmp(mnt->name, name);
	mutex_unlock(&shmem_kho_lock);
	return same;
}

/**
 * shmem_kho_show_options - show kho=NAME in /proc/mounts
 * @seq: the mounts file
 * @sb:  the super block shown
 */
void shmem_kho_show_options(struct seq_file *seq, struct super_block *sb)
{
	struct shmem_kho_mount *mnt;

	mutex_lock(&shmem_kho_lock);
	mnt = shmem_kho_find(sb, NULL);
	if (mnt)
		seq_printf(seq, ",kho=%s", mnt->name);
	mutex_unlock(&shmem_kho_lock);
}

/* ---- Checking an incoming image ---- */

static int shmem_kho_check_image(const char *name, struct shmem_kho_view *v,
				 const struct kho_tmpfs_header *hdr, void *image)
{
	const char *why = NULL;
	u32 *scratch;

	if (!shmem_kho_view_init(v, hdr, image)) {
		why = "array sizes do not add up to the image";
		goto out;
	}
	scratch = kvmalloc_array(shmem_kho_scratch_entries(v), sizeof(*scratch),
				 GFP_KERNEL);
	if (!scratch)
		return -ENOMEM;
	why = shmem_kho_check_view(v, scratch);
	kvfree(scratch);
out:
	if (!why)
		return 0;
	pr_err("kho=%s: inconsistent handover: %s\n", name, why);
	return -EINVAL;
}

/*
 * Free what is left of a handover: the folios its image lists, if the
 * image passed the checks (a damaged list could name memory that another
 * owner preserved), then the image and the header.
 */
static unsigned long shmem_kho_free_incoming(struct shmem_kho_incoming *in,
					     bool checked)
{
	const struct kho_tmpfs_folio *folios;
	struct shmem_kho_view v;
	unsigned long pages = 0;
	struct folio *folio;
	u64 i;

	if (checked && shmem_kho_view_init(&v, in->header, in->image)) {
		folios = v.folios;
		for (i = 0; i < in->header->nr_folios; i++) {
			folio = kho_restore_folio(folios[i].phys);
			if (!folio)
				continue;
			pages += folio_nr_pages(folio);
			folio_put(folio);
		}
	}
	vfree(in->image);
	kfree(in->header);
	return pages;
}

/* The root's owner and mode become the mount's, as if given as options. */
static void shmem_kho_set_sb_root(struct super_block *sb,
				  const struct kho_tmpfs_inode *root)
{
	struct shmem_sb_info *sbinfo = sb->s_fs_info;

	sbinfo->mode = root->mode & 07777;
	sbinfo->uid = make_kuid(&init_user_ns, root->uid);
	sbinfo->gid = make_kgid(&init_user_ns, root->gid);
}

/*
 * Refuse, before anything is created, a handover that cannot fit the
 * mount: the inode count is exact only without xattrs, which take inode
 * space too, so a mount at its very limit may still fail halfway.
 */
static int shmem_kho_check_space(const char *name,
				 const struct shmem_kho_view *v,
				 struct super_block *sb)
{
	struct shmem_sb_info *sbinfo = sb->s_fs_info;
	unsigned long pages = shmem_kho_view_pages(v);

	if (sbinfo->max_blocks && pages > sbinfo->max_blocks) {
		pr_err("kho=%s: the handover holds %lu KiB, more than size=%luk\n",
		       name, pages << (PAGE_SHIFT - 10),
		       sbinfo->max_blocks << (PAGE_SHIFT - 10));
		return -ENOSPC;
	}
	if (sbinfo->max_inodes && v->hdr->nr_dentries + 1 > sbinfo->max_inodes) {
		pr_err("kho=%s: the handover holds %llu names, more than nr_inodes=%lu\n",
		       name, v->hdr->nr_dentries + 1, sbinfo->max_inodes);
		return -ENOSPC;
	}
	return 0;
}

/*
 * Check and rebuild. *@consumed tells whether the handover was used up:
 * a handover that fails the checks, or does not fit, is left whole.
 */
static int shmem_kho_restore(struct shmem_kho_incoming *in,
			     struct super_block *sb, bool *consumed)
{
	const struct kho_tmpfs_header *hdr = in->header;
	struct shmem_kho_view v;
	struct dentry **dentries;
	int err;

	*consumed = false;
	if (!in->image)
		in->image = kho_restore_vmalloc(&in->header->image);
	if (!in->image) {
		pr_err("kho=%s: inconsistent handover: the image was not preserved\n",
		       in->name);
		return -EINVAL;
	}
	err = shmem_kho_check_image(in->name, &v, hdr, in->image);
	if (!err)
		err = shmem_kho_check_space(in->name, &v, sb);
	if (err)
		return err;
	/* The last failure that leaves the handover whole. */
	dentries = kvcalloc(hdr->nr_inodes, sizeof(*dentries), GFP_KERNEL);
	if (!dentries)
		return -ENOMEM;
	*consumed = true;
	err = shmem_kho_rebuild(&v, sb, dentries);
	if (err) {
		pr_err("kho=%s: restoring failed (%d); what was not restored is freed\n",
		       in->name, err);
		return err;
	}
	shmem_kho_set_sb_root(sb, &v.inodes[0]);
	pr_info("kho=%s: restored %llu inodes, %llu folios (%lu KiB)\n",
		in->name, hdr->nr_inodes, hdr->nr_folios,
		shmem_kho_view_pages(&v) << (PAGE_SHIFT - 10));
	return 0;
}

/**
 * shmem_kho_populate - rebuild a kho mount from its handover
 * @sb: the super block shmem_kho_claim() registered, with its root
 *
 * Without a handover of this NAME, the mount starts empty. A handover
 * that fails the checks or does not fit stays pending (see
 * kho/tmpfs/release); one that fails halfway through is freed.
 *
 * Return: 0, -EINVAL for an inconsistent handover, -ENOSPC when it does
 * not fit size= or nr_inodes=, or the error of
 * restoring (-ENOSPC, -ENOMEM).
 */
int shmem_kho_populate(struct super_block *sb)
{
	struct shmem_kho_incoming *in;
	struct shmem_kho_mount *mnt;
	bool consumed;
	int err;

	mutex_lock(&shmem_kho_lock);
	mnt = shmem_kho_find(sb, NULL);
	in = mnt ? mnt->incoming : NULL;
	mutex_unlock(&shmem_kho_lock);
	if (!mnt)
		return -EINVAL;
	if (!in) {
		pr_info("kho=%s: nothing handed over, starting empty\n", mnt->name);
		return 0;
	}
	err = shmem_kho_restore(in, sb, &consumed);
	if (!consumed)
		return err;
	mutex_lock(&shmem_kho_lock);
	mnt->incoming = NULL;
	mutex_unlock(&shmem_kho_lock);
	shmem_kho_free_incoming(in, true);
	kfree(in);
	return err;
}

/* ---- Handovers waiting to be mounted ---- */

static int shmem_kho_find_incoming(const char *subtree)
{
	size_t plen = strlen(KHO_TMPFS_SUBTREE_PREFIX);
	struct shmem_kho_incoming *in;
	struct folio *folio;
	phys_addr_t phys;
	size_t size;

	if (strncmp(subtree, KHO_TMPFS_SUBTREE_PREFIX, plen) ||
	    strlen(subtree + plen) > KHO_TMPFS_NAME_MAX)
		return 0;
	if (kho_retrieve_subtree(subtree, &phys, &size))
		return 0;
	if (shmem_kho_find_pending(subtree + plen)) {
		pr_err("kho=%s: inconsistent handover: named twice; the second is ignored\n",
		       subtree + plen);
		return 0;
	}
	/*
	 * Take the header page for good and keep a copy: a damaged handover
	 * could name the same page twice, or as a file's folio.
	 */
	folio = PAGE_ALIGNED(phys) && size == sizeof(struct kho_tmpfs_header) ?
		kho_restore_folio(phys) : NULL;
	if (!folio) {
		pr_err("kho=%s: inconsistent handover: header of %zu bytes at %pa not preserved; ignored\n",
		       subtree + plen, size, &phys);
		return 0;
	}
	in = kzalloc(sizeof(*in), GFP_KERNEL);
	if (in)
		in->header = kmemdup(folio_address(folio), size, GFP_KERNEL);
	folio_put(folio);
	if (!in || !in->header) {
		kfree(in);
		return -ENOMEM;
	}
	strscpy(in->name, subtree + plen);
	list_add_tail(&in->list, &shmem_kho_pending);
	pr_info("kho=%s: handed over by the previous kernel, waiting for mount -o kho=%s\n",
		in->name, in->name);
	return 0;
}

static int shmem_kho_pending_show(struct seq_file *m, void *v)
{
	struct shmem_kho_incoming *in;

	mutex_lock(&shmem_kho_lock);
	list_for_each_entry(in, &shmem_kho_pending, list)
		seq_printf(m, "%s\n", in->name);
	mutex_unlock(&shmem_kho_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(shmem_kho_pending);

static void shmem_kho_release_one(struct shmem_kho_incoming *in)
{
	struct shmem_kho_view v;
	unsigned long pages;
	bool checked = false;

	/* Never mounted: the image is still preserved; take it back first. */
	if (!in->image && !shmem_kho_check_header(in->name, in->header))
		in->image = kho_restore_vmalloc(&in->header->image);
	if (in->image)
		checked = !shmem_kho_check_image(in->name, &v, in->header,
						 in->image);
	pages = shmem_kho_free_incoming(in, checked);
	if (checked)
		pr_info("kho=%s: released %lu KiB that was not mounted again\n",
			in->name, pages << (PAGE_SHIFT - 10));
	else
		pr_warn("kho=%s: released a damaged handover; its file data stays reserved until the next cold boot\n",
			in->name);
	kfree(in);
}

/* A short line written to a debugfs file, NUL-terminated; kfree() it. */
static char *shmem_kho_user_line(const char __user *ubuf, size_t count)
{
	if (count > KHO_TMPFS_NAME_MAX + 16)
		return ERR_PTR(-EINVAL);
	return memdup_user_nul(ubuf, count);
}

/* Write NAME, or "all", to free handovers nobody will mount again. */
static ssize_t shmem_kho_release_write(struct file *file,
				       const char __user *ubuf, size_t count,
				       loff_t *ppos)
{
	struct shmem_kho_incoming *in, *tmp;
	LIST_HEAD(release);
	char *buf, *name;
	bool all;

	buf = shmem_kho_user_line(ubuf, count);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	name = strim(buf);
	all = !strcmp(name, "all");

	mutex_lock(&shmem_kho_lock);
	list_for_each_entry_safe(in, tmp, &shmem_kho_pending, list)
		if (all || !strcmp(in->name, name))
			list_move_tail(&in->list, &release);
	mutex_unlock(&shmem_kho_lock);
	if (list_empty(&release) && !all) {
		kfree(buf);
		return -ENOENT;
	}
	kfree(buf);
	list_for_each_entry_safe(in, tmp, &release, list) {
		list_del(&in->list);
		shmem_kho_release_one(in);
	}
	/* Freed folios wait in per-CPU lists; show them free at once. */
	drain_all_pages(NULL);
	return count;
}

static const struct file_operations shmem_kho_release_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = shmem_kho_release_write,
};

#ifdef CONFIG_KEXEC_HANDOVER_FAULT_INJECTION
/*
 * Damage a finalized mount's handover, for tests: "version NAME" changes
 * the format's name, "metadata NAME" moves a folio past the end of its
 * file (or, without folios, a name into a missing directory), "orphan
 * NAME" takes the last folio of the first file with any out of its range,
 * so that no file lists it.
 */
static int shmem_kho_corrupt(const char *what, const char *name)
{
	struct shmem_kho_mount *mnt = shmem_kho_find(NULL, name);
	struct shmem_kho_view v;
	u64 i;

	if (!mnt || !mnt->frozen)
		return -ENOENT;
	if (!strcmp(what, "version")) {
		mnt->header->compatible[strlen(KHO_TMPFS_COMPATIBLE) - 1] = '9';
		return 0;
	}
	if (!shmem_kho_view_init(&v, mnt->header, mnt->image))
		return -EINVAL;
	if (!strcmp(what, "orphan")) {
		for (i = 0; i < mnt->header->nr_inodes; i++)
			if (v.inodes[i].nr_folios) {
				v.inodes[i].nr_folios--;
				return 0;
			}
		return -EINVAL;
	}
	if (strcmp(what, "metadata"))
		return -EINVAL;
	if (mnt->header->nr_folios)
		v.folios[0].index += 1ULL << 40;
	else if (mnt->header->nr_dentries)
		v.dentries[0].parent = mnt->header->nr_inodes;
	else
		return -EINVAL;
	return 0;
}

static ssize_t shmem_kho_corrupt_write(struct file *file,
				       const char __user *ubuf, size_t count,
				       loff_t *ppos)
{
	char *buf, *what, *name;
	int err = -EINVAL;

	buf = shmem_kho_user_line(ubuf, count);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	name = strim(buf);
	what = strsep(&name, " ");
	if (name) {
		name = strim(name);
		mutex_lock(&shmem_kho_lock);
		err = shmem_kho_corrupt(what, name);
		mutex_unlock(&shmem_kho_lock);
	}
	if (!err)
		pr_warn("kho=%s: handover deliberately corrupted (%s) through debugfs\n",
			name, what);
	kfree(buf);
	return err ?: count;
}

static const struct file_operations shmem_kho_corrupt_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = shmem_kho_corrupt_write,
};
#endif

/* kho/tmpfs in debugfs, next to KHO's own files. */
static void __init shmem_kho_debugfs_init(void)
{
	struct dentry *kho, *dir;

	kho = debugfs_lookup("kho", NULL);
	if (IS_ERR_OR_NULL(kho))
		return;
	dir = debugfs_create_dir("tmpfs", kho);
	dput(kho);
	debugfs_create_file("pending", 0400, dir, NULL, &shmem_kho_pending_fops);
	debugfs_create_file("release", 0200, dir, NULL, &shmem_kho_release_fops);
#ifdef CONFIG_KEXEC_HANDOVER_FAULT_INJECTION
	debugfs_create_file("corrupt", 0200, dir, NULL, &shmem_kho_corrupt_fops);
#endif
}

static int __init shmem_kho_init(void)
{
	const char *subtree;
	unsigned int i;
	int err = 0;

	if (kho_is_enabled())
		kho_register_notifier(&shmem_kho_nb);
	mutex_lock(&shmem_kho_lock);
	for (i = 0; !err && (subtree = kho_subtree_name(i)); i++)
		err = shmem_kho_find_incoming(subtree);
	mutex_unlock(&shmem_kho_lock);
	if (err)
		pr_err("cannot list the handed-over mounts (%d)\n", err);
	shmem_kho_debugfs_init();
	return 0;
}
late_initcall(shmem_kho_init);
