// SPDX-License-Identifier: GPL-2.0-only
/*
 * Live Update Orchestrator: the memfd file handler ("memfd-v2").
 *
 * A memfd preserved in a session keeps its memory across kexec without a
 * copy: its folios are preserved where they are, and the next kernel puts
 * them into the page cache of a new memfd. The record is described in
 * include/linux/kho/abi/memfd.h.
 */

/**
 * DOC: memfd preservation
 *
 * A file can be preserved when it is a shmem file with no name left in any
 * directory: a memfd, or an unlinked or O_TMPFILE tmpfs file. Others (a
 * hugetlb memfd, a tmpfs file with a name) are not this handler's, so the
 * orchestrator finds no handler for them and refuses them with -ENOENT.
 * The handler itself refuses, at preserve time, a file with a seal it does
 * not know (-EOPNOTSUPP) and a file of more than UINT_MAX pages (-EFBIG).
 *
 * Preserving a file freezes its layout until the session is closed or the
 * kexec happens: changing its size, fallocate() and writing beyond its end
 * fail with -EPERM, while its data can still be read and written. Every
 * page up to the file's size is brought into memory and pinned: holes get
 * new zeroed folios, pages on swap are read back, folios in the scratch
 * areas the next kernel boots from are moved out, and folios fallocate()
 * left unused are zeroed. Each folio is then preserved in place and marked
 * dirty, so that the next kernel never reclaims one as if it were a hole:
 * whether a user writes to it later cannot be known here.
 *
 * The file position is recorded at preserve time and again at kexec
 * (freeze); nothing else changes at kexec. Closing the session before
 * kexec (unpreserve) releases everything and lifts the freeze.
 *
 * In the next kernel, retrieving the file creates a new memfd as
 * memfd_create("", MFD_ALLOW_SEALING) would, named "memfd:": opened
 * O_RDWR | O_LARGEFILE, of mode 0777, owned by the retrieving task. The
 * preserved folios go into its page cache up to date and dirty, charged
 * to the retrieving task's memory cgroup; its size, file position and
 * seals are set as recorded. A file that carried F_SEAL_EXEC without the
 * write seals that sealing an executable file adds had no execute bits
 * (they could not change after that seal), so it gets mode 0666 instead,
 * keeping its seals as they were. Name, mode otherwise, owner, times and
 * FD_CLOEXEC are not preserved.
 *
 * A record from the previous kernel is checked before anything it names
 * is used; an impossible one fails the retrieval with -EINVAL. A folio
 * that turns out not to be preserved fails it with -EIO. Whatever the
 * failure, what was taken back is freed. Finishing the session frees the
 * memory of files that were never retrieved.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/kexec_handover.h>
#include <linux/kho/abi/memfd.h>
#include <linux/liveupdate.h>
#include <linux/memfd.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/pagemap.h>
#include <linux/pfn.h>
#include <linux/sched.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <uapi/linux/memfd.h>

#include "shmem_kho.h"
#include "shmem_kho_image.h"

#define MEMFD_LUO_FOLIO_FLAGS	(MEMFD_LUO_FOLIO_DIRTY | MEMFD_LUO_FOLIO_UPTODATE)

/* The seals fcntl() adds along with F_SEAL_EXEC on an executable file. */
#define MEMFD_LUO_EXEC_IMPLIED	(F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | \
				 F_SEAL_FUTURE_WRITE)

static bool memfd_luo_can_preserve(struct liveupdate_file_handler *handler,
				   struct file *file)
{
	struct inode *inode = file_inode(file);

	/* An O_TMPFILE file of a kho tmpfs goes with its mount. */
	return shmem_file(file) && !inode->i_nlink &&
	       !shmem_kho_mounted(inode->i_sb);
}

/* Two files of one inode are one memfd: preserve it only once. */
static unsigned long memfd_luo_get_id(struct file *file)
{
	return (unsigned long)file_inode(file);
}

