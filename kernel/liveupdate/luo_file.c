// SPDX-License-Identifier: GPL-2.0-only
/*
 * Live Update Orchestrator: preserved files and their handlers.
 *
 * Each preserved file belongs to one session and is known by the agent's
 * token. A file handler (memfd, say) keeps the file's memory for the next
 * kernel and describes it in a record of its own; the orchestrator keeps,
 * per file, the handler's compatible string, the handle of that record
 * and the token, and writes them into the session's block chain at kexec.
 *
 * In the next kernel the handler is found again by its compatible string
 * when the agent retrieves the file or finishes the session, so handlers
 * in modules loaded after boot work too. A file whose handler this kernel
 * lacks cannot be retrieved; its memory stays reserved.
 */

#define pr_fmt(fmt) "LUO: " fmt

#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/liveupdate.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/xarray.h>

#include "luo_internal.h"

/**
 * struct luo_file - one preserved file
 * @list:            in its session's file set
 * @fh:              its handler; for an incoming file, NULL until found
 * @compatible:      an incoming file's handler, as the record names it
 * @file:            the file; NULL for an incoming file not yet retrieved
 * @serialized_data: the handler's handle for its record
 * @private_data:    the handler's own state in this kernel
 * @token:           the agent's token
 * @retrieve_status: incoming: 0 before retrieval, 1 after, or its error
 */
struct luo_file {
	struct list_head list;
	struct liveupdate_file_handler *fh;
	char compatible[LIVEUPDATE_HNDL_COMPAT_LENGTH];
	struct file *file;
	u64 serialized_data;
	void *private_data;
	u64 token;
	int retrieve_status;
};

static LIST_HEAD(luo_file_handlers);

/* Every file preserved or retrieved now, by identity: one session each. */
static DEFINE_XARRAY(luo_preserved_files);

static unsigned long luo_file_id(struct liveupdate_file_handler *fh,
				 struct file *file)
{
	return fh->ops->get_id ? fh->ops->get_id(file) : (unsigned long)file;
}

/* The operation arguments for @luo_file, as its handler last left them. */
static void luo_file_args(struct luo_file *luo_file,
			  struct liveupdate_file_op_args *args)
{
	*args = (struct liveupdate_file_op_args) {
		.handler = luo_file->fh,
		.retrieve_status = luo_file->retrieve_status,
		.file = luo_file->file,
		.serialized_data = luo_file->serialized_data,
		.private_data = luo_file->private_data,
	};
}

/**
 * luo_file_set_init - an empty set of files
 * @file_set: the set
 */
void luo_file_set_init(struct luo_file_set *file_set)
{
	INIT_LIST_HEAD(&file_set->files);
	file_set->count = 0;
	kho_block_set_init(&file_set->blocks, sizeof(struct luo_file_ser));
}

static struct luo_file *luo_file_find(struct luo_file_set *file_set,
				      u64 token)
{
	struct luo_file *luo_file;

	list_for_each_entry(luo_file, &file_set->files, list)
		if (luo_file->token == token)
			return luo_file;
	return NULL;
}

/* The handler that can preserve @file, with a reference on its module. */
static struct liveupdate_file_handler *luo_handler_for_file(struct file *file)
{
	struct liveupdate_file_handler *fh;

	guard(rwsem_read)(&luo_register_rwlock);
	list_for_each_entry(fh, &luo_file_handlers, list) {
		if (fh->ops->can_preserve(fh, file))
			return try_module_get(fh->ops->owner) ? fh : NULL;
	}
	return NULL;
}

/* The handler an incoming record names, with a reference on its module. */
static struct liveupdate_file_handler *
luo_handler_by_name(const char *compatible)
{
	struct liveupdate_file_handler *fh;

	guard(rwsem_read)(&luo_register_rwlock);
	list_for_each_entry(fh, &luo_file_handlers, list) {
		if (!strcmp(fh->compatible, compatible))
			return try_module_get(fh->ops->owner) ? fh : NULL;
	}
	return NULL;
}

/**
 * luo_preserve_file - preserve a file descriptor in a session
 * @file_set: the session's files
 * @token:    the agent's name for the file
 * @fd:       the descriptor
 *
 * Return: 0; -EEXIST when the token is taken in this session; -EBADF; -ENOENT
 * when no handler supports the file; -EBUSY when the file is preserved
 * already (in any session); -ENOMEM; or the handler's error.
 */
