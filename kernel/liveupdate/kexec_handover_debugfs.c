// SPDX-License-Identifier: GPL-2.0-only
/*
 * debugfs view of Kexec HandOver, under /sys/kernel/debug/kho:
 *
 *   out/fdt            the root FDT the next kernel will get, at its
 *                      current size (it changes as subtrees come and go)
 *   out/sub_fdts/NAME  each subtree's blob
 *   out/scratch_phys   start of each scratch area, one 0x... per line
 *   out/scratch_len    size of each scratch area, one 0x... per line
 *   out/finalize       1 has the clients record their state (kho tmpfs
 *                      mounts are frozen and recorded) and freezes the
 *                      subtrees; 0 aborts and thaws. Without it, clients
 *                      record their state at kexec -e
 *   out/corrupt        (fault injection only) damages the handover
 *   in/fdt             the root FDT this kernel was handed (after a kexec
 *                      handover only)
 *   in/sub_fdts/NAME   each subtree blob that came with it
 *
 * Only root can use them: files are 0400, except finalize (0600) and
 * corrupt (0200, write-only).
 */

#define pr_fmt(fmt) "KHO: " fmt

#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/kexec_handover.h>
#include <linux/kstrtox.h>
#include <linux/libfdt.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/io.h>

#include "kexec_handover_internal.h"

static struct dentry *kho_debugfs_root;
static struct dentry *kho_debugfs_sub_fdts;
static struct kho_debugfs_out kho_debugfs_out;

/* One out/sub_fdts file; blob sizes do not change after registration. */
struct kho_debugfs_subtree {
	struct list_head list;
	void *blob;
	struct debugfs_blob_wrapper wrapper;
	struct dentry *file;
};

static LIST_HEAD(kho_debugfs_subtrees);
static DEFINE_MUTEX(kho_debugfs_subtrees_lock);

static struct dentry *kho_debugfs_dir(void)
{
	if (!kho_debugfs_root)
		kho_debugfs_root = debugfs_create_dir("kho", NULL);
	return kho_debugfs_root;
}

static ssize_t kho_debugfs_fdt_read(struct file *file, char __user *buf,
				    size_t count, loff_t *ppos)
{
	const struct kho_debugfs_out *out = &kho_debugfs_out;
	ssize_t ret;

	mutex_lock(out->lock);
	ret = simple_read_from_buffer(buf, count, ppos, out->fdt,
				      fdt_totalsize(out->fdt));
	mutex_unlock(out->lock);
	return ret;
}

static const struct file_operations kho_debugfs_fdt_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = kho_debugfs_fdt_read,
	.llseek = default_llseek,
};

static int kho_debugfs_scratch_show(struct seq_file *m, bool lengths)
{
	const struct kho_scratch *areas;
	unsigned int i, n;

	n = kho_scratch_areas(&areas);
	for (i = 0; i < n; i++)
		seq_printf(m, "0x%llx\n", lengths ? areas[i].size : areas[i].addr);
	return 0;
}

static int kho_debugfs_scratch_phys_show(struct seq_file *m, void *v)
{
	return kho_debugfs_scratch_show(m, false);
}
DEFINE_SHOW_ATTRIBUTE(kho_debugfs_scratch_phys);

static int kho_debugfs_scratch_len_show(struct seq_file *m, void *v)
{
	return kho_debugfs_scratch_show(m, true);
}
DEFINE_SHOW_ATTRIBUTE(kho_debugfs_scratch_len);

static int kho_debugfs_finalize_get(void *data, u64 *val)
{
	const struct kho_debugfs_out *out = &kho_debugfs_out;

	mutex_lock(out->lock);
	*val = *out->finalized;
	mutex_unlock(out->lock);
	return 0;
}

static int kho_debugfs_finalize_set(void *data, u64 val)
{
	if (val > 1)
		return -EINVAL;
	return kho_debugfs_out.set_finalized(val);
}
DEFINE_DEBUGFS_ATTRIBUTE(kho_debugfs_finalize_fops, kho_debugfs_finalize_get,
			 kho_debugfs_finalize_set, "%llu\n");

/**
 * kho_debugfs_read_line - the line a user wrote to a debugfs file
 * @buf:   where to put it
 * @size:  size of @buf; a write of @size bytes or more is refused
 * @ubuf:  what the user wrote
 * @count: its length
 *
 * The debugfs files of KHO and of its users that take commands take one
 * short line per write. This copies it into @buf, terminates it and strips
 * the white space around it (echo's newline), so that they all read their
 * input alike.
 *
 * Return: the line, inside @buf; ERR_PTR(-EINVAL) if it does not fit,
 * ERR_PTR(-EFAULT) if @ubuf cannot be read. Without
 * CONFIG_KEXEC_HANDOVER_DEBUGFS, ERR_PTR(-EOPNOTSUPP).
 */
char *kho_debugfs_read_line(char *buf, size_t size, const char __user *ubuf,
			    size_t count)
{
	if (count >= size)
		return ERR_PTR(-EINVAL);
	if (copy_from_user(buf, ubuf, count))
		return ERR_PTR(-EFAULT);
	buf[count] = '\0';
	return strim(buf);
}

