// SPDX-License-Identifier: GPL-2.0-only
/*
 * Persistent tmpfs, the incoming side: list the mounts the previous kernel
 * handed over, check a handed-over image before anything is built from
 * it, and restore it into the super block that mounts its NAME again.
 * kho/tmpfs in debugfs shows the handovers not mounted yet and releases
 * the ones nobody will mount.
 */

#define pr_fmt(fmt) "tmpfs: " fmt

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kexec_handover.h>
#include <linux/kho/abi/tmpfs.h>
#include <linux/list.h>
#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/pagemap.h>
#include <linux/seq_file.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <linux/xattr.h>

#include "internal.h"
#include "shmem_kho.h"
#include "shmem_kho_image.h"
#include "shmem_kho_internal.h"

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
 * A symlink target longer than this takes a page of its own (mm/shmem.c's
 * SHORT_SYMLINK_LEN); a shorter one is kept in the inode's allocation.
 */
#define SHMEM_KHO_SHORT_SYMLINK	128

/* Pages the symlinks of a handover take besides the file data. */
static unsigned long shmem_kho_link_pages(const struct shmem_kho_view *v)
{
	unsigned long pages = 0;
	u64 i;

	for (i = 0; i < v->hdr->nr_inodes; i++)
		if (S_ISLNK(v->inodes[i].mode) &&
		    v->inodes[i].size > SHMEM_KHO_SHORT_SYMLINK)
			pages++;
	return pages;
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
	unsigned long pages = shmem_kho_view_pages(v) + shmem_kho_link_pages(v);

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

#ifdef CONFIG_MEMCG
/*
 * Pages the memory cgroup of the mounting task can still be charged before
 * its memory.max, or an ancestor's, is reached.
 */
static unsigned long shmem_kho_memcg_room(void)
{
	/* The cgroup mem_cgroup_charge() charges for this task. */
	struct mem_cgroup *memcg = get_mem_cgroup_from_mm(NULL);
	unsigned long room = ULONG_MAX, max, usage;
	struct mem_cgroup *pos;

	for (pos = memcg; pos && !mem_cgroup_is_root(pos);
	     pos = parent_mem_cgroup(pos)) {
		max = READ_ONCE(pos->memory.max);
		usage = page_counter_read(&pos->memory);
		room = min(room, max > usage ? max - usage : 0);
	}
	mem_cgroup_put(memcg);
	return room;
}
#else
static unsigned long shmem_kho_memcg_room(void)
{
	return ULONG_MAX;
}
#endif

/*
 * Kernel memory a restore charges besides the folios and symlink pages, an
 * upper estimate: per inode its shmem inode, per name a dentry and, for a
 * long name, its external copy, per xattr its value as kvmalloc() rounds
 * it, per XA_CHUNK_SIZE pages a page-cache node.
 */
static unsigned long shmem_kho_meta_pages(const struct shmem_kho_view *v,
					  unsigned long data_pages)
{
	u64 bytes, i;
	u32 len;

	bytes = v->hdr->nr_inodes * sizeof(struct shmem_inode_info);
	bytes += (data_pages / XA_CHUNK_SIZE + v->hdr->nr_inodes) *
		 sizeof(struct xa_node);
	for (i = 0; i < v->hdr->nr_dentries; i++) {
		bytes += sizeof(struct dentry);
		len = v->dentries[i].name_len;
		if (len >= DNAME_INLINE_LEN)
			bytes += kmalloc_size_roundup(len + 1 + 2 * sizeof(long));
	}
	for (i = 0; i < v->hdr->nr_xattrs; i++) {
		bytes += kmalloc_size_roundup(sizeof(struct simple_xattr) +
					      v->xattrs[i].value_len);
		bytes += kmalloc_size_roundup(v->xattrs[i].name_len + 1);
	}
	return DIV_ROUND_UP_ULL(bytes, PAGE_SIZE);
}

/*
 * Restored folios, and the inodes and names that hold them, are charged to
 * the memory cgroup of the task that mounts. Refuse a handover that does
 * not fit under that cgroup's limit before anything is charged: a restore
 * that fails halfway for want of memory loses the rest of the data, and a
 * charge over the limit would otherwise reclaim or OOM-kill. Refused, the
 * handover stays whole for a mount from a cgroup with room. Swap does not
 * count as room: the restored folios arrive in memory.
 */
static int shmem_kho_check_memcg(const char *name,
				 const struct shmem_kho_view *v)
{
	unsigned long data = shmem_kho_view_pages(v);
	unsigned long need = data + shmem_kho_link_pages(v) +
			     shmem_kho_meta_pages(v, data);
	unsigned long room = shmem_kho_memcg_room();

	if (need <= room)
		return 0;
	pr_err("kho=%s: the handover needs %lu KiB (%lu KiB of data), more than the memory cgroup of the mounting task has room for (%lu KiB)\n",
	       name, need << (PAGE_SHIFT - 10), data << (PAGE_SHIFT - 10),
	       room << (PAGE_SHIFT - 10));
	return -ENOMEM;
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
	if (!err)
		err = shmem_kho_check_memcg(in->name, &v);
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

static DEFINE_MUTEX(shmem_kho_restore_lock);

/**
 * shmem_kho_populate - rebuild a kho mount from its handover
 * @sb: the super block shmem_kho_claim() registered, with its root
 *
 * Without a handover of this NAME, the mount starts empty. A handover
 * that fails the checks or does not fit stays pending (see
 * kho/tmpfs/release); one that fails halfway through is freed.
 *
 * Return: 0, -EINVAL for an inconsistent handover, -ENOSPC when it does
 * not fit size= or nr_inodes=, -ENOMEM when it does not fit the memory
 * cgroup of the mounting task, or the error of restoring (-ENOSPC,
 * -ENOMEM).
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
	/*
	 * The memory cgroup check is no reservation: two mounts restored at
	 * once could each find the room the other then takes.
	 */
	mutex_lock(&shmem_kho_restore_lock);
	err = shmem_kho_restore(in, sb, &consumed);
	mutex_unlock(&shmem_kho_restore_lock);
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
		pr_warn("kho=%s: released a damaged handover; its file data stays reserved until the next kexec or reboot\n",
			in->name);
	kfree(in);
}

/* Room for a command line of kho/tmpfs: a word, a space and a NAME. */
#define SHMEM_KHO_LINE_MAX	(KHO_TMPFS_NAME_MAX + 32)

/* Write NAME, or "all", to free handovers nobody will mount again. */
static ssize_t shmem_kho_release_write(struct file *file,
				       const char __user *ubuf, size_t count,
				       loff_t *ppos)
{
	struct shmem_kho_incoming *in, *tmp;
	char line[SHMEM_KHO_LINE_MAX], *name;
	LIST_HEAD(release);
	bool all;

	name = kho_debugfs_read_line(line, sizeof(line), ubuf, count);
	if (IS_ERR(name))
		return PTR_ERR(name);
	all = !strcmp(name, "all");

	mutex_lock(&shmem_kho_lock);
	list_for_each_entry_safe(in, tmp, &shmem_kho_pending, list)
		if (all || !strcmp(in->name, name))
			list_move_tail(&in->list, &release);
	mutex_unlock(&shmem_kho_lock);
	if (list_empty(&release) && !all)
		return -ENOENT;
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
	char line[SHMEM_KHO_LINE_MAX], *what, *name;
	int err = -EINVAL;

	name = kho_debugfs_read_line(line, sizeof(line), ubuf, count);
	if (IS_ERR(name))
		return PTR_ERR(name);
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

void __init shmem_kho_in_init(void)
{
	const char *subtree;
	unsigned int i;
	int err = 0;

	mutex_lock(&shmem_kho_lock);
	for (i = 0; !err && (subtree = kho_subtree_name(i)); i++)
		err = shmem_kho_find_incoming(subtree);
	mutex_unlock(&shmem_kho_lock);
	if (err)
		pr_err("cannot list the handed-over mounts (%d)\n", err);
	shmem_kho_debugfs_init();
}