/*
 * Make the folio ready to be handed over as it is: a folio fallocate()
 * left unused would be zeroed by its first user, so zero it now, and mark
 * it dirty (see the DOC above).
 */
static void memfd_luo_prepare_folio(struct folio *folio)
{
	folio_lock(folio);
	if (!folio_test_uptodate(folio)) {
		folio_zero_range(folio, 0, folio_size(folio));
		flush_dcache_folio(folio);
		folio_mark_uptodate(folio);
	}
	folio_mark_dirty(folio);
	folio_unlock(folio);
}

/*
 * Pin every folio of the first @size bytes of @file, preserve them and
 * their list, and fill in @ser's folios. memfd_pin_folios() allocates the
 * holes, reads swapped pages back and migrates folios out of CMA, which
 * the scratch areas are, as long-term pins need. The pins keep the folios
 * from moving until kexec or unpreserve.
 */
static int memfd_luo_preserve_folios(struct file *file, u64 size,
				     struct memfd_luo_ser *ser,
				     struct memfd_luo_folio_ser **recsp)
{
	unsigned int max = DIV_ROUND_UP_ULL(size, PAGE_SIZE);
	struct memfd_luo_folio_ser *recs;
	struct folio **folios;
	pgoff_t offset;
	long nr, i;
	int err;

	folios = kvmalloc_array(max, sizeof(*folios), GFP_KERNEL);
	if (!folios)
		return -ENOMEM;
	nr = memfd_pin_folios(file, 0, size - 1, folios, max, &offset);
	if (nr <= 0) {
		err = nr ? nr : -EINVAL;
		pr_err("cannot pin the folios of a memfd: %pe\n", ERR_PTR(err));
		goto out_free;
	}

	err = -ENOMEM;
	recs = vcalloc(nr, sizeof(*recs));
	if (!recs)
		goto out_unpin;
	err = kho_preserve_folios(folios, nr);
	if (err)
		goto out_vfree;
	for (i = 0; i < nr; i++) {
		memfd_luo_prepare_folio(folios[i]);
		recs[i].pfn = folio_pfn(folios[i]);
		recs[i].flags = MEMFD_LUO_FOLIO_FLAGS;
		recs[i].index = folios[i]->index;
	}
	err = kho_preserve_vmalloc(recs, &ser->folios);
	if (err)
		goto out_unpreserve;

	ser->nr_folios = nr;
	*recsp = recs;
	kvfree(folios);
	return 0;

out_unpreserve:
	for (i = 0; i < nr; i++)
		kho_unpreserve_folio(folios[i]);
out_vfree:
	vfree(recs);
out_unpin:
	unpin_folios(folios, nr);
out_free:
	kvfree(folios);
	return err;
}

static int memfd_luo_preserve(struct liveupdate_file_op_args *args)
{
	struct memfd_luo_folio_ser *recs = NULL;
	struct file *file = args->file;
	struct inode *inode = file_inode(file);
	struct memfd_luo_ser *ser;
	int seals, err;
	u64 size;

	inode_lock(inode);
	/*
	 * Before the size is read: from here on, nothing can change it, nor
	 * take a folio out of the page cache, until unpreserve or kexec.
	 */
	shmem_freeze(inode, true);

	seals = memfd_get_seals(file);
	if (seals < 0) {
		err = seals;
		goto out_thaw;
	}
	if (seals & ~MEMFD_LUO_ALL_SEALS) {
		err = -EOPNOTSUPP;
		goto out_thaw;
	}
	/* memfd_pin_folios() counts folios in an unsigned int. */
	size = i_size_read(inode);
	if (DIV_ROUND_UP_ULL(size, PAGE_SIZE) > UINT_MAX) {
		err = -EFBIG;
		goto out_thaw;
	}
	/*
	 * Every page up to the size is pinned: a (sparse) file larger than
	 * RAM cannot be preserved, and its page arrays would be allocations
	 * the allocator warns about. Refuse it before trying.
	 */
	if (DIV_ROUND_UP_ULL(size, PAGE_SIZE) > totalram_pages()) {
		err = -ENOMEM;
		goto out_thaw;
	}

	ser = kho_alloc_preserve(sizeof(*ser));
	if (IS_ERR(ser)) {
		err = PTR_ERR(ser);
		goto out_thaw;
	}
	ser->pos = file->f_pos;
	ser->size = size;
	ser->seals = seals;
	if (size) {
		err = memfd_luo_preserve_folios(file, size, ser, &recs);
		if (err)
			goto out_free;
	}
	inode_unlock(inode);

	args->serialized_data = virt_to_phys(ser);
	args->private_data = recs;
	return 0;

out_free:
	kho_unpreserve_free(ser);
out_thaw:
	shmem_freeze(inode, false);
	inode_unlock(inode);
	return err;
}

