// SPDX-License-Identifier: GPL-2.0-only
/*
 * Persistent tmpfs, the folios of the outgoing side: each folio of a
 * frozen kho mount must be in memory, and outside the scratch areas, before
 * it can be preserved where it is. Swapped-out pages are read back in and
 * folios in scratch memory are migrated out, without ever waking an OOM
 * killer for a handover that can fail instead.
 */

#include <linux/gfp.h>
#include <linux/kexec.h>
#include <linux/migrate.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/sched/mm.h>
#include <linux/shmem_fs.h>
#include <linux/swap.h>

#include "internal.h"
#include "shmem_kho.h"
#include "shmem_kho_internal.h"

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
 * Look the folio at @index up, reading it back from swap if it is there.
 * The read-in is charged to the memory cgroup that owned the page (or,
 * when that cgroup is gone, the finalizing task's). When the cgroup has
 * no room for it under its limit, fail with -ENOMEM rather than let the
 * charge invoke the cgroup's OOM killer on the workload whose data is
 * being handed over. At kexec -e (without a finalize before it), the
 * limit protects nothing any more and failing would drop the mount: the
 * charge then goes over the limit at once (__GFP_HIGH, no reclaim, which
 * could only write out what is being read in, as it is all pinned). The
 * read-in is allocated outside CMA, as long-term pins are, so that it
 * does not land in scratch memory.
 */
static int shmem_kho_read_folio(struct inode *inode, pgoff_t index,
				struct folio **foliop)
{
	gfp_t gfp = mapping_gfp_mask(inode->i_mapping) | __GFP_RETRY_MAYFAIL;
	unsigned int pin_flags;
	int err;

	if (kexec_in_progress)
		gfp = (gfp & ~__GFP_DIRECT_RECLAIM) | __GFP_HIGH;
	pin_flags = memalloc_pin_save();
	err = shmem_get_folio_gfp(inode, index, 0, foliop, SGP_READ, gfp,
				  NULL, NULL);
	memalloc_pin_restore(pin_flags);
	if (!err && *foliop)
		folio_unlock(*foliop);
	return err;
}

/**
 * shmem_kho_get_folio - a folio of a frozen kho mount, ready to preserve
 * @inode: a regular file of the mount
 * @index: the page index to look up
 * @foliop: the folio, with a reference, or NULL for a hole
 * @moved: incremented for each folio moved out of scratch memory
 *
 * The folio is brought back from swap if need be, and moved out of
 * scratch memory if it sits there.
 *
 * Context: Process context, may sleep; the mount is frozen, so that no
 * truncation or hole punch races with the lookup.
 * Return: 0, the error of reading the folio back from swap (-ENOMEM when
 * its memory cgroup has no room for it), the error of moving it out of
 * scratch memory (-EBUSY when it cannot be isolated or migrated), or
 * -EBUSY when it kept landing back in scratch memory.
 */
int shmem_kho_get_folio(struct inode *inode, pgoff_t index,
			struct folio **foliop, unsigned long *moved)
{
	struct folio *folio = NULL;
	int err, tries;

	for (tries = 0; tries < 3; tries++) {
		err = shmem_kho_read_folio(inode, index, &folio);
		if (err || !folio)
			break;
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