int luo_preserve_file(struct luo_file_set *file_set, u64 token, int fd)
{
	struct liveupdate_file_op_args args;
	struct luo_file *luo_file;
	struct file *file;
	int err;

	if (luo_file_find(file_set, token))
		return -EEXIST;
	err = kho_block_set_grow(&file_set->blocks, file_set->count + 1);
	if (err)
		return err;
	err = -EBADF;
	file = fget(fd);
	if (!file)
		goto shrink;
	err = -ENOMEM;
	luo_file = kzalloc(sizeof(*luo_file), GFP_KERNEL);
	if (!luo_file)
		goto put_file;
	err = -ENOENT;
	luo_file->fh = luo_handler_for_file(file);
	if (!luo_file->fh)
		goto free;
	luo_file->file = file;
	luo_file->token = token;
	err = xa_insert(&luo_preserved_files, luo_file_id(luo_file->fh, file),
			file, GFP_KERNEL);
	if (err)
		goto put_module;
	luo_file_args(luo_file, &args);
	err = luo_file->fh->ops->preserve(&args);
	if (err)
		goto erase;
	luo_file->serialized_data = args.serialized_data;
	luo_file->private_data = args.private_data;
	list_add_tail(&luo_file->list, &file_set->files);
	file_set->count++;
	return 0;
erase:
	xa_erase(&luo_preserved_files, luo_file_id(luo_file->fh, file));
put_module:
	module_put(luo_file->fh->ops->owner);
free:
	kfree(luo_file);
put_file:
	fput(file);
shrink:
	kho_block_set_shrink(&file_set->blocks, file_set->count);
	return err;
}

/* Forget a file of this kernel: drop its references and free it. */
static void luo_file_forget(struct luo_file_set *file_set,
			    struct luo_file *luo_file)
{
	if (luo_file->file) {
		/* Only its own entry: a failed insert left another's there. */
		xa_cmpxchg(&luo_preserved_files,
			   luo_file_id(luo_file->fh, luo_file->file),
			   luo_file->file, NULL, 0);
		fput(luo_file->file);
	}
	if (luo_file->fh)
		module_put(luo_file->fh->ops->owner);
	list_del(&luo_file->list);
	file_set->count--;
	kfree(luo_file);
}

/**
 * luo_file_unpreserve_files - drop every file of an outgoing session
 * @file_set: the session's files
 */
void luo_file_unpreserve_files(struct luo_file_set *file_set)
{
	struct liveupdate_file_op_args args;
	struct luo_file *luo_file;

	while (!list_empty(&file_set->files)) {
		luo_file = list_last_entry(&file_set->files, struct luo_file,
					   list);
		luo_file_args(luo_file, &args);
		luo_file->fh->ops->unpreserve(&args);
		luo_file_forget(file_set, luo_file);
	}
	kho_block_set_destroy(&file_set->blocks);
}

/* Undo the freeze of the files before @failed (all when NULL). */
static void luo_file_thaw(struct luo_file_set *file_set,
			  struct luo_file *failed)
{
	struct liveupdate_file_op_args args;
	struct luo_file *luo_file;

	list_for_each_entry(luo_file, &file_set->files, list) {
		if (luo_file == failed)
			break;
		if (!luo_file->fh->ops->unfreeze)
			continue;
		luo_file_args(luo_file, &args);
		luo_file->fh->ops->unfreeze(&args);
	}
}

/**
 * luo_file_freeze - have each handler record its file, and write the records
 * @file_set: an outgoing session's files
 * @ser:      where the session's record points to its files
 *
 * Return: 0, or the first handler's error (no file stays frozen then).
 */
int luo_file_freeze(struct luo_file_set *file_set,
		    struct luo_file_set_ser *ser)
{
	struct liveupdate_file_op_args args;
	struct luo_file *luo_file;
	struct luo_file_ser *record;
	struct kho_block_writer w;
	int err = 0;