/* Userspace may have moved the position since preserve; nothing else. */
static int memfd_luo_freeze(struct liveupdate_file_op_args *args)
{
	struct memfd_luo_ser *ser;

	if (WARN_ON_ONCE(!args->serialized_data))
		return -EINVAL;
	ser = phys_to_virt(args->serialized_data);
	ser->pos = args->file->f_pos;
	return 0;
}

/*
 * Undo preserve. The record and the list were written by this kernel, and
 * the pins kept every folio where the list says it is.
 */
static void memfd_luo_unpreserve(struct liveupdate_file_op_args *args)
{
	struct memfd_luo_folio_ser *recs = args->private_data;
	struct inode *inode = file_inode(args->file);
	struct memfd_luo_ser *ser;
	struct folio *folio;
	u64 i;

	if (WARN_ON_ONCE(!args->serialized_data))
		return;
	ser = phys_to_virt(args->serialized_data);

	inode_lock(inode);
	if (ser->nr_folios) {
		kho_unpreserve_vmalloc(&ser->folios);
		for (i = 0; i < ser->nr_folios; i++) {
			folio = pfn_folio(recs[i].pfn);
			kho_unpreserve_folio(folio);
			unpin_folio(folio);
		}
		vfree(recs);
	}
	kho_unpreserve_free(ser);
	shmem_freeze(inode, false);
	inode_unlock(inode);
}

/*
 * Take the record's page back and copy the record out of it, so that what
 * is checked is what is used. The page must be one preserved order-0
 * folio, as kho_alloc_preserve() gives for a record this small.
 */
static int memfd_luo_take_record(u64 phys, struct memfd_luo_ser *ser)
{
	struct folio *folio = NULL;

	if (kho_folio_preserved(phys, 0))
		folio = kho_restore_folio(phys);
	if (!folio) {
		pr_err("no record is preserved at %#llx\n", phys);
		return -EINVAL;
	}
	memcpy(ser, folio_address(folio), sizeof(*ser));
	folio_put(folio);
	return 0;
}

/*
 * Is the record possible? Its array must hold at most one folio per page
 * of the file, and fit in the area that is said to hold it.
 */
static int memfd_luo_check_record(const struct memfd_luo_ser *ser)
{
	u64 room;

	if (ser->seals & ~MEMFD_LUO_ALL_SEALS) {
		pr_err("record has seals this kernel does not know: %#x\n",
		       ser->seals);
		return -EOPNOTSUPP;
	}
	if (ser->flags) {
		pr_err("record has unknown flags %#x\n", ser->flags);
		return -EINVAL;
	}
	if (ser->size > MAX_LFS_FILESIZE || ser->pos > MAX_LFS_FILESIZE) {
		pr_err("record has an impossible size %llu or position %llu\n",
		       ser->size, ser->pos);
		return -EINVAL;
	}
	if (ser->nr_folios > DIV_ROUND_UP_ULL(ser->size, PAGE_SIZE)) {
		pr_err("record has %llu folios for a file of %llu bytes\n",
		       ser->nr_folios, ser->size);
		return -EINVAL;
	}
	if (!ser->nr_folios) {
		if (!ser->folios.first)
			return 0;
		pr_err("record has a folio array but no folios\n");
		return -EINVAL;
	}
	room = (u64)ser->folios.total_pages *
	       (PAGE_SIZE / sizeof(struct memfd_luo_folio_ser));
	if (ser->nr_folios > room) {
		pr_err("record has %llu folios in an array of %u pages\n",
		       ser->nr_folios, ser->folios.total_pages);
		return -EINVAL;
	}
	return 0;
}

