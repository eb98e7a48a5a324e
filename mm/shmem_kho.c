// SPDX-License-Identifier: GPL-2.0-only
/*
 * Persistent tmpfs: a tmpfs mounted with -o kho=NAME survives kexec.
 *
 * When the handover is finalized (out/finalize in debugfs, or kexec -e
 * without it), every kho mount is frozen, its tree is recorded in the
 * kho-tmpfs-v1 image (include/linux/kho/abi/tmpfs.h) and the folios of
 * its files are preserved where they are, pinned so that neither reclaim
 * nor migration moves them (mm/shmem_kho_out.c). Aborting thaws the mount
 * and drops all that.
 *
 * The next kernel lists the handed-over mounts at boot. Mounting
 * -o kho=NAME again rebuilds the tree through the directory's own inode
 * operations and puts the preserved folios back into the page cache, so
 * no file data is copied (mm/shmem_kho_in.c). A handover nobody mounts
 * again stays reserved until it is released through debugfs
 * (kho/tmpfs/release).
 *
 * This file keeps the list of kho mounts: it checks the mount option,
 * claims a handed-over mount for a new super block and lets it go.
 */

#define pr_fmt(fmt) "tmpfs: " fmt

#include <linux/capability.h>
#include <linux/ctype.h>
#include <linux/fs.h>
#include <linux/fs_context.h>
#include <linux/kexec_handover.h>
#include <linux/kho/abi/tmpfs.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/user_namespace.h>

#include "shmem_kho.h"
#include "shmem_kho_internal.h"

/* Guards the lists and shmem_kho_finalized: see shmem_kho_internal.h. */
DEFINE_MUTEX(shmem_kho_lock);
LIST_HEAD(shmem_kho_mounts);
LIST_HEAD(shmem_kho_pending);
bool shmem_kho_finalized;

void shmem_kho_subtree_name(char *buf, const char *name)
{
	snprintf(buf, SHMEM_KHO_SUBTREE_MAX, "%s%s", KHO_TMPFS_SUBTREE_PREFIX,
		 name);
}

/*
 * Under shmem_kho_lock. Mounts have unique names, so @sb or @name alone
 * finds one; pass NULL for the other.
 */
struct shmem_kho_mount *shmem_kho_find(struct super_block *sb,
				       const char *name)
{
	struct shmem_kho_mount *mnt;

	list_for_each_entry(mnt, &shmem_kho_mounts, list)
		if (mnt->sb == sb || (name && !strcmp(mnt->name, name)))
			return mnt;
	return NULL;
}

struct shmem_kho_incoming *shmem_kho_find_pending(const char *name)
{
	struct shmem_kho_incoming *in;

	list_for_each_entry(in, &shmem_kho_pending, list)
		if (!strcmp(in->name, name))
			return in;
	return NULL;
}

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

int shmem_kho_check_header(const char *name,
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
 * shmem_kho_mounted - is @sb a tmpfs mounted with kho=NAME?
 * @sb: a shmem super block
 *
 * Its files are handed over with the mount, so nothing else (the live
 * update memfd handler, for an O_TMPFILE file of it) may preserve their
 * folios as well.
 *
 * Return: true for a kho tmpfs.
 */
bool shmem_kho_mounted(struct super_block *sb)
{
	bool found;

	mutex_lock(&shmem_kho_lock);
	found = shmem_kho_find(sb, NULL);
	mutex_unlock(&shmem_kho_lock);
	return found;
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

static int __init shmem_kho_init(void)
{
	shmem_kho_out_init();
	shmem_kho_in_init();
	return 0;
}
late_initcall(shmem_kho_init);
