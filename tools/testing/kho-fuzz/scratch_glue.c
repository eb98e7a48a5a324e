// SPDX-License-Identifier: GPL-2.0-only
/* kernel/liveupdate/kho_scratch.c, unchanged, and a reset of its state. */
#include "../../../kernel/liveupdate/kho_scratch.c"

void fuzz_scratch_reset(void)
{
	kho_scratch = NULL;
	kho_scratch_cnt = 0;
	kho_scratch_copy = 0;
	kho_scratch_reserved = false;
	kho_scratch_request = (struct kho_scratch_request){
		.scale = KHO_SCRATCH_DEFAULT_SCALE,
	};
}