/*
 * The record's folio array, or NULL when it has none. An array that is not
 * (or no longer) preserved memory gives -EINVAL.
 */
static struct memfd_luo_folio_ser *
memfd_luo_restore_recs(const struct memfd_luo_ser *ser)
{
	struct memfd_luo_folio_ser *recs;

	if (!ser->nr_folios)
		return NULL;
	recs = kho_restore_vmalloc(&ser->folios);
	if (!recs) {
		pr_err("the folio array of a record is not preserved\n");
		return ERR_PTR(-EINVAL);
	}
	return recs;
}

/* Free the preserved folios @recs lists, for a file nobody will have. */
static void memfd_luo_discard(const struct memfd_luo_folio_ser *recs, u64 nr)
{
	struct folio *folio;
	u64 i;

	for (i = 0; i < nr; i++) {
		if (!recs[i].pfn)
			continue;
		folio = kho_restore_folio(PFN_PHYS(recs[i].pfn));
		if (folio)
			folio_put(folio);
		else
			pr_warn_ratelimited("no folio is preserved at %#llx\n",
					    (u64)PFN_PHYS(recs[i].pfn));
		cond_resched();
	}
}

/*
 * Put the folio of one entry into @inode's page cache. The entry is
 * checked before its folio is taken back, the folio before it is used.
 */
static int memfd_luo_add_folio(struct inode *inode, u64 nr_pages,
			       const struct memfd_luo_folio_ser *rec)
{
	phys_addr_t phys = PFN_PHYS(rec->pfn);
	struct folio *folio;
	int err;

	if (rec->index >= nr_pages || (rec->flags & ~MEMFD_LUO_FOLIO_FLAGS)) {
		pr_err("folio at %#llx has an impossible index %llu or flags %#x\n",
		       (u64)phys, rec->index, (unsigned int)rec->flags);
		return -EINVAL;
	}
	folio = kho_restore_folio(phys);
	if (!folio) {
		pr_err("no folio is preserved at %#llx\n", (u64)phys);
		return -EIO;
	}
	if (folio_order(folio) > SHMEM_KHO_MAX_ORDER ||
	    !IS_ALIGNED(rec->index, folio_nr_pages(folio))) {
		pr_err("folio at %#llx of order %u cannot be at index %llu\n",
		       (u64)phys, folio_order(folio), rec->index);
		folio_put(folio);
		return -EINVAL;
	}
	/* Never initialized: it reads as zeros, as in the previous kernel. */
	if (!(rec->flags & MEMFD_LUO_FOLIO_UPTODATE)) {
		folio_zero_range(folio, 0, folio_size(folio));
		flush_dcache_folio(folio);
	}
	err = shmem_kho_insert_folio(inode, rec->index, folio);
	if (err)
		pr_err("cannot add the folio at %#llx at index %llu: %pe\n",
		       (u64)phys, rec->index, ERR_PTR(err));
	return err;
}

/*
 * Fill the page cache of the new file. On failure, the folios added so
 * far go with the file, and the ones after the failing entry are freed.
 */
static int memfd_luo_add_folios(struct inode *inode, u64 size,
				const struct memfd_luo_folio_ser *recs, u64 nr)
{
	u64 nr_pages = DIV_ROUND_UP_ULL(size, PAGE_SIZE);
	u64 i;
	int err;

	for (i = 0; i < nr; i++) {
		if (!recs[i].pfn)
			continue;
		err = memfd_luo_add_folio(inode, nr_pages, &recs[i]);
		if (err) {
			memfd_luo_discard(recs + i + 1, nr - i - 1);
			return err;
		}
		cond_resched();
	}
	return 0;
}