#ifdef CONFIG_KEXEC_HANDOVER_FAULT_INJECTION
static ssize_t kho_debugfs_corrupt_write(struct file *file,
					 const char __user *ubuf,
					 size_t count, loff_t *ppos)
{
	const struct kho_debugfs_out *out = &kho_debugfs_out;
	char buf[64], *what;
	int err;

	what = kho_debugfs_read_line(buf, sizeof(buf), ubuf, count);
	if (IS_ERR(what))
		return PTR_ERR(what);

	mutex_lock(out->lock);
	err = out->corrupt(what);
	mutex_unlock(out->lock);
	if (err)
		return err;
	pr_warn("handover deliberately corrupted (%s) through debugfs\n", what);
	return count;
}

static const struct file_operations kho_debugfs_corrupt_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = kho_debugfs_corrupt_write,
};
#endif

/**
 * kho_debugfs_init_out - create /sys/kernel/debug/kho/out
 * @out: the live state the files show; copied
 *
 * debugfs failures are not errors: the handover works without its view.
 */
void kho_debugfs_init_out(const struct kho_debugfs_out *out)
{
	struct dentry *dir;

	kho_debugfs_out = *out;
	dir = debugfs_create_dir("out", kho_debugfs_dir());
	debugfs_create_file("fdt", 0400, dir, NULL, &kho_debugfs_fdt_fops);
	debugfs_create_file("scratch_phys", 0400, dir, NULL,
			    &kho_debugfs_scratch_phys_fops);
	debugfs_create_file("scratch_len", 0400, dir, NULL,
			    &kho_debugfs_scratch_len_fops);
	debugfs_create_file_unsafe("finalize", 0600, dir, NULL,
				   &kho_debugfs_finalize_fops);
	kho_debugfs_sub_fdts = debugfs_create_dir("sub_fdts", dir);
#ifdef CONFIG_KEXEC_HANDOVER_FAULT_INJECTION
	debugfs_create_file("corrupt", 0200, dir, NULL, &kho_debugfs_corrupt_fops);
#endif
}

/**
 * kho_debugfs_add_subtree - show a subtree's blob as out/sub_fdts/@name
 * @name: the subtree's name
 * @blob: the blob
 * @size: its size in bytes
 */
void kho_debugfs_add_subtree(const char *name, void *blob, size_t size)
{
	struct kho_debugfs_subtree *sub;

	if (!kho_debugfs_sub_fdts)
		return;
	sub = kzalloc(sizeof(*sub), GFP_KERNEL);
	if (!sub)
		return;
	sub->blob = blob;
	sub->wrapper.data = blob;
	sub->wrapper.size = size;
	sub->file = debugfs_create_blob(name, 0400, kho_debugfs_sub_fdts,
					&sub->wrapper);
	mutex_lock(&kho_debugfs_subtrees_lock);
	list_add(&sub->list, &kho_debugfs_subtrees);
	mutex_unlock(&kho_debugfs_subtrees_lock);
}

/**
 * kho_debugfs_remove_subtree - remove the file of the subtree at @blob
 * @blob: the blob the subtree was added with
 */
void kho_debugfs_remove_subtree(void *blob)
{
	struct kho_debugfs_subtree *sub, *found = NULL;

	mutex_lock(&kho_debugfs_subtrees_lock);
	list_for_each_entry(sub, &kho_debugfs_subtrees, list) {
		if (sub->blob == blob) {
			list_del(&sub->list);
			found = sub;
			break;
		}
	}
	mutex_unlock(&kho_debugfs_subtrees_lock);
	if (!found)
		return;
	debugfs_remove(found->file);
	kfree(found);
}

/* A read-only blob file that lives as long as the kernel. */
static void kho_debugfs_blob(const char *name, struct dentry *dir,
			     const void *data, size_t size)
{
	struct debugfs_blob_wrapper *wrapper;

	wrapper = kzalloc(sizeof(*wrapper), GFP_KERNEL);
	if (!wrapper)
		return;
	wrapper->data = (void *)data;
	wrapper->size = size;
	debugfs_create_blob(name, 0400, dir, wrapper);
}

/*
 * Show a copy of an incoming subtree blob: its owner may restore and free
 * the memory later, and the handover only claims that the blob is there.
 * Blobs up to 1 MiB that lie in preserved memory are shown; the address
 * came from another kernel and is read only after that check.
 */
static void kho_debugfs_blob_copy(const char *name, struct dentry *dir)
{
	phys_addr_t phys;
	void *copy;
	u64 bytes;

	if (kho_in_find_subtree(name, &phys, &bytes, false) || bytes > SZ_1M)
		return;
	copy = kmemdup(phys_to_virt(phys), bytes, GFP_KERNEL);
	if (copy)
		kho_debugfs_blob(name, dir, copy, bytes);
}

/**
 * kho_debugfs_init_in - create /sys/kernel/debug/kho/in for a handover
 * @fdt: the checked incoming root FDT, or NULL (then nothing is created)
 */
void kho_debugfs_init_in(const void *fdt)
{
	struct dentry *dir, *subs;
	const char *name;
	int node;

	if (!fdt)
		return;
	dir = debugfs_create_dir("in", kho_debugfs_dir());
	kho_debugfs_blob("fdt", dir, fdt, fdt_totalsize(fdt));
	subs = debugfs_create_dir("sub_fdts", dir);
	fdt_for_each_subnode(node, fdt, 0) {
		name = fdt_get_name(fdt, node, NULL);
		if (name)
			kho_debugfs_blob_copy(name, subs);
	}
}