	memset(ser, 0, sizeof(*ser));
	if (!file_set->count)
		return 0;
	kho_block_writer_init(&w, &file_set->blocks);
	list_for_each_entry(luo_file, &file_set->files, list) {
		record = kho_block_writer_next(&w);
		if (WARN_ON_ONCE(!record)) {
			err = -ENOSPC;
			break;
		}
		if (luo_file->fh->ops->freeze) {
			luo_file_args(luo_file, &args);
			err = luo_file->fh->ops->freeze(&args);
			if (err) {
				pr_err("token %#llx (%s): cannot freeze it (%d)\n",
				       luo_file->token, luo_file->fh->compatible,
				       err);
				break;
			}
			luo_file->serialized_data = args.serialized_data;
		}
		strscpy(record->compatible, luo_file->fh->compatible,
			sizeof(record->compatible));
		record->data = luo_file->serialized_data;
		record->token = luo_file->token;
	}
	if (err) {
		luo_file_thaw(file_set, luo_file);
		return err;
	}
	ser->files = kho_block_writer_end(&w);
	ser->count = file_set->count;
	return 0;
}

/**
 * luo_file_unfreeze - undo luo_file_freeze() after the handover was undone
 * @file_set: an outgoing session's files
 */
void luo_file_unfreeze(struct luo_file_set *file_set)
{
	luo_file_thaw(file_set, NULL);
}

/* Find an incoming file's handler the first time it is needed. */
static int luo_file_find_handler(struct luo_file *luo_file)
{
	if (luo_file->fh)
		return 0;
	luo_file->fh = luo_handler_by_name(luo_file->compatible);
	if (luo_file->fh)
		return 0;
	pr_err("token %#llx: no handler for \"%s\" in this kernel\n",
	       luo_file->token, luo_file->compatible);
	return -ENOENT;
}

/**
 * luo_retrieve_file - the file an incoming session preserved under @token
 * @file_set: the session's files
 * @token:    the token
 * @filep:    set to the file, with a reference for the caller
 *
 * A file can be retrieved more than once; each call returns the same file.
 *
 * Return: 0; -ENOENT when no file has the token (or the session was
 * finished, or this kernel has no handler for it); or the handler's error,
 * which later calls repeat.
 */
int luo_retrieve_file(struct luo_file_set *file_set, u64 token,
		      struct file **filep)
{
	struct liveupdate_file_op_args args;
	struct luo_file *luo_file;
	int err;

	luo_file = luo_file_find(file_set, token);
	if (!luo_file)
		return -ENOENT;
	if (luo_file->retrieve_status < 0)
		return luo_file->retrieve_status;
	if (luo_file->retrieve_status > 0) {
		*filep = get_file(luo_file->file);
		return 0;
	}
	err = luo_file_find_handler(luo_file);
	if (err)
		return err;
	luo_file_args(luo_file, &args);
	err = luo_file->fh->ops->retrieve(&args);
	if (err) {
		luo_file->retrieve_status = err;
		return err;
	}
	luo_file->file = args.file;
	luo_file->private_data = args.private_data;
	luo_file->retrieve_status = 1;
	/* Preserving it again in a new session must see it as taken. */
	if (xa_insert(&luo_preserved_files,
		      luo_file_id(luo_file->fh, luo_file->file),
		      luo_file->file, GFP_KERNEL))
		pr_warn("token %#llx: the retrieved file is preserved twice\n",
			token);
	*filep = get_file(luo_file->file);
	return 0;
}

/**
 * luo_file_finish - finish every file of an incoming session
 * @file_set: the session's files
 *
 * Handlers release what was not retrieved. Files whose handler this
 * kernel lacks are dropped; their memory stays reserved.
 *
 * Return: 0, or -EBUSY when a handler cannot finish its file yet (nothing
 * is finished then).
 */
int luo_file_finish(struct luo_file_set *file_set)
{
	struct liveupdate_file_op_args args;
	struct luo_file *luo_file;

	list_for_each_entry(luo_file, &file_set->files, list) {
		if (luo_file_find_handler(luo_file) ||
		    !luo_file->fh->ops->can_finish)
			continue;
		luo_file_args(luo_file, &args);
		if (!luo_file->fh->ops->can_finish(&args))
			return -EBUSY;
	}
	while (!list_empty(&file_set->files)) {
		luo_file = list_last_entry(&file_set->files, struct luo_file,
					   list);
		if (luo_file->fh) {
			luo_file_args(luo_file, &args);
			luo_file->fh->ops->finish(&args);
		}
		luo_file_forget(file_set, luo_file);
	}
	return 0;
}