/* The new memfd, with the mode, seals, size and position of the record. */
static struct file *memfd_luo_new_file(const struct memfd_luo_ser *ser)
{
	struct file *file;
	int err;

	file = memfd_alloc_file("memfd:", MFD_ALLOW_SEALING);
	if (IS_ERR(file)) {
		pr_err("cannot create a memfd: %pe\n", file);
		return file;
	}
	if ((ser->seals & F_SEAL_EXEC) &&
	    (ser->seals & MEMFD_LUO_EXEC_IMPLIED) != MEMFD_LUO_EXEC_IMPLIED)
		file_inode(file)->i_mode &= ~0111;
	err = memfd_add_seals(file, ser->seals);
	if (err) {
		pr_err("cannot seal a memfd with %#x: %pe\n", ser->seals,
		       ERR_PTR(err));
		fput(file);
		return ERR_PTR(err);
	}
	vfs_setpos(file, ser->pos, MAX_LFS_FILESIZE);
	i_size_write(file_inode(file), ser->size);
	return file;
}

static int memfd_luo_retrieve(struct liveupdate_file_op_args *args)
{
	struct memfd_luo_folio_ser *recs;
	struct memfd_luo_ser ser;
	struct file *file;
	int err;

	err = memfd_luo_take_record(args->serialized_data, &ser);
	if (err)
		return err;
	err = memfd_luo_check_record(&ser);
	if (err)
		return err;
	recs = memfd_luo_restore_recs(&ser);
	if (IS_ERR(recs))
		return PTR_ERR(recs);

	file = memfd_luo_new_file(&ser);
	if (IS_ERR(file)) {
		err = PTR_ERR(file);
		memfd_luo_discard(recs, ser.nr_folios);
		goto out;
	}
	err = memfd_luo_add_folios(file_inode(file), ser.size, recs,
				   ser.nr_folios);
	if (err) {
		fput(file);
		goto out;
	}
	args->file = file;
out:
	vfree(recs);
	return err;
}

/*
 * The session is finished. A retrieved file owns its folios now, and a
 * failed retrieval freed what it could; only a file never retrieved still
 * has its record and folios preserved.
 */
static void memfd_luo_finish(struct liveupdate_file_op_args *args)
{
	struct memfd_luo_folio_ser *recs;
	struct memfd_luo_ser ser;

	if (args->retrieve_status)
		return;
	if (memfd_luo_take_record(args->serialized_data, &ser) ||
	    memfd_luo_check_record(&ser))
		return;
	recs = memfd_luo_restore_recs(&ser);
	if (IS_ERR_OR_NULL(recs))
		return;
	memfd_luo_discard(recs, ser.nr_folios);
	vfree(recs);
}

static const struct liveupdate_file_ops memfd_luo_file_ops = {
	.can_preserve	= memfd_luo_can_preserve,
	.preserve	= memfd_luo_preserve,
	.unpreserve	= memfd_luo_unpreserve,
	.freeze		= memfd_luo_freeze,
	.retrieve	= memfd_luo_retrieve,
	.finish		= memfd_luo_finish,
	.get_id		= memfd_luo_get_id,
	.owner		= THIS_MODULE,
};

static struct liveupdate_file_handler memfd_luo_handler = {
	.ops		= &memfd_luo_file_ops,
	.compatible	= MEMFD_LUO_FH_COMPATIBLE,
};

/*
 * Before the orchestrator takes the previous kernel's sessions over (a
 * late initcall), so that it finds this handler for their memfds.
 */
static int __init memfd_luo_init(void)
{
	int err = liveupdate_register_file_handler(&memfd_luo_handler);

	/* -EOPNOTSUPP: live update is off, and nothing is missing. */
	if (err && err != -EOPNOTSUPP)
		pr_err("cannot register the memfd handler: %pe\n",
		       ERR_PTR(err));
	return 0;
}
device_initcall(memfd_luo_init);