static void luo_file_drop_incoming(struct luo_file_set *file_set)
{
	struct luo_file *luo_file;

	while (!list_empty(&file_set->files)) {
		luo_file = list_first_entry(&file_set->files, struct luo_file,
					    list);
		luo_file_forget(file_set, luo_file);
	}
}

/* One file record of the previous kernel. */
static int luo_file_read_one(const void *record, void *arg)
{
	const struct luo_file_ser *ser = record;
	struct luo_file_set *file_set = arg;
	size_t len = strnlen(ser->compatible, sizeof(ser->compatible));
	struct luo_file *luo_file;

	if (!len || len == sizeof(ser->compatible)) {
		pr_err("token %#llx: the record names no valid handler\n",
		       ser->token);
		return -EINVAL;
	}
	if (luo_file_find(file_set, ser->token)) {
		pr_err("token %#llx: preserved twice in one session\n",
		       ser->token);
		return -EINVAL;
	}
	luo_file = kzalloc(sizeof(*luo_file), GFP_KERNEL);
	if (!luo_file)
		return -ENOMEM;
	memcpy(luo_file->compatible, ser->compatible, len);
	luo_file->serialized_data = ser->data;
	luo_file->token = ser->token;
	list_add_tail(&luo_file->list, &file_set->files);
	file_set->count++;
	return 0;
}

/**
 * luo_file_read_incoming - take the files of an incoming session
 * @file_set: the session's (empty) files
 * @ser:      what the session's record says of them
 *
 * Return: 0, or -EINVAL when the records are damaged or fewer or more
 * than @ser says (no file is kept then), or -ENOMEM.
 */
int luo_file_read_incoming(struct luo_file_set *file_set,
			   const struct luo_file_set_ser *ser)
{
	int ret;

	if (!ser->files)
		return ser->count ? -EINVAL : 0;
	if (!ser->count || ser->count > INT_MAX)
		return -EINVAL;
	ret = kho_block_chain_read(ser->files, sizeof(struct luo_file_ser),
				   ser->count, luo_file_read_one, file_set);
	if (ret >= 0 && ret != ser->count) {
		pr_err("%d file records where the session says %llu\n", ret,
		       ser->count);
		ret = -EINVAL;
	}
	if (ret < 0) {
		luo_file_drop_incoming(file_set);
		return ret;
	}
	return 0;
}

/**
 * liveupdate_register_file_handler - make a kind of file preservable
 * @fh: the handler; its compatible string must be unique
 *
 * Context: Process context. The handler must stay registered while files
 * it preserved or may retrieve exist; a handler in a module is kept
 * loaded by a reference per such file.
 *
 * Return: 0; -EOPNOTSUPP when live update is off; -EINVAL when a required
 * operation is missing or the compatible string is empty or too long;
 * -EEXIST when another handler has the compatible string.
 */
int liveupdate_register_file_handler(struct liveupdate_file_handler *fh)
{
	const struct liveupdate_file_ops *ops = fh->ops;
	struct liveupdate_file_handler *it;
	size_t len = strnlen(fh->compatible, sizeof(fh->compatible));

	if (!liveupdate_enabled())
		return -EOPNOTSUPP;
	if (!ops->can_preserve || !ops->preserve || !ops->unpreserve ||
	    !ops->retrieve || !ops->finish || !len ||
	    len == sizeof(fh->compatible))
		return -EINVAL;
	guard(rwsem_write)(&luo_register_rwlock);
	list_for_each_entry(it, &luo_file_handlers, list) {
		if (!strcmp(it->compatible, fh->compatible)) {
			pr_err("a file handler for \"%s\" is registered already\n",
			       fh->compatible);
			return -EEXIST;
		}
	}
	list_add_tail(&fh->list, &luo_file_handlers);
	return 0;
}
EXPORT_SYMBOL_GPL(liveupdate_register_file_handler);

/**
 * liveupdate_unregister_file_handler - undo liveupdate_register_file_handler()
 * @fh: the handler
 */
void liveupdate_unregister_file_handler(struct liveupdate_file_handler *fh)
{
	struct liveupdate_file_handler *it;

	guard(rwsem_write)(&luo_register_rwlock);
	list_for_each_entry(it, &luo_file_handlers, list) {
		if (it == fh) {
			list_del(&fh->list);
			return;
		}
	}
}
EXPORT_SYMBOL_GPL(liveupdate_unregister_file_handler);
